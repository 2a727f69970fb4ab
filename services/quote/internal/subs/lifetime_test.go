package subs

import (
	"context"
	"maps"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/futugw/gateway/platform/testkit"
)

// lifeStep is one event of a lifetime scenario; at is relative to the start.
type lifeStep struct {
	at      time.Duration
	session string // with hash and expires: a request seen

	hash    string
	expires time.Duration // relative to start; <0 never expires
	revoke  string        // hash revoked
	kept    []string      // sessions the edge hosts from now on
	want    []string      // sessions dropped by the sweep at this step (sorted)
}

func TestLifetimes(t *testing.T) {
	const grace = 30 * time.Second
	tests := []struct {
		name  string
		steps []lifeStep
	}{
		{"expires after grace", []lifeStep{
			{at: 0, session: "s1", hash: "k1", expires: time.Minute},
			{at: time.Minute + grace - time.Second},
			{at: time.Minute + grace, want: []string{"s1"}},
		}},
		{"refresh extends", []lifeStep{
			{at: 0, session: "s1", hash: "k1", expires: time.Minute},
			{at: 50 * time.Second, session: "s1", hash: "k2", expires: 2 * time.Hour},
			{at: time.Hour},
			{at: 2*time.Hour + grace, want: []string{"s1"}},
		}},
		{"never expiring key stays", []lifeStep{
			{at: 0, session: "api", hash: "k1", expires: -1},
			{at: 1000 * time.Hour},
		}},
		{"logout drops at once", []lifeStep{
			{at: 0, session: "s1", hash: "k1", expires: time.Hour},
			{at: 0, session: "s2", hash: "k2", expires: time.Hour},
			{at: time.Second, revoke: "k1", want: []string{"s1"}},
		}},
		{"revoking the replaced key keeps the session", []lifeStep{
			{at: 0, session: "s1", hash: "old", expires: time.Hour},
			{at: time.Minute, session: "s1", hash: "new", expires: 2 * time.Hour},
			{at: 2 * time.Minute, revoke: "old"},
			{at: 2 * time.Minute, revoke: "new", want: []string{"s1"}},
		}},
		{"revoking a long-lived key drops its session", []lifeStep{
			{at: 0, session: "api", hash: "k1", expires: -1},
			{at: time.Second, revoke: "k1", want: []string{"api"}},
		}},
		{"unknown revocation is ignored", []lifeStep{
			{at: 0, session: "s1", hash: "k1", expires: time.Hour},
			{at: time.Second, revoke: "other"},
		}},
		{"a late sighting of a revoked key does not revive it", []lifeStep{
			{at: 0, session: "s1", hash: "k1", expires: time.Hour},
			{at: time.Second, revoke: "k1", session: "s1", hash: "k1", expires: time.Hour, want: []string{"s1"}},
		}},
		{"hosted session outlives its keys by the grace", []lifeStep{
			{at: 0, session: "s1", hash: "k1", expires: time.Minute, kept: []string{"s1"}},
			{at: 10 * time.Minute, kept: []string{"s1"}},
			{at: 10*time.Minute + time.Second, kept: []string{}},
			{at: 10*time.Minute + grace - time.Second},
			{at: 10*time.Minute + grace, want: []string{"s1"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newFakeClock()
			start := clk.Now()
			kept := map[string]bool{}
			l := NewLifetimes(LifetimeOptions{Clock: clk, Grace: grace, Drop: func(string) {},
				Keep: func(s string) bool { return kept[s] }})
			for i, st := range tt.steps {
				clk.Advance(start.Add(st.at).Sub(clk.Now()))
				if st.kept != nil {
					clear(kept)
					for _, s := range st.kept {
						kept[s] = true
					}
				}
				if st.revoke != "" {
					l.Revoked(st.revoke)
				}
				if st.session != "" {
					var exp time.Time
					if st.expires >= 0 {
						exp = start.Add(st.expires)
					}
					l.Seen(st.session, st.hash, exp)
				}
				got := l.Sweep()
				slices.Sort(got)
				if !slices.Equal(got, st.want) {
					t.Fatalf("step %d: dropped %v; want %v", i, got, st.want)
				}
			}
		})
	}
}

// TestLifetimesDropReleasesAfterHold ends a session through the registry: its pairs
// go through the normal release (after the hold) and its hosts see an empty set.
func TestLifetimesDropReleasesAfterHold(t *testing.T) {
	r, up, clk, changes := newTestRegistry(10, time.Minute)
	defer r.Close()
	l := NewLifetimes(LifetimeOptions{Clock: clk, Drop: r.UnsubscribeAll})
	a := Pair{tencent, SubBasic}
	l.Seen("s1", "k1", clk.Now().Add(time.Hour))
	if err := r.Subscribe(context.Background(), "s1", []Pair{a}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(10 * time.Second)
	l.Revoked("k1")
	if got := l.Sweep(); !slices.Equal(got, []string{"s1"}) {
		t.Fatalf("dropped %v", got)
	}
	if ps, ok := changes["s1"]; !ok || len(ps) != 0 || len(r.Session("s1")) != 0 {
		t.Fatalf("session change %v (%v); want an empty set", ps, ok)
	}
	if !up.pairs()[a] {
		t.Fatal("released before the hold")
	}
	clk.Advance(50 * time.Second)
	if up.pairs()[a] {
		t.Fatal("not released after the hold")
	}
	if l.Len() != 0 {
		t.Fatal("dropped session still tracked")
	}
}

// TestLifetimesRun sweeps on the interval and at once on a revocation, and stops
// with its context.
func TestLifetimesRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clk := newFakeClock()
		var mu sync.Mutex
		var dropped []string
		droppedCh := make(chan struct{}, 10)
		l := NewLifetimes(LifetimeOptions{Clock: clk, Grace: time.Second, Interval: time.Second, Drop: func(s string) {
			mu.Lock()
			dropped = append(dropped, s)
			mu.Unlock()
			droppedCh <- struct{}{}
		}})
		l.Seen("s1", "k1", clk.Now().Add(time.Second))
		l.Seen("s2", "k2", clk.Now().Add(time.Hour))
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); l.Run(ctx) }()

		l.Revoked("k2") // no clock movement: the revocation wakes the sweeper
		wait := func() { t.Helper(); testkit.Recv(t, 5*time.Second, "a sweep", droppedCh) }
		wait()
		// The interval timer is armed by Run; advancing past expiry and grace fires it.
		// synctest.Wait returns once the sweeper has done what the advance woke it for.
		for i := 0; l.Len() != 0; i++ {
			if i == 10 {
				t.Fatal("expired session not swept")
			}
			clk.Advance(time.Second)
			synctest.Wait()
		}
		wait()
		cancel()
		<-done
		mu.Lock()
		defer mu.Unlock()
		if !slices.Equal(dropped, []string{"s2", "s1"}) {
			t.Fatalf("dropped %v; want s2 then s1", dropped)
		}
	})
}

