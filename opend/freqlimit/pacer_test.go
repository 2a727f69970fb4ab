package freqlimit

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetfunds"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/platform/ratewindow"
	"github.com/futugw/gateway/platform/testkit/redistest"
	"github.com/redis/go-redis/v9"
	"google.golang.org/protobuf/proto"
)

// call is one reservation of a sequence: advance the clock, then reserve.
type call struct {
	advance time.Duration
	id      uint32
	body    []byte
	maxWait time.Duration
}

// sequences are the table of the equivalence test: named call sequences whose
// answers the Pacer on Redis must give exactly as Limiter.Reserve does.
func sequences(t *testing.T) map[string][]call {
	snap := snapshotBody(t)
	funds := func(acc uint64, refresh bool) []byte {
		return marshal(t, &trdgetfunds.Request{C2S: &trdgetfunds.C2S{
			Header:       &trdcommon.TrdHeader{TrdEnv: proto.Int32(0), AccID: proto.Uint64(acc), TrdMarket: proto.Int32(1)},
			RefreshCache: proto.Bool(refresh),
		}})
	}
	burst := func(n int, every, maxWait time.Duration, id uint32, body []byte) []call {
		cs := make([]call, n)
		for i := range cs {
			cs[i] = call{advance: every, id: id, body: body, maxWait: maxWait}
		}
		return cs
	}
	seqs := map[string][]call{
		// 6 per 31 s (10% of 60, a second of margin): 6 now, then refusals naming the wait.
		"burst past the limit": burst(10, 0, 0, protoid.QotGetSecuritySnapshot, snap),
		// Callers queue behind each other's reservations up to the max wait.
		"queued reservations": append(burst(6, 4*time.Second, 0, protoid.QotGetSecuritySnapshot, snap),
			burst(8, 0, 20*time.Second, protoid.QotGetSecuritySnapshot, snap)...),
		// Slots free as they leave the window, to the millisecond.
		"sliding": append(append(burst(6, time.Second, 0, protoid.QotGetSecuritySnapshot, snap),
			call{advance: 25*time.Second + 999*time.Millisecond, id: protoid.QotGetSecuritySnapshot, body: snap}),
			burst(3, time.Millisecond, 0, protoid.QotGetSecuritySnapshot, snap)...),
		// Per-account windows, and cached reads that are not counted.
		"per account": append(append(burst(3, 0, 0, protoid.TrdPlaceOrder, placeBody(t, 1)),
			burst(3, 0, 0, protoid.TrdPlaceOrder, placeBody(t, 2))...),
			append(burst(3, 0, 0, protoid.TrdGetFunds, funds(1, false)), burst(3, 0, 0, protoid.TrdGetFunds, funds(1, true))...)...),
		// Later pages are free; first pages count.
		"pages": append(burst(8, 0, 0, protoid.QotRequestHistoryKL, historyBody(t, nil)),
			burst(3, 0, 0, protoid.QotRequestHistoryKL, historyBody(t, []byte("p2")))...),
	}
	// A random mix, as a property: the same answers whatever the sequence.
	r := rand.New(rand.NewPCG(19, 19))
	kinds := []struct {
		id   uint32
		body []byte
	}{
		{protoid.QotGetSecuritySnapshot, snap}, {protoid.QotGetMarketState, nil},
		{protoid.TrdPlaceOrder, placeBody(t, 1)}, {protoid.TrdPlaceOrder, placeBody(t, 2)},
		{protoid.TrdGetFunds, funds(1, true)}, {protoid.TrdGetFunds, funds(1, false)},
		{protoid.QotRequestHistoryKL, historyBody(t, nil)}, {protoid.QotGetBasicQot, nil},
	}
	waits := []time.Duration{0, 0, 200 * time.Millisecond, time.Second, 10 * time.Second}
	for s := range 3 {
		var cs []call
		for range 400 {
			k := kinds[r.IntN(len(kinds))]
			cs = append(cs, call{advance: time.Duration(r.IntN(1500)) * time.Millisecond, id: k.id, body: k.body, maxWait: waits[r.IntN(len(waits))]})
		}
		seqs[fmt.Sprintf("random %d", s)] = cs
	}
	return seqs
}

