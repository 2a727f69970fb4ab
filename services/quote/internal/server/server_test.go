package server

import (
	"context"
	"testing"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatebasicqot"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim"
	"github.com/futugw/gateway/platform/testkit"
	"go.uber.org/goleak"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func subscribe(t *testing.T, e *env, who int, types []int32, secs ...*gatewayv1.Security) {
	t.Helper()
	if _, err := e.qc.Subscribe(as(who), &gatewayv1.SubscribeRequest{SecurityList: secs, SubTypeList: types}); err != nil {
		t.Fatalf("subscribe as %d: %v", who, err)
	}
}

// recvUntil reads frames until ok says stop; it returns every frame read.
func recvUntil(t *testing.T, st grpc.BidiStreamingClient[gatewayv1.StreamPushesRequest, gatewayv1.QuotePush], ok func(*gatewayv1.QuotePush) bool) []*gatewayv1.QuotePush {
	t.Helper()
	var got []*gatewayv1.QuotePush
	for {
		m, err := st.Recv()
		if err != nil {
			t.Fatalf("recv: %v", err)
		}
		got = append(got, m)
		if ok(m) {
			return got
		}
	}
}

func TestFanOutRestartAndRelease(t *testing.T) {
	e := newEnv(t, envOpts{sim: sim.Config{PushInterval: 10 * time.Millisecond, MinSubHold: 300 * time.Millisecond},
		hold: 2 * time.Second, fresh: time.Hour})
	basic := []int32{1}
	// alice: 00700, AAPL; bob: 00700, 00005; carol: MSFT (not hosted by the edge).
	subscribe(t, e, 0, basic, sec(1, "00700"), sec(11, "AAPL"))
	subscribe(t, e, 1, basic, sec(1, "00700"), sec(1, "00005"))
	subscribe(t, e, 2, basic, sec(11, "MSFT"))
	subscribe(t, e, 1, []int32{1}, sec(1, "00700")) // again: nothing changes
	if n := len(e.reg.Upstream()); n != 4 {
		t.Fatalf("registry upstream %d; want the 4 distinct pairs", n)
	}
	if n := e.opendUsed(t); n != 4 {
		t.Fatalf("OpenD sees %d subscriptions; want 4", n)
	}
	list, err := e.qc.ListSubscriptions(as(1), &gatewayv1.ListSubscriptionsRequest{})
	if err != nil || len(list.GetSubscriptions()) != 2 || list.GetUsedQuota() != 4 || list.GetRemainQuota() != 496 {
		t.Fatalf("list: %v %v", list, err)
	}

	// An edge hosting alice and bob gets both sets, then exactly their union.
	ctx, cancel := context.WithCancel(as(4))
	defer cancel()
	st, err := e.qc.StreamPushes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Send(&gatewayv1.StreamPushesRequest{SessionIds: []string{"alice", "bob"}}); err != nil {
		t.Fatal(err)
	}
	union := map[string]bool{"HK.00700": true, "US.AAPL": true, "HK.00005": true}
	seenSubs, seenSec := map[string]bool{}, map[string]bool{}
	recvUntil(t, st, func(m *gatewayv1.QuotePush) bool {
		if ss := m.GetSessionSubs(); ss != nil {
			seenSubs[ss.GetSessionId()] = true
		}
		if m.GetProtoId() == protoid.QotUpdateBasicQot {
			if !union[m.GetSecKey()] {
				t.Fatalf("frame for %s outside the union", m.GetSecKey())
			}
			var r qotupdatebasicqot.Response
			if err := proto.Unmarshal(m.GetBody(), &r); err != nil || len(r.GetS2C().GetBasicQotList()) != 1 {
				t.Fatalf("body: %v", err)
			}
			seenSec[m.GetSecKey()] = true
		}
		return len(seenSec) == 3 && len(seenSubs) == 2
	})

	// A change of a hosted session's set arrives as session_subs.
	subscribe(t, e, 0, basic, sec(11, "NVDA"))
	recvUntil(t, st, func(m *gatewayv1.QuotePush) bool {
		return m.GetSessionSubs().GetSessionId() == "alice" && len(m.GetSessionSubs().GetSubscriptions()) == 3
	})

	// GetBasicQuote: a pushed security from the cache, another by snapshot.
	q, err := e.qc.GetBasicQuote(as(0), &gatewayv1.GetBasicQuoteRequest{SecurityList: []*gatewayv1.Security{sec(1, "00700"), sec(1, "09988")}})
	if err != nil || len(q.GetQuotes()) != 2 || q.GetQuotes()[0].GetCurPrice() <= 0 || q.GetQuotes()[1].GetName() == "" {
		t.Fatalf("basic quote: %v %v", q, err)
	}
	info, err := e.qc.GetStaticInfo(as(0), &gatewayv1.GetStaticInfoRequest{SecurityList: []*gatewayv1.Security{sec(1, "00700")}})
	if err != nil || info.GetStaticInfoList()[0].GetLotSize() != 100 {
		t.Fatalf("static info: %v %v", info, err)
	}

	// OpenD restarts: notify events, subscriptions restored, pushes resume.
	e.sim.halt()
	recvUntil(t, st, func(m *gatewayv1.QuotePush) bool { return m.GetNotify().GetEvent() == "opend_disconnected" })
	// While OpenD is away: cached quotes still answer, the rest fails fast.
	if _, err := e.qc.GetBasicQuote(as(0), &gatewayv1.GetBasicQuoteRequest{SecurityList: []*gatewayv1.Security{sec(1, "00700")}}); err != nil {
		t.Fatalf("fresh cached quote while OpenD is down: %v", err)
	}
	_, err = e.qc.GetBasicQuote(as(0), &gatewayv1.GetBasicQuoteRequest{SecurityList: []*gatewayv1.Security{sec(1, "00388")}})
	wantCode(t, err, codes.Unavailable, gatewayv1.Reason_REASON_OPEND_UNAVAILABLE)
	_, err = e.qc.Subscribe(as(2), &gatewayv1.SubscribeRequest{SecurityList: []*gatewayv1.Security{sec(1, "00388")}, SubTypeList: basic})
	wantCode(t, err, codes.Unavailable, gatewayv1.Reason_REASON_OPEND_UNAVAILABLE)

	e.sim.start()
	recvUntil(t, st, func(m *gatewayv1.QuotePush) bool { return m.GetNotify().GetEvent() == "opend_reconnected" })
	if n := e.opendUsed(t); n != 5 {
		t.Fatalf("after restart OpenD sees %d subscriptions; want 5 restored", n)
	}
	recvUntil(t, st, func(m *gatewayv1.QuotePush) bool { return m.GetSecKey() == "US.NVDA" })

	// carol leaves: MSFT stays upstream until the hold, then goes.
	if _, err := e.qc.Unsubscribe(as(2), &gatewayv1.UnsubscribeRequest{UnsubscribeAll: true}); err != nil {
		t.Fatal(err)
	}
	if n := len(e.reg.Upstream()); n != 5 {
		t.Fatalf("upstream %d right after the unsubscribe; want 5 (hold)", n)
	}
	testkit.Eventually(t, waitFor, "MSFT released upstream", func() bool { return e.opendUsed(t) == 4 && len(e.reg.Upstream()) == 4 })
}

func TestQuotaAndRefusals(t *testing.T) {
	e := newEnv(t, envOpts{sim: sim.Config{SubQuota: 3, PushInterval: time.Second}, hold: time.Minute})
	basic := []int32{1}
	subscribe(t, e, 0, []int32{1, 2}, sec(1, "00700"))
	_, err := e.qc.Subscribe(as(1), &gatewayv1.SubscribeRequest{SecurityList: []*gatewayv1.Security{sec(11, "AAPL"), sec(11, "MSFT")}, SubTypeList: basic})
	wantCode(t, err, codes.ResourceExhausted, gatewayv1.Reason_REASON_QUOTA_EXCEEDED)
	if n := len(e.reg.Upstream()); n != 2 || e.opendUsed(t) != 2 || len(e.reg.Session("bob")) != 0 {
		t.Fatal("a refused subscribe changed something")
	}

	tests := []struct {
		name   string
		ctx    context.Context
		req    *gatewayv1.SubscribeRequest
		code   codes.Code
		reason gatewayv1.Reason
	}{
		{"no key", context.Background(), &gatewayv1.SubscribeRequest{}, codes.Unauthenticated, gatewayv1.Reason_REASON_MISSING_KEY},
		{"no qot:read", as(3), &gatewayv1.SubscribeRequest{}, codes.PermissionDenied, gatewayv1.Reason_REASON_SCOPE_DENIED},
		{"bad code", as(0), &gatewayv1.SubscribeRequest{SecurityList: []*gatewayv1.Security{sec(1, "700")}, SubTypeList: basic}, codes.InvalidArgument, gatewayv1.Reason_REASON_INVALID_ARGUMENT},
		{"bad market", as(0), &gatewayv1.SubscribeRequest{SecurityList: []*gatewayv1.Security{sec(21, "600519")}, SubTypeList: basic}, codes.InvalidArgument, gatewayv1.Reason_REASON_INVALID_ARGUMENT},
		{"unknown sub type", as(0), &gatewayv1.SubscribeRequest{SecurityList: []*gatewayv1.Security{sec(1, "00700")}, SubTypeList: []int32{3}}, codes.InvalidArgument, gatewayv1.Reason_REASON_INVALID_ARGUMENT},
		{"sub type none", as(0), &gatewayv1.SubscribeRequest{SecurityList: []*gatewayv1.Security{sec(1, "00700")}, SubTypeList: []int32{0}}, codes.InvalidArgument, gatewayv1.Reason_REASON_INVALID_ARGUMENT},
		{"sub type beyond the enum", as(0), &gatewayv1.SubscribeRequest{SecurityList: []*gatewayv1.Security{sec(1, "00700")}, SubTypeList: []int32{99}}, codes.InvalidArgument, gatewayv1.Reason_REASON_INVALID_ARGUMENT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.qc.Subscribe(tt.ctx, tt.req)
			wantCode(t, err, tt.code, tt.reason)
		})
	}
	// Only a service key may open the push stream.
	st, err := e.qc.StreamPushes(as(0))
	if err == nil {
		_, err = st.Recv()
	}
	wantCode(t, err, codes.PermissionDenied, gatewayv1.Reason_REASON_SCOPE_DENIED)
}

// TestSlowStreamConflates stalls an edge reader: the service conflates instead of
// buffering, so the conflation counter moves and the stream's backlog stays bounded.
func TestSlowStreamConflates(t *testing.T) {
	e := newEnv(t, envOpts{sim: sim.Config{PushInterval: time.Millisecond}, hold: time.Minute})
	var secs []*gatewayv1.Security
	for _, c := range []string{"00700", "09988", "00005", "00941", "03690", "01810", "02318", "00388", "01299", "00883"} {
		secs = append(secs, sec(1, c))
	}
	subscribe(t, e, 0, []int32{1, 2, 4}, secs...)
	ctx, cancel := context.WithCancel(as(4))
	defer cancel()
	st, err := e.qc.StreamPushes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Send(&gatewayv1.StreamPushesRequest{SessionIds: []string{"alice"}}); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, waitFor, "conflation under a stalled reader", func() bool { return e.hub.Stats().FramesConflated > 1000 })
	// Reading again gets fresh frames.
	recvUntil(t, st, func(m *gatewayv1.QuotePush) bool { return m.GetProtoId() != 0 })
}
