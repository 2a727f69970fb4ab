package run

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/futugw/gateway/platform/obs"
)

// Group owns what a service starts while it is wired: background tasks (Go) and
// things to close (Defer). Stop undoes them in reverse order of registration, so
// each step stops before whatever it was built on (a watcher before its Redis
// client). The same Stop rolls back when wiring fails part-way, undoing only what
// was started, and runs at shutdown once the servers stopped. A task that fails
// marks the group failed (Failed, Err): its Service then stops everything.
//
// Go and Defer belong to wiring; a step registered after Stop is undone at once.
// Stop may be called more than once and from any goroutine.
type Group struct {
	log *slog.Logger

	mu      sync.Mutex
	steps   []step
	stopped bool

	failOnce sync.Once
	failed   chan struct{}
	failErr  error // set once, before failed closes
}

// step is one thing to undo: close a resource or stop a task.
type step struct {
	name string
	kind string // "close" or "task", for logs
	undo func(context.Context) error
}

// NewGroup returns an empty Group logging to log (nil discards).
func NewGroup(log *slog.Logger) *Group {
	return &Group{log: obs.OrDiscard(log), failed: make(chan struct{})}
}

// Go starts fn now, on its own goroutine, with a context that Stop cancels (at
// fn's place in the reverse order); Stop then waits for fn to return, up to its
// deadline. fn returning nil early is fine (nothing left to do); an error while the
// group is not stopping fails the group.
func (g *Group) Go(name string, fn func(ctx context.Context) error) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := fn(ctx); err != nil && ctx.Err() == nil {
			g.fail(fmt.Errorf("%s: %w", name, err))
		}
	}()
	g.push(step{name: name, kind: "task", undo: func(stop context.Context) error {
		cancel()
		select {
		case <-done:
			return nil
		case <-stop.Done():
			return fmt.Errorf("still running when the stop deadline passed: %w", context.Cause(stop))
		}
	}})
}

// Defer registers fn to close something when the group stops: at shutdown, or
// at once when wiring fails later on.
func (g *Group) Defer(name string, fn func(ctx context.Context) error) {
	g.push(step{name: name, kind: "close", undo: fn})
}

func (g *Group) push(s step) {
	g.mu.Lock()
	if !g.stopped {
		g.steps = append(g.steps, s)
		g.mu.Unlock()
		return
	}
	g.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), DefaultCloseTimeout)
	defer cancel()
	if err := s.undo(ctx); err != nil {
		g.log.Error("stop failed", "step", s.name, "kind", s.kind, obs.Err(err))
	}
}

func (g *Group) fail(err error) {
	g.failOnce.Do(func() {
		g.failErr = err
		g.log.Error("task failed", obs.Err(err))
		close(g.failed)
	})
}

// Failed is closed when a task fails.
func (g *Group) Failed() <-chan struct{} { return g.failed }

// Err is the first task failure, nil while there is none.
func (g *Group) Err() error {
	select {
	case <-g.failed:
		return g.failErr
	default:
		return nil
	}
}

// Stop undoes every step in reverse order of registration under ctx's deadline:
// tasks are cancelled and awaited, closers run. Every step runs even when an earlier
// one failed; the errors come back joined, first failure first. Only the first Stop
// does anything.
func (g *Group) Stop(ctx context.Context) error {
	g.mu.Lock()
	steps := g.steps
	g.steps, g.stopped = nil, true
	g.mu.Unlock()
	var errs []error
	for i := len(steps) - 1; i >= 0; i-- {
		s := steps[i]
		if err := s.undo(ctx); err != nil {
			g.log.Error("stop failed", "step", s.name, "kind", s.kind, obs.Err(err))
			errs = append(errs, fmt.Errorf("%s %s: %w", s.kind, s.name, err))
			continue
		}
		g.log.Info("stopped", "step", s.name, "kind", s.kind)
	}
	return errors.Join(errs...)
}

// StopOnError rolls the group back when *errp is not nil: call it deferred from a
// wiring function with a named error result, so every failing return undoes what was
// started before it.
func (g *Group) StopOnError(errp *error) {
	if *errp == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), DefaultCloseTimeout)
	defer cancel()
	_ = g.Stop(ctx) // the wiring error is the one to report
}

// Sleep waits d unless ctx ends first; it reports whether the whole d passed, that is
// whether a retry loop should go on.
func Sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
