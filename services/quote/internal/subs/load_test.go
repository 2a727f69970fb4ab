package subs

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

// TestLoad restores sessions without asking OpenD, refuses a set beyond the quota
// whole, and lets the next Restore subscribe what is held.
func TestLoad(t *testing.T) {
	r, up, _, changes := newTestRegistry(3, time.Minute)
	defer r.Close()
	a, b, c := Pair{tencent, SubBasic}, Pair{apple, SubBasic}, Pair{hsbc, SubBasic}
	if err := r.Load("s1", []Pair{a, b, a}); err != nil {
		t.Fatal(err)
	}
	if err := r.Load("s2", []Pair{b}); err != nil {
		t.Fatal(err)
	}
	if up.subCalls != 0 {
		t.Fatal("Load asked OpenD")
	}
	if got := changes["s1"]; !slices.Equal(got, []Pair{a, b}) {
		t.Fatalf("s1's change %v; want its sorted set", got)
	}
	err := r.Load("s3", []Pair{c, {tencent, SubTicker}})
	var qe *QuotaError
	if !errors.As(err, &qe) || qe.Used != 2 || qe.Want != 2 {
		t.Fatalf("err = %v; want a QuotaError 2 used, 2 wanted", err)
	}
	if _, ok := changes["s3"]; ok || len(r.Session("s3")) != 0 {
		t.Fatal("a refused load changed s3")
	}
	if err := r.Restore(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := up.pairs(); len(got) != 2 || !got[a] || !got[b] {
		t.Fatalf("OpenD has %v after Restore; want the two loaded pairs", got)
	}
	// The loaded pairs are ordinary: s2 leaving keeps b for s1, s1 leaving releases both.
	r.UnsubscribeAll("s2")
	r.UnsubscribeAll("s1")
	if used, _ := r.Quota(); used != 2 {
		t.Fatalf("used %d; releases wait for the hold", used)
	}
}

// TestRestoreShedsOverQuota: OpenD's quota, learnt at connect, is below what the
// sessions hold: whole sessions are dropped in session order until the rest fits.
func TestRestoreShedsOverQuota(t *testing.T) {
	up, clk := newFakeUpstream(), newFakeClock()
	changes := map[string][]Pair{}
	var dropped []string
	r := New(Options{Upstream: up, Clock: clk, Quota: 10, Hold: time.Minute,
		OnSessionChange: func(s string, ps []Pair) { changes[s] = ps },
		OnQuotaDrop:     func(s string, _ []Pair) { dropped = append(dropped, s) }})
	defer r.Close()
	a, b, c, d := Pair{tencent, 1}, Pair{apple, 1}, Pair{hsbc, 1}, Pair{tencent, 2}
	for s, ps := range map[string][]Pair{"s1": {a, b}, "s2": {b, c}, "s3": {a}, "s4": {d}} {
		if err := r.Load(s, ps); err != nil {
			t.Fatal(err)
		}
	}
	r.SetQuota(3)
	if err := r.Restore(context.Background()); err != nil {
		t.Fatal(err)
	}
	// s1 {a b}, then s2 adds c (3 of 3), s3 fits (a is held), s4 would need a fourth slot.
	if !slices.Equal(dropped, []string{"s4"}) {
		t.Fatalf("dropped %v; want s4", dropped)
	}
	if ps, ok := changes["s4"]; !ok || len(ps) != 0 {
		t.Fatalf("s4's change %v (%v); want an empty set", ps, ok)
	}
	if got := up.pairs(); len(got) != 3 || got[d] {
		t.Fatalf("OpenD has %v", got)
	}
	if used, quota := r.Quota(); used != 3 || quota != 3 {
		t.Fatalf("quota %d of %d", used, quota)
	}
	// Nothing of s4 waits for a release: d was never subscribed on this connection.
	clk.Advance(time.Hour)
	if got := r.Upstream(); len(got) != 3 {
		t.Fatalf("registry upstream %v", got)
	}
}