// TestLifetimesKeysAndChanges: Keys copies what is known, OnChange follows new keys
// and revocations but not a key seen again.
func TestLifetimesKeysAndChanges(t *testing.T) {
	clk := newFakeClock()
	var changed []string
	l := NewLifetimes(LifetimeOptions{Clock: clk, Drop: func(string) {},
		OnChange: func(s string) { changed = append(changed, s) }})
	exp1, exp2 := clk.Now().Add(time.Hour), clk.Now().Add(2*time.Hour)
	if _, ok := l.Keys("s1"); ok {
		t.Fatal("an unknown session lives")
	}
	l.Seen("s1", "k1", exp1)
	l.Seen("s1", "k1", exp1) // every request: no change
	l.Seen("s1", "k2", exp2) // a refresh
	l.Seen("s2", "k3", time.Time{})
	if !slices.Equal(changed, []string{"s1", "s1", "s2"}) {
		t.Fatalf("changes %v", changed)
	}
	keys, ok := l.Keys("s1")
	if !ok || !maps.Equal(keys, map[string]time.Time{"k1": exp1, "k2": exp2}) {
		t.Fatalf("Keys(s1) = %v, %v", keys, ok)
	}
	keys["k9"] = exp1 // a copy
	if keys, _ := l.Keys("s1"); len(keys) != 2 {
		t.Fatal("Keys returned the live map")
	}

	changed = nil
	l.Revoked("k1") // the replaced key: s1 lives on without it
	if keys, ok := l.Keys("s1"); !ok || len(keys) != 1 || !slices.Equal(changed, []string{"s1"}) {
		t.Fatalf("after revoking the old key: %v, %v, changes %v", keys, ok, changed)
	}
	l.Revoked("k2") // the latest key: a logout
	if _, ok := l.Keys("s1"); ok {
		t.Fatal("a logged-out session lives")
	}
	if len(changed) != 2 {
		t.Fatalf("changes %v", changed)
	}
}
