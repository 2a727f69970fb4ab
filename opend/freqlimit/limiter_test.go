package freqlimit

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/common"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetreference"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetsecuritysnapshot"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotrequesthistorykl"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetfunds"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdplaceorder"
	"github.com/futugw/gateway/opend/envelope"
	"github.com/futugw/gateway/opend/protoid"
	"google.golang.org/protobuf/proto"
)

// clock is a settable clock for the windows.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func marshal(t testing.TB, m proto.Message) []byte {
	t.Helper()
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func placeBody(t testing.TB, acc uint64) []byte {
	return marshal(t, &trdplaceorder.Request{C2S: &trdplaceorder.C2S{
		PacketID: &common.PacketID{ConnID: proto.Uint64(1), SerialNo: proto.Uint32(1)},
		Header:   &trdcommon.TrdHeader{TrdEnv: proto.Int32(0), AccID: proto.Uint64(acc), TrdMarket: proto.Int32(1)},
		TrdSide:  proto.Int32(1), OrderType: proto.Int32(1), Code: proto.String("00700"), Qty: proto.Float64(100),
	}})
}

func snapshotBody(t testing.TB) []byte {
	return marshal(t, &qotgetsecuritysnapshot.Request{C2S: &qotgetsecuritysnapshot.C2S{
		SecurityList: []*qotcommon.Security{{Market: proto.Int32(1), Code: proto.String("00700")}},
	}})
}

func historyBody(t testing.TB, pageKey []byte) []byte {
	return marshal(t, &qotrequesthistorykl.Request{C2S: &qotrequesthistorykl.C2S{
		RehabType: proto.Int32(1), KlType: proto.Int32(2),
		Security:  &qotcommon.Security{Market: proto.Int32(1), Code: proto.String("00700")},
		BeginTime: proto.String("2026-01-01"), EndTime: proto.String("2026-12-01"),
		NextReqKey: pageKey,
	}})
}

// wantRefused checks err is OpenD's frequency refusal with msg in it.
func wantRefused(t *testing.T, err error, msg string) {
	t.Helper()
	var e *envelope.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want a frequency refusal", err)
	}
	if e.RetType != envelope.RetFailed || e.ErrCode != ErrCode || !strings.Contains(e.RetMsg, msg) {
		t.Fatalf("refusal = %+v, want retType -1, errCode %d, retMsg with %q", e, ErrCode, msg)
	}
}

// admitN admits n requests, failing on the first refusal.
func admitN(t *testing.T, l *Limiter, n int, id uint32, body []byte) {
	t.Helper()
	for i := range n {
		if err := l.Admit(id, body); err != nil {
			t.Fatalf("request %d of %d refused: %v", i+1, n, err)
		}
	}
}

func TestNPlusOneRefusedUntilWindowSlides(t *testing.T) {
	clk := newClock()
	l := New(Policy{}, clk.Now)
	body := snapshotBody(t)
	admitN(t, l, 30, protoid.QotGetSecuritySnapshot, body)
	clk.Advance(10 * time.Second)
	admitN(t, l, 30, protoid.QotGetSecuritySnapshot, body)
	wantRefused(t, l.Admit(protoid.QotGetSecuritySnapshot, body),
		"Qot_GetSecuritySnapshot: frequency limit exceeded: at most 60 requests per 30s")
	// Refusals are not counted: once the first 30 leave the window, 30 fit.
	clk.Advance(20*time.Second - time.Nanosecond)
	wantRefused(t, l.Admit(protoid.QotGetSecuritySnapshot, body), "frequency limit exceeded")
	clk.Advance(time.Nanosecond)
	admitN(t, l, 30, protoid.QotGetSecuritySnapshot, body)
	wantRefused(t, l.Admit(protoid.QotGetSecuritySnapshot, body), "at most 60 requests per 30s")
	// Other interfaces have their own windows; unlisted ones none.
	admitN(t, l, 10, protoid.QotGetPlateSet, nil)
	admitN(t, l, 1000, protoid.QotGetBasicQot, nil)
}

func TestPerAccountWindows(t *testing.T) {
	clk := newClock()
	l := New(Policy{}, clk.Now)
	admitN(t, l, 15, protoid.TrdPlaceOrder, placeBody(t, 1001))
	wantRefused(t, l.Admit(protoid.TrdPlaceOrder, placeBody(t, 1001)),
		"Trd_PlaceOrder: frequency limit exceeded for account 1001: at most 15 requests per 30s")
	admitN(t, l, 15, protoid.TrdPlaceOrder, placeBody(t, 1002))
	clk.Advance(30 * time.Second)
	admitN(t, l, 15, protoid.TrdPlaceOrder, placeBody(t, 1001))
}

func TestLaterPagesAreNotCounted(t *testing.T) {
	l := New(Policy{}, newClock().Now)
	admitN(t, l, 60, protoid.QotRequestHistoryKL, historyBody(t, nil))
	admitN(t, l, 100, protoid.QotRequestHistoryKL, historyBody(t, []byte("page-2")))
	wantRefused(t, l.Admit(protoid.QotRequestHistoryKL, historyBody(t, nil)), "Qot_RequestHistoryKL: frequency limit exceeded")
}

