package server

import (
	"context"
	"fmt"
	"testing"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim"
	"github.com/futugw/gateway/platform/testkit"
	"github.com/futugw/gateway/services/quote/internal/subs"
)

// TestFirstPushReachesSubscriber: Qot_Sub asks for a first push so the subscriber
// gets the current snapshot at once (what a browser shows until the price next moves:
// a closed market, an illiquid stock). OpenD sends it before its Qot_Sub answer, so
// before the session's pairs are routed; the hub keeps it and sends it once they are.
// (Without that the snapshot was lost in about half the runs: run with -count.)
func TestFirstPushReachesSubscriber(t *testing.T) {
	// No price steps during the test: only first pushes can carry a quote.
	e := newEnv(t, envOpts{sim: sim.Config{PushInterval: time.Hour, ExtraSecurities: 20}, hold: time.Second})
	st := openStream(t, e, "alice")
	var secs []*gatewayv1.Security
	want := map[string]bool{}
	for i := range 20 {
		code := fmt.Sprintf("%05d", 80000+i)
		secs = append(secs, sec(1, code))
		want["HK."+code] = true
	}
	subscribe(t, e, 0, []int32{1}, secs...)

	got := make(chan string, 64)
	go func() {
		for {
			m, err := st.Recv()
			if err != nil {
				close(got)
				return
			}
			if m.GetProtoId() == protoid.QotUpdateBasicQot {
				got <- m.GetSecKey()
			}
		}
	}()
	seen := map[string]bool{}
	timeout := time.After(3 * time.Second)
	for len(seen) < len(want) {
		select {
		case k := <-got:
			seen[k] = true
		case <-timeout:
			cached := 0
			for k := range want {
				if _, _, ok := e.hub.Cache().Get(secOf(1, k[3:])); ok {
					cached++
				}
			}
			t.Fatalf("only %d of %d subscribed securities got a quote frame within 3s of subscribing, "+
				"although %d first pushes reached the hub's cache: the isFirstPush snapshots were dropped "+
				"because they arrived before the session's pairs were routed", len(seen), len(want), cached)
		}
	}
}

// TestSecondSessionGetsSnapshot: a session subscribing a pair already subscribed
// upstream for another session (no Qot_Sub, hence no first push) gets the latest
// quote at once, not only at the next change at OpenD.
func TestSecondSessionGetsSnapshot(t *testing.T) {
	e := newEnv(t, envOpts{sim: sim.Config{PushInterval: time.Hour}, hold: time.Second})
	subscribe(t, e, 1, []int32{1}, sec(1, "00700")) // bob first
	// Bob's first push reached the hub (it caches a quote as it keeps it for snapshots).
	testkit.Eventually(t, waitFor, "bob's first quote at the hub", func() bool { _, _, ok := e.hub.Cache().Get(secOf(1, "00700")); return ok })
	st := openStream(t, e, "alice")
	subscribe(t, e, 0, []int32{1}, sec(1, "00700"))
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	got := make(chan struct{}, 1)
	go func() {
		for {
			m, err := st.Recv()
			if err != nil {
				return
			}
			if m.GetProtoId() == protoid.QotUpdateBasicQot {
				got <- struct{}{}
				return
			}
		}
	}()
	select {
	case <-got:
	case <-ctx.Done():
		t.Fatal("alice subscribed HK.00700 (already held upstream for bob) and got no quote frame in 3s")
	}
}

func secOf(m int32, code string) subs.Security { return subs.Security{Market: m, Code: code} }
