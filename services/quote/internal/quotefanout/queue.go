package quotefanout

import (
	"sync"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/services/quote/internal/subs"
)

// queue is one edge stream's outbound buffer. Control frames (session_subs, notify)
// keep their order and are never dropped: overflowing them fails the queue. Quote
// frames are conflated per pair: a newer frame replaces one still waiting, so the
// queue never holds more than one frame per (security, sub type). Ticker frames
// (each one a trade) are never conflated: they wait in their own FIFO, and
// overflowing it fails the queue like control frames, so that the edge reconnects
// and tells its sockets rather than losing trades unannounced.
type queue struct {
	mu       sync.Mutex
	ctrl     []*gatewayv1.QuotePush
	maxCtrl  int
	order    []subs.Pair // quote pairs waiting, oldest first
	pending  map[subs.Pair]*gatewayv1.QuotePush
	maxQuote int
	ticks    []*gatewayv1.QuotePush
	turn     bool // pop alternates ticks and conflated quotes
	err      error
	wake     chan struct{} // 1-buffered: something arrived or the queue failed
}

func newQueue(maxCtrl, maxQuote int) *queue {
	return &queue{maxCtrl: maxCtrl, maxQuote: maxQuote,
		pending: make(map[subs.Pair]*gatewayv1.QuotePush), wake: make(chan struct{}, 1)}
}

func (q *queue) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// control appends a frame that must not be lost; false means the queue failed.
func (q *queue) control(m *gatewayv1.QuotePush) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.err != nil {
		return false
	}
	if len(q.ctrl) >= q.maxCtrl {
		q.err = ErrOverflow
		q.signal()
		return false
	}
	q.ctrl = append(q.ctrl, m)
	q.signal()
	return true
}

// quote adds or replaces the waiting frame of p; it reports whether it replaced one
// (or dropped m because the queue is at its bound).
func (q *queue) quote(p subs.Pair, m *gatewayv1.QuotePush) (conflated bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.err != nil {
		return false
	}
	if _, ok := q.pending[p]; ok {
		q.pending[p] = m
		return true
	}
	if len(q.order) >= q.maxQuote {
		return true
	}
	q.pending[p] = m
	q.order = append(q.order, p)
	q.signal()
	return false
}

// tick appends a ticker frame; false means the queue failed (now or before).
func (q *queue) tick(m *gatewayv1.QuotePush) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.err != nil {
		return false
	}
	if len(q.ticks) >= q.maxQuote {
		q.err = ErrOverflow
		q.signal()
		return false
	}
	q.ticks = append(q.ticks, m)
	q.signal()
	return true
}

// pop takes the next frame, control frames first; ok is false when empty.
func (q *queue) pop() (m *gatewayv1.QuotePush, ok bool, err error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.err != nil {
		return nil, false, q.err
	}
	if len(q.ctrl) > 0 {
		m = q.ctrl[0]
		q.ctrl[0] = nil
		q.ctrl = q.ctrl[1:]
		if len(q.ctrl) == 0 {
			q.ctrl = q.ctrl[:0:0]
		}
		return m, true, nil
	}
	if len(q.ticks) > 0 && (len(q.order) == 0 || !q.turn) {
		q.turn = true
		m = q.ticks[0]
		q.ticks[0] = nil
		q.ticks = q.ticks[1:]
		if len(q.ticks) == 0 {
			q.ticks = q.ticks[:0:0]
		}
		return m, true, nil
	}
	if len(q.order) > 0 {
		q.turn = false
		p := q.order[0]
		q.order = q.order[1:]
		if len(q.order) == 0 {
			q.order = q.order[:0:0]
		}
		m = q.pending[p]
		delete(q.pending, p)
		return m, true, nil
	}
	return nil, false, nil
}

func (q *queue) fail(err error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.err == nil {
		q.err = err
	}
	q.signal()
}

// len returns the frames waiting.
func (q *queue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.ctrl) + len(q.order) + len(q.ticks)
}