func TestPolicyOffAndScaleAndSet(t *testing.T) {
	off := New(Policy{Off: true}, newClock().Now)
	admitN(t, off, 1000, protoid.TrdPlaceOrder, placeBody(t, 1001))
	if _, ok := off.Limit(protoid.TrdPlaceOrder); ok {
		t.Error("off: a limit is in force")
	}

	double := New(Policy{Scale: 2}, newClock().Now)
	admitN(t, double, 20, protoid.QotGetPlateSet, nil)
	wantRefused(t, double.Admit(protoid.QotGetPlateSet, nil), "at most 20 requests per 30s")

	set := New(Policy{}, newClock().Now)
	set.Set(protoid.TrdPlaceOrder, Limit{N: 2, Window: time.Minute, PerAccount: true})
	admitN(t, set, 2, protoid.TrdPlaceOrder, placeBody(t, 7))
	wantRefused(t, set.Admit(protoid.TrdPlaceOrder, placeBody(t, 7)), "for account 7: at most 2 requests per 1m0s")
	set.Set(protoid.TrdPlaceOrder, Limit{})
	admitN(t, set, 100, protoid.TrdPlaceOrder, placeBody(t, 7))
}

// A body that does not decode is still counted (against account 0); its
// handler refuses it as malformed.
func TestMalformedBodyCountsAgainstAccountZero(t *testing.T) {
	l := New(Policy{}, newClock().Now)
	admitN(t, l, 15, protoid.TrdPlaceOrder, []byte{0xff})
	wantRefused(t, l.Admit(protoid.TrdPlaceOrder, []byte{0xff}), "for account 0")
}

func TestConcurrentAdmitsNeverExceedTheLimit(t *testing.T) {
	l := New(Policy{}, newClock().Now)
	body := snapshotBody(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	admitted := 0
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if l.Admit(protoid.QotGetSecuritySnapshot, body) == nil {
					mu.Lock()
					admitted++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if admitted != 60 {
		t.Fatalf("admitted %d of 400 concurrent requests, want exactly 60", admitted)
	}
}

// Cached trade queries count only when they ask OpenD to refresh its cache.
func TestOnlyCacheRefreshesCount(t *testing.T) {
	l := New(Policy{}, newClock().Now)
	body := func(refresh bool) []byte {
		return marshal(t, &trdgetfunds.Request{C2S: &trdgetfunds.C2S{
			Header:       &trdcommon.TrdHeader{TrdEnv: proto.Int32(0), AccID: proto.Uint64(1001), TrdMarket: proto.Int32(1)},
			RefreshCache: proto.Bool(refresh),
		}})
	}
	admitN(t, l, 100, protoid.TrdGetFunds, body(false))
	admitN(t, l, 10, protoid.TrdGetFunds, body(true))
	wantRefused(t, l.Admit(protoid.TrdGetFunds, body(true)), "Trd_GetFunds: frequency limit exceeded for account 1001: at most 10 requests per 30s")
	admitN(t, l, 100, protoid.TrdGetFunds, body(false))
}

// Warrants of an underlying are not counted against Qot_GetReference.
func TestExemptRequestsAreNotCounted(t *testing.T) {
	l := New(Policy{}, newClock().Now)
	body := func(refType qotgetreference.ReferenceType) []byte {
		return marshal(t, &qotgetreference.Request{C2S: &qotgetreference.C2S{
			Security:      &qotcommon.Security{Market: proto.Int32(1), Code: proto.String("00700")},
			ReferenceType: proto.Int32(int32(refType)),
		}})
	}
	admitN(t, l, 50, protoid.QotGetReference, body(qotgetreference.ReferenceType_ReferenceType_Warrant))
	admitN(t, l, 10, protoid.QotGetReference, body(qotgetreference.ReferenceType_ReferenceType_Future))
	wantRefused(t, l.Admit(protoid.QotGetReference, body(qotgetreference.ReferenceType_ReferenceType_Future)),
		"Qot_GetReference: frequency limit exceeded: at most 10 requests per 30s")
	admitN(t, l, 5, protoid.QotGetReference, body(qotgetreference.ReferenceType_ReferenceType_Warrant))
}

// Reserve paces a caller below the limit: N slots now, then a wait for the
// oldest to leave the window when the wait is short, a refusal naming the
// wait when it is not; later pages are free as for Admit.
func TestReserve(t *testing.T) {
	c := newClock()
	l := New(Policy{Margin: time.Second}, c.Now)
	body := snapshotBody(t)
	for i := range 60 {
		if wait, ok := l.Reserve(protoid.QotGetSecuritySnapshot, body, 0); !ok || wait != 0 {
			t.Fatalf("request %d: wait %v, ok %v", i, wait, ok)
		}
		c.Advance(100 * time.Millisecond) // 60 requests over 6s
	}
	// The window is 31s: the first slot frees 25s from now.
	if wait, ok := l.Reserve(protoid.QotGetSecuritySnapshot, body, time.Second); ok || wait != 25*time.Second {
		t.Fatalf("past the limit: wait %v, ok %v; want 25s, refused", wait, ok)
	}
	c.Advance(24900 * time.Millisecond)
	if wait, ok := l.Reserve(protoid.QotGetSecuritySnapshot, body, 200*time.Millisecond); !ok || wait != 100*time.Millisecond {
		t.Fatalf("a short wait: wait %v, ok %v; want 100ms", wait, ok)
	}
	// That reservation took the freed slot: the next waits for the second one.
	if wait, ok := l.Reserve(protoid.QotGetSecuritySnapshot, body, 300*time.Millisecond); !ok || wait != 200*time.Millisecond {
		t.Fatalf("queued behind a reservation: wait %v, ok %v; want 200ms", wait, ok)
	}
	if _, ok := l.Reserve(protoid.QotRequestHistoryKL, historyBody(t, []byte("page2")), 0); !ok {
		t.Fatal("a later page is not counted")
	}
}