// The Pacer reserving in Redis (the ratewindow script) answers every sequence of
// calls exactly as the in-process Limiter does: same waits, same refusals, same
// windows (per interface, per account, uncounted requests).
func TestPacerOnRedisMatchesLimiter(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: redistest.Start(t)})
	t.Cleanup(func() { _ = rdb.Close() })
	pol := Policy{Scale: 0.1, Margin: time.Second} // small windows: 1 to 6 slots
	for name, seq := range sequences(t) {
		t.Run(name, func(t *testing.T) {
			c := newClock()
			want := New(pol, c.Now)
			fell, refused, waited := 0, 0, 0
			p := NewPacer(PacerOptions{Limits: pol, Local: pol, Now: c.Now, OnFallback: func(uint32) { fell++ },
				Shared: ratewindow.New(rdb, ratewindow.Options{Prefix: "t:" + name + ":", Now: c.Now})})
			for i, cl := range seq {
				c.Advance(cl.advance)
				ww, wok := want.Reserve(cl.id, cl.body, cl.maxWait)
				gw, gok := p.Reserve(context.Background(), cl.id, cl.body, cl.maxWait)
				if gw != ww || gok != wok {
					t.Fatalf("call %d (proto %d, max wait %v): Redis %v, %v; in process %v, %v", i, cl.id, cl.maxWait, gw, gok, ww, wok)
				}
				switch {
				case !wok:
					refused++
				case ww > 0:
					waited++
				}
			}
			t.Logf("%d calls: %d refused, %d waited", len(seq), refused, waited)
			if fell != 0 {
				t.Fatalf("%d fallbacks with Redis up", fell)
			}
		})
	}
}

// Two Pacers on one Redis share one window: together they reserve what one would,
// although their clocks disagree by an hour (the window reads Redis's clock).
func TestPacersShareOneWindow(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: redistest.Start(t)})
	t.Cleanup(func() { _ = rdb.Close() })
	limits := Policy{Scale: 0.9, Margin: time.Second}
	local := Policy{Scale: 0.45, Margin: time.Second}
	store := ratewindow.New(rdb, ratewindow.Options{})
	a := NewPacer(PacerOptions{Shared: store, Limits: limits, Local: local})
	b := NewPacer(PacerOptions{Shared: store, Limits: limits, Local: local, Now: func() time.Time { return time.Now().Add(time.Hour) }})
	ok := 0
	for i := range 20 {
		p := a
		if i%2 == 1 {
			p = b
		}
		if _, got := p.Reserve(context.Background(), protoid.QotGetMarketState, nil, 0); got {
			ok++
		}
	}
	if ok != 9 {
		t.Fatalf("two pacers reserved %d of Qot_GetMarketState's slots, want 9 (90%% of 10)", ok)
	}
}

// flaky is a Shared that fails while down and otherwise reserves in a Limiter,
// recording what it was handed.
type flaky struct {
	mu      sync.Mutex
	down    bool
	calls   int
	earlier []time.Duration
	l       *Limiter
}

func (f *flaky) Reserve(_ context.Context, _ string, _ int, _, maxWait time.Duration, earlier []time.Duration) (time.Duration, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.down {
		return 0, false, errors.New("connection refused")
	}
	f.earlier = append(f.earlier, earlier...)
	for _, d := range earlier {
		f.l.note(key{protoID: protoid.QotGetMarketState}, 31*time.Second, f.l.now().Add(d))
	}
	w, ok := f.l.Reserve(protoid.QotGetMarketState, nil, maxWait)
	return w, ok, nil
}

