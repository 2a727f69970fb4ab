package server

import (
	"context"
	"strings"
	"testing"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/opend/sim"
	"github.com/futugw/gateway/platform/testkit"
	"google.golang.org/grpc/codes"
)

// openStream opens an edge stream hosting sessions and reads their initial sets.
func openStream(t *testing.T, e *env, sessions ...string) gatewayv1.QuoteService_StreamPushesClient {
	t.Helper()
	ctx, cancel := context.WithCancel(as(4))
	t.Cleanup(cancel)
	st, err := e.qc.StreamPushes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Send(&gatewayv1.StreamPushesRequest{SessionIds: sessions}); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	recvUntil(t, st, func(m *gatewayv1.QuotePush) bool {
		if ss := m.GetSessionSubs(); ss != nil {
			seen[ss.GetSessionId()] = true
		}
		return len(seen) == len(sessions)
	})
	return st
}

// TestRevokedSessionReleasesAfterHold logs alice out (her only key is revoked): her
// edge sees an empty set at once, OpenD keeps the subscription until the hold passes.
func TestRevokedSessionReleasesAfterHold(t *testing.T) {
	const hold = 2 * time.Second
	e := newEnv(t, envOpts{sim: sim.Config{PushInterval: 50 * time.Millisecond, MinSubHold: 300 * time.Millisecond}, hold: hold})
	subscribe(t, e, 0, []int32{1}, sec(1, "00700"))
	st := openStream(t, e, "alice")
	if n := e.opendUsed(t); n != 1 {
		t.Fatalf("OpenD sees %d subscriptions; want 1", n)
	}

	e.life.Revoked("hash-alice") // what the revocation watcher's callback does
	revoked := time.Now()
	recvUntil(t, st, func(m *gatewayv1.QuotePush) bool {
		ss := m.GetSessionSubs()
		return ss.GetSessionId() == "alice" && len(ss.GetSubscriptions()) == 0
	})
	if time.Since(revoked) < hold/2 && e.opendUsed(t) != 1 {
		t.Fatal("released upstream before the hold")
	}
	testkit.Eventually(t, waitFor, "upstream release after the hold", func() bool { return e.opendUsed(t) == 0 })
	if time.Since(revoked) < hold-200*time.Millisecond {
		t.Fatalf("released %v after the revocation; the hold is %v", time.Since(revoked), hold)
	}
	if e.life.Len() != 0 {
		t.Fatal("the revoked session is still tracked")
	}
}

// TestExpiredSessionReleases lets dave's key expire while no edge hosts him; the
// session ends after the grace and its pair is released after the hold.
func TestExpiredSessionReleases(t *testing.T) {
	e := newEnv(t, envOpts{sim: sim.Config{PushInterval: time.Second, MinSubHold: 100 * time.Millisecond},
		hold: 200 * time.Millisecond, daveExpires: time.Now().Add(time.Second)})
	subscribe(t, e, 5, []int32{1}, sec(1, "00005"))
	subscribe(t, e, 1, []int32{1}, sec(1, "00005")) // bob shares it: it stays upstream
	subscribe(t, e, 5, []int32{1}, sec(1, "00388"))
	if len(e.reg.Session("dave")) != 2 {
		t.Fatal("dave's set")
	}
	testkit.Eventually(t, waitFor, "dave's session to end", func() bool { return len(e.reg.Session("dave")) == 0 })
	testkit.Eventually(t, waitFor, "dave's own pair to be released", func() bool { return e.opendUsed(t) == 1 })
	if got := e.reg.Session("bob"); len(got) != 1 {
		t.Fatalf("bob's set %v; want it untouched", got)
	}
}

// TestQuotaRefusalNotifiesSession sends quota_exceeded to the edge hosting the
// refused session only, besides the ResourceExhausted error.
func TestQuotaRefusalNotifiesSession(t *testing.T) {
	e := newEnv(t, envOpts{sim: sim.Config{SubQuota: 1, PushInterval: time.Second}, hold: time.Minute})
	subscribe(t, e, 0, []int32{1}, sec(1, "00700"))
	bobs, others := openStream(t, e, "bob"), openStream(t, e, "carol")

	_, err := e.qc.Subscribe(as(1), &gatewayv1.SubscribeRequest{SecurityList: []*gatewayv1.Security{sec(11, "AAPL")}, SubTypeList: []int32{1}})
	wantCode(t, err, codes.ResourceExhausted, gatewayv1.Reason_REASON_QUOTA_EXCEEDED)
	got := recvUntil(t, bobs, func(m *gatewayv1.QuotePush) bool { return m.GetNotify() != nil })
	n := got[len(got)-1].GetNotify()
	if n.GetEvent() != "quota_exceeded" || !strings.Contains(n.GetMessage(), "1 of 1 slots in use") {
		t.Fatalf("notify %v", n)
	}
	// carol's edge hears nothing of it: the next frame it gets is the marker below.
	e.hub.Notify("marker", "")
	if m := recvUntil(t, others, func(m *gatewayv1.QuotePush) bool { return m.GetNotify() != nil }); m[len(m)-1].GetNotify().GetEvent() != "marker" {
		t.Fatalf("carol's edge got %v", m)
	}
}
