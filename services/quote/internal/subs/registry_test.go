package subs

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"
)

var (
	tencent = Security{MarketHK, "00700"}
	hsbc    = Security{MarketHK, "00005"}
	apple   = Security{MarketUS, "AAPL"}
)

func TestPairsValidation(t *testing.T) {
	tests := []struct {
		name  string
		secs  []Security
		types []int32
		ok    bool
		n     int
	}{
		{"hk basic", []Security{tencent}, []int32{1}, true, 1},
		{"product without duplicates", []Security{tencent, apple, tencent}, []int32{1, 2, 4, 1}, true, 6},
		{"us dotted", []Security{{MarketUS, "BRK.B"}}, []int32{1}, true, 1},
		{"hk four digits", []Security{{MarketHK, "0700"}}, []int32{1}, false, 0},
		{"hk letters", []Security{{MarketHK, "0070A"}}, []int32{1}, false, 0},
		{"us lower case", []Security{{MarketUS, "aapl"}}, []int32{1}, false, 0},
		{"us too long", []Security{{MarketUS, "ABCDEFGHIJK"}}, []int32{1}, false, 0},
		{"other market", []Security{{21, "600519"}}, []int32{1}, false, 0},
		{"unknown sub type", []Security{tencent}, []int32{3}, false, 0},
		{"sub type none", []Security{tencent}, []int32{0}, false, 0},
		{"odd-lot book", []Security{tencent}, []int32{22}, false, 0},
		{"rt, k-lines and broker", []Security{tencent}, []int32{5, 6, 7, 11, 12, 13, 14, 15, 16, 17, 21}, true, 11},
		{"no securities", nil, []int32{1}, false, 0},
		{"no sub types", []Security{tencent}, nil, false, 0},
		{"too many", make51(), []int32{1}, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, err := Pairs(tt.secs, tt.types)
			if (err == nil) != tt.ok || len(ps) != tt.n {
				t.Fatalf("Pairs = %v, %v; want ok=%v n=%d", ps, err, tt.ok, tt.n)
			}
		})
	}
}

func make51() []Security {
	out := make([]Security, 51)
	for i := range out {
		out[i] = Security{MarketHK, fmt.Sprintf("%05d", i)}
	}
	return out
}

func newTestRegistry(quota int, hold time.Duration) (*Registry, *fakeUpstream, *fakeClock, map[string][]Pair) {
	up, clk := newFakeUpstream(), newFakeClock()
	changes := map[string][]Pair{}
	r := New(Options{Upstream: up, Clock: clk, Quota: quota, Hold: hold, RetryDelay: time.Second,
		OnSessionChange: func(s string, ps []Pair) { changes[s] = ps }})
	return r, up, clk, changes
}

func TestRefCountingAndHold(t *testing.T) {
	r, up, clk, changes := newTestRegistry(10, time.Minute)
	defer r.Close()
	ctx := context.Background()
	a, b := Pair{tencent, SubBasic}, Pair{apple, SubBasic}

	if err := r.Subscribe(ctx, "s1", []Pair{a, b}); err != nil {
		t.Fatal(err)
	}
	if err := r.Subscribe(ctx, "s2", []Pair{a}); err != nil {
		t.Fatal(err)
	}
	if got := up.pairs(); len(got) != 2 || up.subCalls != 1 {
		t.Fatalf("upstream %v after %d calls; want 2 pairs from 1 call (s2 reuses a)", got, up.subCalls)
	}
	if len(changes["s1"]) != 2 || len(changes["s2"]) != 1 {
		t.Fatalf("change callbacks %v", changes)
	}

	r.Unsubscribe("s1", []Pair{a, b}) // a still held by s2; b unowned, waits for the hold
	clk.Advance(30 * time.Second)
	if got := up.pairs(); !got[b] {
		t.Fatal("b released before the hold")
	}
	if used, _ := r.Quota(); used != 2 {
		t.Fatalf("used %d; a pending release still holds its slot", used)
	}
	clk.Advance(31 * time.Second)
	if got := up.pairs(); got[b] || !got[a] {
		t.Fatalf("after hold upstream = %v; want only a", got)
	}

	// Re-subscribing before the release fires cancels it.
	c := Pair{hsbc, SubOrderBook}
	if err := r.Subscribe(ctx, "s2", []Pair{c}); err != nil {
		t.Fatal(err)
	}
	r.Unsubscribe("s2", []Pair{a, c}) // a is past its hold: released at once
	clk.Advance(time.Second)
	if err := r.Subscribe(ctx, "s3", []Pair{c}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Hour)
	if got := up.pairs(); !got[c] || got[a] || up.subCalls != 2 {
		t.Fatalf("upstream %v, %d subscribe calls; want c kept without a new Qot_Sub", got, up.subCalls)
	}
	if s := r.Session("s2"); len(s) != 0 {
		t.Fatalf("s2 = %v", s)
	}
	if len(changes["s2"]) != 0 {
		t.Fatalf("s2 change = %v; want empty set", changes["s2"])
	}
}

