package guard

import (
	"sync"
	"time"
)

// table is one set of failure buckets (per client address, or per key hash), with a
// bounded number of entries. An entry whose bucket has refilled and that is not
// blocked says nothing a missing entry would not, so sweeps drop it.
type table struct {
	capacity   float64       // failures allowed in a burst
	perFailure time.Duration // time for one failure to be forgiven
	cooldown   time.Duration
	maxEntries int

	mu        sync.Mutex
	entries   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	tokens float64   // failures still allowed, at last
	last   time.Time // when tokens was computed
	until  time.Time // blocked until then
}

// sweepEvery bounds how often a full table is scanned; between scans a full table
// evicts arbitrary entries instead.
const sweepEvery = time.Second

func newTable(l Limit, cooldown time.Duration, maxEntries int) *table {
	return &table{
		capacity:   float64(l.Failures),
		perFailure: l.Per / time.Duration(l.Failures),
		cooldown:   cooldown,
		maxEntries: maxEntries,
		entries:    make(map[string]*bucket),
	}
}

// refill brings b's tokens up to now.
func (t *table) refill(b *bucket, now time.Time) {
	if d := now.Sub(b.last); d > 0 {
		b.tokens = min(t.capacity, b.tokens+float64(d)/float64(t.perFailure))
		b.last = now
	}
}

// blockedUntil returns when k's block ends, or the zero time when k is not blocked.
func (t *table) blockedUntil(k string, now time.Time) time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	if b, ok := t.entries[k]; ok && now.Before(b.until) {
		return b.until
	}
	return time.Time{}
}

// fail records one failure of k and reports whether it started a block: the bucket
// is empty, so k's next requests are refused until the cool-down ends.
func (t *table) fail(k string, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	b, ok := t.entries[k]
	if !ok {
		t.makeRoomLocked(now)
		b = &bucket{tokens: t.capacity, last: now}
		t.entries[k] = b
	}
	if now.Before(b.until) {
		return false // already blocked (a request that raced the block)
	}
	t.refill(b, now)
	b.tokens--
	if b.tokens >= 1 {
		return false
	}
	b.tokens = max(b.tokens, 0)
	b.until = now.Add(t.cooldown)
	return true
}

// idle reports whether b carries no information any more.
func (t *table) idle(b *bucket, now time.Time) bool {
	if now.Before(b.until) {
		return false
	}
	t.refill(b, now)
	return b.tokens >= t.capacity
}

// makeRoomLocked keeps the table under maxEntries: a sweep of idle entries at most
// every sweepEvery (also done regularly, so a table that never fills still forgets
// old clients), else an arbitrary entry is evicted, preferring unblocked ones.
func (t *table) makeRoomLocked(now time.Time) {
	full := len(t.entries) >= t.maxEntries
	if now.Sub(t.lastSweep) >= sweepEvery && (full || now.Sub(t.lastSweep) >= time.Minute) {
		t.lastSweep = now
		for k, b := range t.entries {
			if t.idle(b, now) {
				delete(t.entries, k)
			}
		}
		full = len(t.entries) >= t.maxEntries
	}
	if !full {
		return
	}
	const probe = 8
	victim, n := "", 0
	for k, b := range t.entries { // random order: a cheap random eviction
		if victim == "" || !now.Before(b.until) {
			victim = k
			if !now.Before(b.until) {
				break
			}
		}
		if n++; n >= probe {
			break
		}
	}
	delete(t.entries, victim)
}

// len returns the number of entries.
func (t *table) len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.entries)
}
