package server

import (
	"context"
	"testing"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/opend/sim"
	"github.com/futugw/gateway/platform/testkit"
	"github.com/futugw/gateway/platform/testkit/redistest"
)

// TestRestartRestoresSessions: a quote service saves its sessions in Redis as they
// subscribe; a new one (new registry, new OpenD connection) built on the same Redis
// restores their pairs and their upstream subscriptions before serving, so an edge
// re-hosting a session gets its set and its quotes without subscribing again, and the
// session still ends with its key.
func TestRestartRestoresSessions(t *testing.T) {
	redis := []string{redistest.Start(t)}
	daveExpires := time.Now().Add(time.Hour)
	first := newEnv(t, envOpts{sim: sim.Config{PushInterval: 20 * time.Millisecond, MinSubHold: 100 * time.Millisecond},
		hold: 200 * time.Millisecond, redis: redis, daveExpires: daveExpires})
	subscribe(t, first, 0, []int32{1}, sec(1, "00700"), sec(11, "AAPL"))
	subscribe(t, first, 5, []int32{1, 2}, sec(1, "00005"))
	subscribe(t, first, 1, []int32{1}, sec(1, "00388")) // bob
	if _, err := first.qc.Unsubscribe(as(1), &gatewayv1.UnsubscribeRequest{UnsubscribeAll: true}); err != nil {
		t.Fatal(err)
	}
	// Write-through: saved when the calls answered, before anything stops.
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	saved, err := first.store.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(saved) != 2 || saved[0].Session != "alice" || saved[1].Session != "dave" {
		t.Fatalf("saved %+v; want alice and dave (bob unsubscribed from everything)", saved)
	}
	first.stop()

	second := newEnv(t, envOpts{reuse: first.sim, hold: 200 * time.Millisecond, redis: redis, daveExpires: daveExpires})
	if got := second.reg.Session("alice"); len(got) != 2 {
		t.Fatalf("alice's restored set %v", got)
	}
	if got := second.reg.Session("dave"); len(got) != 2 {
		t.Fatalf("dave's restored set %v", got)
	}
	if got := second.reg.Session("bob"); len(got) != 0 {
		t.Fatalf("bob's set %v; he unsubscribed", got)
	}
	testkit.Eventually(t, waitFor, "OpenD to hold the restored pairs on the new connection", func() bool { return second.opendUsed(t) == 4 })

	// An edge re-hosting alice gets her set and her quotes; nobody subscribed again.
	st := openStream(t, second, "alice")
	seen := map[string]bool{}
	recvUntil(t, st, func(m *gatewayv1.QuotePush) bool {
		if k := m.GetSecKey(); k != "" {
			seen[k] = true
		}
		return seen["HK.00700"] && seen["US.AAPL"]
	})
	resp, err := second.qc.ListSubscriptions(as(0), &gatewayv1.ListSubscriptionsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.GetSubscriptions()) != 2 {
		t.Fatalf("alice lists %v", resp.GetSubscriptions())
	}

	// dave's key came back with the session: revoking it still logs him out, which
	// releases his pairs and deletes his record.
	keys, live := second.life.Keys("dave")
	if !live || !keys["hash-dave-2"].Equal(time.UnixMilli(daveExpires.UnixMilli())) {
		t.Fatalf("dave's restored keys %v (%v)", keys, live)
	}
	second.life.Revoked("hash-dave-2")
	testkit.Eventually(t, waitFor, "dave's session to end", func() bool { return len(second.reg.Session("dave")) == 0 })
	testkit.Eventually(t, waitFor, "dave's record to go", func() bool {
		recs, err := second.store.Load(ctx)
		return err == nil && len(recs) == 1 && recs[0].Session == "alice"
	})
	testkit.Eventually(t, waitFor, "dave's pairs to be released after the hold", func() bool { return second.opendUsed(t) == 2 })
}
