// Package outq is one socket's outgoing queue. Quote frames conflate per key: only
// the latest frame of a (security, push type) waits, so a slow reader gets fresh
// prices rather than a backlog and the queue never holds more than one frame per key.
// Other frames (trades, notifications) wait in a bounded FIFO and are never dropped:
// when it is full Push says so and the caller closes the socket. Tick frames (each
// one a trade print, so conflating them would lose trades) wait in their own bounded
// FIFO: a tick that does not fit is dropped but counted per key, and the reader gets
// a gap frame naming the key and how many it missed, in line before that key's next
// tick (or once the FIFO drains), so no tick is ever lost silently.
package outq

import "sync"

// Key identifies what a quote frame conflates with: a security and a push type, and
// for pushes shared by several sub types (Qot_UpdateKL) the sub type, so that each
// K-line period of a security keeps its own latest bar.
type Key struct {
	SecKey  string
	ProtoID uint32
	SubType int32
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

	ticks  []*Item // FIFO from ticksH: tick frames and the gap frames between them
	ticksH int
	missed map[Key]uint64 // ticks dropped per key since its last gap frame
	gap    GapFunc
	turn   bool // Pop alternates ticks and conflated quotes so neither starves
}

// GapFunc builds the frame telling a reader that missed ticks of k were dropped.
type GapFunc func(k Key, missed uint64) *Item

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

// SetGap sets the builder of gap frames; call it before the first PushTick.
func (q *Queue) SetGap(f GapFunc) { q.gap = f }

// PushTick queues a tick frame of k in arrival order. When limit ticks are already
// waiting it drops it and counts it against k (dropped is true); the next tick of k
// that fits is preceded by a gap frame (built by the SetGap function) carrying the
// count.
func (q *Queue) PushTick(k Key, it *Item) (dropped bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return false
	}
	if len(q.ticks)-q.ticksH >= q.limit {
		if q.missed == nil {
			q.missed = make(map[Key]uint64)
		}
		q.missed[k]++
		return true
	}
	if n := q.missed[k]; n > 0 {
		delete(q.missed, k)
		q.ticks = append(q.ticks, q.gapItem(k, n))
	}
	q.ticks = append(q.ticks, it)
	q.signal()
	return false
}

func (q *Queue) gapItem(k Key, n uint64) *Item {
	if q.gap == nil {
		return &Item{}
	}
	return q.gap(k, n)
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
	quotes, ticks := q.keysH < len(q.keys), q.ticksH < len(q.ticks)
	if quotes && (!ticks || q.turn) {
		q.turn = false
		k := q.popKeyLocked()
		it := q.latest[k]
		delete(q.latest, k)
		return it, true
	}
	if ticks {
		q.turn = true
		it := q.ticks[q.ticksH]
		q.ticks[q.ticksH] = nil
		q.ticksH++
		if q.ticksH == len(q.ticks) {
			q.ticks, q.ticksH = q.ticks[:0], 0
		}
		return it, true
	}
	for k, n := range q.missed { // the FIFO drained: tell what the last overflow cost
		delete(q.missed, k)
		return q.gapItem(k, n), true
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
	return len(q.ctrl) - q.ctrlH + len(q.latest) + len(q.ticks) - q.ticksH + len(q.missed)
}

// Close drops every waiting frame and refuses later pushes.
func (q *Queue) Close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	q.ctrl, q.ctrlH, q.keys, q.keysH, q.latest = nil, 0, nil, 0, nil
	q.ticks, q.ticksH, q.missed = nil, 0, nil
}