// With the store down the Pacer reserves in its own share, counts each fallback,
// asks the store again only after Retry, starts from the slots it already took in
// the store, and hands the store the slots it took alone once it answers.
func TestPacerFallback(t *testing.T) {
	c := newClock()
	limits := Policy{Scale: 0.9, Margin: time.Second} // 9 of Qot_GetMarketState's 10
	local := Policy{Scale: 0.45, Margin: time.Second} // 5: one of two processes
	f := &flaky{l: New(limits, c.Now)}
	fell := 0
	p := NewPacer(PacerOptions{Shared: f, Limits: limits, Local: local, Now: c.Now, Retry: time.Second, OnFallback: func(uint32) { fell++ }})
	reserve := func() bool {
		_, ok := p.Reserve(context.Background(), protoid.QotGetMarketState, nil, 0)
		return ok
	}
	// Two slots in the store: the local share knows of them.
	for range 2 {
		if !reserve() {
			t.Fatal("refused with the store up")
		}
	}
	f.down = true
	c.Advance(time.Second)
	got := 0
	for range 10 {
		if reserve() {
			got++
		}
	}
	if got != 3 || fell != 10 {
		t.Fatalf("store down: %d reserved (want 3: the share of 5 less the 2 taken in the store), %d fallbacks (want 10)", got, fell)
	}
	if f.calls != 3 {
		t.Fatalf("the store was asked %d times, want 3 (2 up, then once until Retry passes)", f.calls)
	}
	// Back up after Retry: the 3 slots taken alone are handed over.
	f.down = false
	c.Advance(time.Second)
	if !reserve() {
		t.Fatal("refused once the store is back")
	}
	if len(f.earlier) != 3 || f.earlier[0] != -time.Second {
		t.Fatalf("handed over %v, want the 3 slots of a second ago", f.earlier)
	}
	got = 0
	for range 10 {
		if reserve() {
			got++
		}
	}
	if got != 3 { // 9 in all: 2 + 3 + 1 + 3
		t.Fatalf("after recovery %d more reserved, want 3 (9 in the shared window)", got)
	}
}

// A long outage hands the store only the slots its window still counts.
func TestPacerCarriesOnlyTheWindow(t *testing.T) {
	c := newClock()
	pol := Policy{Scale: 0.9, Margin: time.Second}
	f := &flaky{l: New(pol, c.Now), down: true}
	p := NewPacer(PacerOptions{Shared: f, Limits: pol, Local: pol, Now: c.Now})
	for range 100 { // one slot a minute for 100 minutes
		if _, ok := p.Reserve(context.Background(), protoid.QotGetMarketState, nil, 0); !ok {
			t.Fatal("refused with the store down")
		}
		c.Advance(time.Minute)
	}
	p.mu.Lock()
	n := len(p.carry[key{protoID: protoid.QotGetMarketState}])
	p.mu.Unlock()
	if n > 1 {
		t.Fatalf("%d slots kept for the store, want at most the window's 1", n)
	}
	f.down = false
	if _, ok := p.Reserve(context.Background(), protoid.QotGetMarketState, nil, 0); !ok || len(f.earlier) != 0 {
		t.Fatalf("back up: ok %v, handed %v; want nothing older than the window", ok, f.earlier)
	}
}

// Without a store the Pacer is the Limiter at its Local share.
func TestPacerLocalOnly(t *testing.T) {
	c := newClock()
	p := NewPacer(PacerOptions{Limits: Policy{Scale: 0.9}, Local: Policy{Scale: 0.45}, Now: c.Now})
	got := 0
	for range 10 {
		if _, ok := p.Reserve(context.Background(), protoid.QotGetMarketState, nil, 0); ok {
			got++
		}
	}
	if got != 5 {
		t.Fatalf("reserved %d, want 5", got)
	}
	if _, ok := p.Reserve(context.Background(), protoid.QotGetBasicQot, nil, 0); !ok {
		t.Fatal("an unlimited interface was refused")
	}
}
