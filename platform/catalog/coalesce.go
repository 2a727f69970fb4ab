package catalog

import (
	"context"
	"sync"

	"google.golang.org/protobuf/proto"
)

// Coalescer lets identical concurrent calls of a Coalesce route share one upstream
// request: the first caller's answer (or error) goes to every caller that asked the
// same while it ran. Answers are shared, so callers must not modify them.
type Coalescer struct {
	// Shared, when set, is told of every call that joined another's request.
	Shared func(r *Route)

	mu    sync.Mutex
	calls map[string]*flight
}

type flight struct {
	done chan struct{}
	out  proto.Message
	err  error
}

// Do runs fn once per (route, request) in flight. A caller whose ctx ends stops
// waiting; fn should not depend on the first caller's cancellation (the quote
// service runs it under context.WithoutCancel and its own timeout).
func (c *Coalescer) Do(ctx context.Context, r *Route, in proto.Message, fn func() (proto.Message, error)) (proto.Message, error) {
	if r.Policy != Coalesce {
		return fn()
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(in)
	if err != nil {
		return fn()
	}
	key := r.FullMethod + "\x00" + string(b)
	c.mu.Lock()
	if c.calls == nil {
		c.calls = make(map[string]*flight)
	}
	if f, ok := c.calls[key]; ok {
		c.mu.Unlock()
		if c.Shared != nil {
			c.Shared(r)
		}
		select {
		case <-f.done:
			return f.out, f.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	f := &flight{done: make(chan struct{})}
	c.calls[key] = f
	c.mu.Unlock()

	f.out, f.err = fn()
	c.mu.Lock()
	delete(c.calls, key)
	c.mu.Unlock()
	close(f.done)
	return f.out, f.err
}
