// Package tradefanout delivers every trade push (Trd_UpdateOrder 2208, Trd_UpdateOrderFill
// 2218) to every open StreamTradePushes stream. Pushes are never dropped or conflated:
// a subscriber that falls a whole buffer behind is cut off instead, so its edge
// reconnects and resyncs rather than silently missing an order update.
package tradefanout

import (
	"errors"
	"sync"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
)

// DefaultBuffer is how many pushes a subscriber may lag behind.
const DefaultBuffer = 4096

// ErrSlow is why a subscriber that could not keep up was closed.
var ErrSlow = errors.New("trade push stream too slow: closed instead of dropping pushes")

// Hub fans pushes out to subscribers. Safe for concurrent use.
type Hub struct {
	buffer int
	mu     sync.Mutex
	subs   map[*Sub]struct{}
}

// NewHub returns a Hub whose subscribers buffer buffer pushes (DefaultBuffer if <= 0).
func NewHub(buffer int) *Hub {
	if buffer <= 0 {
		buffer = DefaultBuffer
	}
	return &Hub{buffer: buffer, subs: make(map[*Sub]struct{})}
}

// Sub is one subscriber: read C until Done is closed, then Err says why.
type Sub struct {
	C    <-chan *gatewayv1.TradePush
	c    chan *gatewayv1.TradePush
	done chan struct{}
	err  error // set before done closes
}

// Done is closed when the hub cut the subscriber off (see Err).
func (s *Sub) Done() <-chan struct{} { return s.done }

// Err is why the subscriber was cut off; valid after Done is closed.
func (s *Sub) Err() error { return s.err }

// Subscribe adds a subscriber; call Unsubscribe when done with it.
func (h *Hub) Subscribe() *Sub {
	c := make(chan *gatewayv1.TradePush, h.buffer)
	s := &Sub{C: c, c: c, done: make(chan struct{})}
	h.mu.Lock()
	h.subs[s] = struct{}{}
	h.mu.Unlock()
	return s
}

// Unsubscribe removes s; safe to call more than once.
func (h *Hub) Unsubscribe(s *Sub) {
	h.mu.Lock()
	delete(h.subs, s)
	h.mu.Unlock()
}

// Len returns the number of subscribers.
func (h *Hub) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

// Publish hands p to every subscriber without blocking; a subscriber whose buffer is
// full is removed and its Done closed.
func (h *Hub) Publish(p *gatewayv1.TradePush) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		select {
		case s.c <- p:
		default:
			s.err = ErrSlow
			close(s.done)
			delete(h.subs, s)
		}
	}
}

// CloseAll cuts off every subscriber with err (at shutdown).
func (h *Hub) CloseAll(err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		s.err = err
		close(s.done)
		delete(h.subs, s)
	}
}
