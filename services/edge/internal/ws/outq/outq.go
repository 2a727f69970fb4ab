// Package outq is one socket's outgoing queue. Quote frames conflate per key: only
// the latest frame of a (security, push type) waits, so a slow reader gets fresh
// prices rather than a backlog and the queue never holds more than one frame per key.
// Other frames (trades, notifications) wait in a bounded FIFO and are never dropped:
// when it is full Push says so and the caller closes the socket.
package outq

import "sync"

// Key identifies what a quote frame conflates with.
type Key struct {
	SecKey  string
	ProtoID uint32
}

// Item is one frame, shared by every queue it was pushed to: never modify it.
type Item struct {
	Data     []byte
	Kind     uint8 // the caller's frame type
	Received int64 // when the upstream push was received (unix ns); 0 if unknown
}

// Queue is safe for one consumer and many producers. Its zero value is not usable;
// build it with New.
type Queue struct {
	limit int
	wake  chan struct{}

	mu     sync.Mutex
	closed bool
	ctrl   []*Item // FIFO from ctrlH
	ctrlH  int
	keys   []Key // quote keys in arrival order, from keysH
	keysH  int
	latest map[Key]*Item // allocated on first quote: idle sockets stay small
}

// New returns a queue holding at most limit control frames and limit quote keys.
func New(limit int) *Queue {
	if limit < 1 {
		limit = 1
	}
	return &Queue{limit: limit, wake: make(chan struct{}, 1)}
}

// Wake receives a value after a push to an empty queue; the consumer then Pops until
// the queue is empty.
func (q *Queue) Wake() <-chan struct{} { return q.wake }

func (q *Queue) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// PushQuote queues it under k. It reports whether a waiting frame was discarded:
// the older frame of the same key, or, with limit keys already waiting, the oldest
// waiting quote.
func (q *Queue) PushQuote(k Key, it *Item) (dropped bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return false
	}
	if q.latest == nil {
		q.latest = make(map[Key]*Item)
	}
	if _, ok := q.latest[k]; ok {
		q.latest[k] = it // keeps its place in line
		return true
	}
	if len(q.latest) >= q.limit {
		delete(q.latest, q.popKeyLocked())
		dropped = true
	}
	q.latest[k] = it
	q.keys = append(q.keys, k)
	q.signal()
	return dropped
}

// Push queues a frame that must not be lost. It returns false when the FIFO is full
// (or the queue closed): the consumer is too slow.
func (q *Queue) Push(it *Item) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed || len(q.ctrl)-q.ctrlH >= q.limit {
		return false
	}
	q.ctrl = append(q.ctrl, it)
	q.signal()
	return true
}

// Pop returns the next frame: control frames first, then quotes in arrival order of
// their keys.
func (q *Queue) Pop() (*Item, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.ctrlH < len(q.ctrl) {
		it := q.ctrl[q.ctrlH]
		q.ctrl[q.ctrlH] = nil
		q.ctrlH++
		if q.ctrlH == len(q.ctrl) {
			q.ctrl, q.ctrlH = q.ctrl[:0], 0
		}
		return it, true
	}
	if q.keysH < len(q.keys) {
		k := q.popKeyLocked()
		it := q.latest[k]
		delete(q.latest, k)
		return it, true
	}
	return nil, false
}

// popKeyLocked removes the oldest waiting key, compacting the slice so that it
// stays within twice the limit.
func (q *Queue) popKeyLocked() Key {
	k := q.keys[q.keysH]
	q.keys[q.keysH] = Key{}
	q.keysH++
	switch {
	case q.keysH == len(q.keys):
		q.keys, q.keysH = q.keys[:0], 0
	case q.keysH >= q.limit:
		n := copy(q.keys, q.keys[q.keysH:])
		clear(q.keys[n:])
		q.keys, q.keysH = q.keys[:n], 0
	}
	return k
}

// Len is the number of waiting frames.
func (q *Queue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.ctrl) - q.ctrlH + len(q.latest)
}

// Close drops every waiting frame and refuses later pushes.
func (q *Queue) Close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	q.ctrl, q.ctrlH, q.keys, q.keysH, q.latest = nil, 0, nil, 0, nil
}