func TestReleaseAfterHoldIsImmediate(t *testing.T) {
	r, up, clk, _ := newTestRegistry(10, time.Minute)
	defer r.Close()
	a := Pair{tencent, SubTicker}
	if err := r.Subscribe(context.Background(), "s", []Pair{a}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(2 * time.Minute)
	r.UnsubscribeAll("s")
	if len(up.pairs()) != 0 {
		t.Fatal("an old subscription should be released at once")
	}
}

func TestQuota(t *testing.T) {
	r, up, _, changes := newTestRegistry(3, time.Minute)
	defer r.Close()
	ctx := context.Background()
	if err := r.Subscribe(ctx, "s1", []Pair{{tencent, 1}, {tencent, 2}}); err != nil {
		t.Fatal(err)
	}
	delete(changes, "s1")
	err := r.Subscribe(ctx, "s1", []Pair{{apple, 1}, {hsbc, 1}})
	var qe *QuotaError
	if !errors.As(err, &qe) || qe.Quota != 3 || qe.Used != 2 || qe.Want != 2 {
		t.Fatalf("err = %v; want a QuotaError 2 of 3 used, 2 wanted", err)
	}
	if len(up.pairs()) != 2 || len(r.Session("s1")) != 2 || len(changes) != 0 || up.subCalls != 1 {
		t.Fatal("a refused subscribe changed something")
	}
	// Pairs already upstream cost nothing.
	if err := r.Subscribe(ctx, "s2", []Pair{{tencent, 1}, {tencent, 2}, {apple, 1}}); err != nil {
		t.Fatal(err)
	}
}

func TestUpstreamFailureRollsBack(t *testing.T) {
	r, up, clk, changes := newTestRegistry(10, time.Minute)
	defer r.Close()
	up.failSub, up.acceptN = errors.New("refused"), 1
	err := r.Subscribe(context.Background(), "s", []Pair{{tencent, 1}, {apple, 1}})
	var ue *UpstreamError
	if !errors.As(err, &ue) {
		t.Fatalf("err = %v", err)
	}
	if len(r.Session("s")) != 0 || len(changes) != 0 {
		t.Fatal("session changed after a refused subscribe")
	}
	// The pair OpenD accepted is returned after the hold.
	if len(up.pairs()) != 1 {
		t.Fatalf("upstream %v", up.pairs())
	}
	clk.Advance(time.Minute)
	if len(up.pairs()) != 0 {
		t.Fatalf("accepted pair not released: %v", up.pairs())
	}
	if used, _ := r.Quota(); used != 0 {
		t.Fatalf("used = %d", used)
	}
}

func TestFailedReleaseRetries(t *testing.T) {
	r, up, clk, _ := newTestRegistry(10, time.Minute)
	defer r.Close()
	a := Pair{tencent, 1}
	_ = r.Subscribe(context.Background(), "s", []Pair{a})
	r.Unsubscribe("s", []Pair{a})
	up.mu.Lock()
	up.failUnsub = errors.New("too early")
	up.mu.Unlock()
	clk.Advance(time.Minute)
	if !up.pairs()[a] {
		t.Fatal("released despite error")
	}
	up.mu.Lock()
	up.failUnsub = nil
	up.mu.Unlock()
	clk.Advance(time.Second)
	if up.pairs()[a] {
		t.Fatal("release not retried")
	}
}

func TestRestore(t *testing.T) {
	r, up, _, _ := newTestRegistry(10, time.Minute)
	defer r.Close()
	ctx := context.Background()
	a, b := Pair{tencent, 1}, Pair{apple, 1}
	_ = r.Subscribe(ctx, "s", []Pair{a, b})
	r.Unsubscribe("s", []Pair{b}) // pending release
	fresh := newFakeUpstream()    // a new connection has nothing
	r.o.Upstream = fresh
	if err := r.Restore(ctx); err != nil {
		t.Fatal(err)
	}
	if got := fresh.pairs(); len(got) != 1 || !got[a] {
		t.Fatalf("restored %v; want only the live pair", got)
	}
	if got := r.Upstream(); len(got) != 1 {
		t.Fatalf("registry upstream %v", got)
	}
	_ = up
}

// TestConcurrentUnion subscribes and unsubscribes at random from many goroutines and
// checks that OpenD's set ends equal to the union of the sessions' sets.
func TestConcurrentUnion(t *testing.T) {
	up := newFakeUpstream()
	r := New(Options{Upstream: up, Clock: newFakeClock(), Quota: 1000, Hold: 0})
	defer r.Close()
	secs := []Security{tencent, hsbc, apple, {MarketUS, "MSFT"}, {MarketHK, "09988"}}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 7))
			for range 500 {
				session := fmt.Sprintf("s%d", rng.IntN(5))
				p := Pair{secs[rng.IntN(len(secs))], []int32{1, 2, 4}[rng.IntN(3)]}
				switch rng.IntN(3) {
				case 0, 1:
					if err := r.Subscribe(context.Background(), session, []Pair{p}); err != nil {
						t.Error(err)
					}
				default:
					r.Unsubscribe(session, []Pair{p})
				}
			}
		})
	}
	wg.Wait()
	union := map[Pair]bool{}
	for i := range 5 {
		for _, p := range r.Session(fmt.Sprintf("s%d", i)) {
			union[p] = true
		}
	}
	got := up.pairs()
	if len(got) != len(union) {
		t.Fatalf("upstream %d pairs, union %d", len(got), len(union))
	}
	for p := range union {
		if !got[p] {
			t.Fatalf("%v missing upstream", p)
		}
	}
	if used, _ := r.Quota(); used != len(union) {
		t.Fatalf("used %d, union %d", used, len(union))
	}
}
