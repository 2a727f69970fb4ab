package subs

import (
	"context"
	"errors"
	"sort"
	"sync"
	"time"
)

// fakeClock fires due timers synchronously inside Advance.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

type fakeTimer struct {
	c       *fakeClock
	at      time.Time
	f       func()
	stopped bool
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Unix(1_700_000_000, 0)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) AfterFunc(d time.Duration, f func()) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{c: c, at: c.now.Add(d), f: f}
	c.timers = append(c.timers, t)
	return t
}

func (t *fakeTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	was := !t.stopped
	t.stopped = true
	return was
}

// Advance moves time forward and runs the timers that came due, in order.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	var due []*fakeTimer
	rest := c.timers[:0]
	for _, t := range c.timers {
		switch {
		case t.stopped:
		case !t.at.After(c.now):
			t.stopped = true
			due = append(due, t)
		default:
			rest = append(rest, t)
		}
	}
	c.timers = rest
	c.mu.Unlock()
	sort.SliceStable(due, func(i, j int) bool { return due[i].at.Before(due[j].at) })
	for _, t := range due {
		t.f()
	}
}

// fakeUpstream is OpenD's subscription set.
type fakeUpstream struct {
	mu        sync.Mutex
	set       map[Pair]bool
	subCalls  int
	failSub   error // when set, Subscribe accepts acceptN pairs and then fails
	acceptN   int
	failUnsub error
}

func newFakeUpstream() *fakeUpstream { return &fakeUpstream{set: map[Pair]bool{}} }

func (u *fakeUpstream) Subscribe(_ context.Context, ps []Pair) ([]Pair, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.subCalls++
	if u.failSub != nil {
		done := ps[:min(u.acceptN, len(ps))]
		for _, p := range done {
			u.set[p] = true
		}
		return done, u.failSub
	}
	for _, p := range ps {
		u.set[p] = true
	}
	return ps, nil
}

func (u *fakeUpstream) Unsubscribe(_ context.Context, ps []Pair) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.failUnsub != nil {
		return u.failUnsub
	}
	for _, p := range ps {
		if !u.set[p] {
			return errors.New("not subscribed")
		}
		delete(u.set, p)
	}
	return nil
}

func (u *fakeUpstream) pairs() map[Pair]bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	out := make(map[Pair]bool, len(u.set))
	for p := range u.set {
		out[p] = true
	}
	return out
}
