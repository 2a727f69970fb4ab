package quotefanout

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatebasicqot"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdateticker"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/services/quote/internal/subs"
	"go.uber.org/goleak"
	"google.golang.org/protobuf/proto"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var (
	tencent = subs.Security{Market: 1, Code: "00700"}
	hsbc    = subs.Security{Market: 1, Code: "00005"}
	apple   = subs.Security{Market: 11, Code: "AAPL"}
)

func basicQot(s subs.Security, price float64) *qotcommon.BasicQot {
	return &qotcommon.BasicQot{
		Security:    &qotcommon.Security{Market: proto.Int32(s.Market), Code: proto.String(s.Code)},
		IsSuspended: proto.Bool(false), ListTime: proto.String("2004-06-16"), PriceSpread: proto.Float64(0.2),
		UpdateTime: proto.String("2026-01-02 10:00:00"), HighPrice: proto.Float64(price), OpenPrice: proto.Float64(price),
		LowPrice: proto.Float64(price), CurPrice: proto.Float64(price), LastClosePrice: proto.Float64(price),
		Volume: proto.Int64(1), Turnover: proto.Float64(price), TurnoverRate: proto.Float64(0), Amplitude: proto.Float64(0),
	}
}

func basicPush(t testing.TB, qs ...*qotcommon.BasicQot) []byte {
	t.Helper()
	b, err := proto.Marshal(&qotupdatebasicqot.Response{RetType: proto.Int32(0), S2C: &qotupdatebasicqot.S2C{BasicQotList: qs}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func next(t *testing.T, s *Stream) *gatewayv1.QuotePush {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	m, err := s.Next(ctx)
	if err != nil {
		t.Fatalf("Next: %v", err)
	}
	return m
}

// drain returns every frame waiting.
func drain(s *Stream) []*gatewayv1.QuotePush {
	var out []*gatewayv1.QuotePush
	for {
		m, ok, err := s.q.pop()
		if err != nil || !ok {
			return out
		}
		out = append(out, m)
	}
}

func TestStreamReceivesUnionOfHostedSessions(t *testing.T) {
	h := New(Options{})
	h.SessionChanged("a", []subs.Pair{{Sec: tencent, SubType: 1}, {Sec: apple, SubType: 1}})
	h.SessionChanged("b", []subs.Pair{{Sec: tencent, SubType: 1}, {Sec: hsbc, SubType: 1}})
	h.SessionChanged("c", []subs.Pair{{Sec: apple, SubType: 4}})

	s := h.Open()
	defer s.Close()
	s.SetSessions([]string{"a", "b"})
	got := map[string]int{}
	for _, m := range drain(s) {
		got[m.GetSessionSubs().GetSessionId()] = len(m.GetSessionSubs().GetSubscriptions())
	}
	if got["a"] != 2 || got["b"] != 2 || len(got) != 2 {
		t.Fatalf("session_subs on start = %v", got)
	}

	// One push of four securities: split, and only the union's three get through, once each.
	body := basicPush(t, basicQot(tencent, 480), basicQot(apple, 230), basicQot(hsbc, 95),
		basicQot(subs.Security{Market: 1, Code: "09988"}, 120))
	if err := h.Publish(protoid.QotUpdateBasicQot, body, 42); err != nil {
		t.Fatal(err)
	}
	frames := drain(s)
	keys := map[string]bool{}
	for _, m := range frames {
		var r qotupdatebasicqot.Response
		if err := proto.Unmarshal(m.GetBody(), &r); err != nil || len(r.GetS2C().GetBasicQotList()) != 1 {
			t.Fatalf("frame body %v: %v", m, err)
		}
		if k := secOf(r.GetS2C().GetBasicQotList()[0].GetSecurity()).Key(); k != m.GetSecKey() || m.GetProtoId() != protoid.QotUpdateBasicQot || m.GetReceivedUnixNano() != 42 {
			t.Fatalf("frame %v holds %s", m, k)
		}
		keys[m.GetSecKey()] = true
	}
	if len(frames) != 3 || !keys["HK.00700"] || !keys["US.AAPL"] || !keys["HK.00005"] {
		t.Fatalf("frames %v", keys)
	}
	// Every security refreshed the cache, wanted or not.
	if q, _, ok := h.Cache().Get(subs.Security{Market: 1, Code: "09988"}); !ok || q.GetCurPrice() != 120 {
		t.Fatal("cache not refreshed")
	}

	// A ticker push for c's pair does not reach the stream; after b unsubscribes
	// tencent (a still holds it) and the stream drops a, tencent stops too.
	tick, _ := proto.Marshal(&qotupdateticker.Response{RetType: proto.Int32(0), S2C: &qotupdateticker.S2C{
		Security: &qotcommon.Security{Market: proto.Int32(11), Code: proto.String("AAPL")}}})
	_ = h.Publish(protoid.QotUpdateTicker, tick, 1)
	if f := drain(s); len(f) != 0 {
		t.Fatalf("unwanted ticker delivered: %v", f)
	}
	h.SessionChanged("b", []subs.Pair{{Sec: hsbc, SubType: 1}})
	if f := drain(s); len(f) != 1 || f[0].GetSessionSubs().GetSessionId() != "b" {
		t.Fatalf("change frame: %v", f)
	}
	s.SetSessions([]string{"b", "c"})
	if f := drain(s); len(f) != 1 || f[0].GetSessionSubs().GetSessionId() != "c" {
		t.Fatalf("newly hosted c: %v", f)
	}
	_ = h.Publish(protoid.QotUpdateBasicQot, basicPush(t, basicQot(tencent, 481)), 2)
	_ = h.Publish(protoid.QotUpdateTicker, tick, 3)
	if f := drain(s); len(f) != 1 || f[0].GetProtoId() != protoid.QotUpdateTicker {
		t.Fatalf("after re-hosting: %v", f)
	}
}

func TestSlowStreamConflates(t *testing.T) {
	h := New(Options{})
	h.SessionChanged("a", []subs.Pair{{Sec: tencent, SubType: 1}, {Sec: apple, SubType: 1}})
	s := h.Open()
	defer s.Close()
	s.SetSessions([]string{"a"})
	next(t, s) // session_subs
	for i := range 1000 {
		_ = h.Publish(protoid.QotUpdateBasicQot, basicPush(t, basicQot(tencent, float64(i)), basicQot(apple, float64(i))), int64(i))
	}
	if n := s.Pending(); n != 2 {
		t.Fatalf("pending %d; want one frame per pair", n)
	}
	if c := h.Stats().FramesConflated; c != 1998 {
		t.Fatalf("conflated %d", c)
	}
	m := next(t, s)
	var r qotupdatebasicqot.Response
	_ = proto.Unmarshal(m.GetBody(), &r)
	if r.GetS2C().GetBasicQotList()[0].GetCurPrice() != 999 {
		t.Fatal("conflation must keep the latest")
	}
}

func TestControlOverflowFailsStream(t *testing.T) {
	h := New(Options{MaxControl: 4})
	s := h.Open()
	defer s.Close()
	for i := range 5 {
		h.Notify(EventDisconnected, fmt.Sprint(i))
	}
	if _, err := s.Next(context.Background()); !errors.Is(err, ErrOverflow) {
		t.Fatalf("err = %v", err)
	}
}

func TestNotifyAndClose(t *testing.T) {
	h := New(Options{})
	s1, s2 := h.Open(), h.Open()
	h.Notify(EventReconnected, "back")
	for _, s := range []*Stream{s1, s2} {
		if m := next(t, s); m.GetNotify().GetEvent() != EventReconnected {
			t.Fatalf("got %v", m)
		}
	}
	s1.Close()
	s2.Close()
	if _, err := s1.Next(context.Background()); !errors.Is(err, ErrClosed) {
		t.Fatalf("after close: %v", err)
	}
	if h.Stats().Streams != 0 {
		t.Fatal("streams left")
	}
	ctx, cancel := context.WithCancel(context.Background())
	s3 := h.Open()
	defer s3.Close()
	cancel()
	if _, err := s3.Next(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}

func TestNotifySessionReachesHostsOnly(t *testing.T) {
	h := New(Options{})
	s1, s2 := h.Open(), h.Open()
	defer s1.Close()
	defer s2.Close()
	s1.SetSessions([]string{"alice"})
	s2.SetSessions([]string{"bob"})
	drain(s1)
	drain(s2)
	if !h.Hosted("alice") || h.Hosted("carol") {
		t.Fatal("Hosted disagrees with SetSessions")
	}
	h.NotifySession("alice", EventQuotaExceeded, "full")
	if m := next(t, s1); m.GetNotify().GetEvent() != EventQuotaExceeded || m.GetNotify().GetMessage() != "full" {
		t.Fatalf("alice's stream got %v", m)
	}
	if got := drain(s2); len(got) != 0 {
		t.Fatalf("bob's stream got %v", got)
	}
}

// CloseAll (shutdown) ends every stream so a graceful stop need not wait for them.
func TestCloseAllEndsStreams(t *testing.T) {
	h := New(Options{})
	s1, s2 := h.Open(), h.Open()
	h.CloseAll()
	for _, s := range []*Stream{s1, s2} {
		if _, err := s.Next(context.Background()); !errors.Is(err, ErrShuttingDown) {
			t.Fatalf("Next after CloseAll = %v, want ErrShuttingDown", err)
		}
	}
	if h.Stats().Streams != 0 {
		t.Fatalf("streams left: %+v", h.Stats())
	}
}
