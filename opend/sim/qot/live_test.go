package qot

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetrt"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatebroker"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdateorderbook"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatert"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdateticker"
	"github.com/futugw/gateway/opend/envelope"
	"github.com/futugw/gateway/opend/protoid"
	"google.golang.org/protobuf/proto"
)

// TestLivePullRefusals: every live pull needs its subscription on this
// connection, and the markets without the data are refused, as by OpenD.
func TestLivePullRefusals(t *testing.T) {
	e := start(t, Config{})
	ctx := testCtx(t)
	c := e.dial(t)
	// Subscribed on another connection: does not count for c.
	other := e.dial(t)
	mustOK(t, doSub(ctx, t, other, subReq{keys: []string{"HK.00700", "US.AAPL"},
		types: []int32{SubTicker, SubOrderBook, SubRT, SubBroker, SubOrderBookOdd}}), "other conn sub")
	mustOK(t, doSub(ctx, t, c, subReq{keys: []string{"US.AAPL"}, types: []int32{SubBroker, SubOrderBookOdd}}), "US broker sub")

	tests := []struct {
		name string
		call func() envelope.Status
		code int32
	}{
		{"ticker unsubscribed", func() envelope.Status { _, st := getTicker(ctx, t, c, "HK.00700", 10); return st }, codeNotSubscribed},
		{"ticker maxRetNum 0", func() envelope.Status { _, st := getTicker(ctx, t, c, "HK.00700", 0); return st }, codeInvalid},
		{"ticker unknown security", func() envelope.Status { _, st := getTicker(ctx, t, c, "HK.99999", 10); return st }, codeUnknownSec},
		{"book unsubscribed", func() envelope.Status { _, st := getBook(ctx, t, c, "HK.00700", 10, bookNormal); return st }, codeNotSubscribed},
		{"book num 0", func() envelope.Status { _, st := getBook(ctx, t, c, "HK.00700", 0, bookNormal); return st }, codeInvalid},
		{"book bad type", func() envelope.Status { _, st := getBook(ctx, t, c, "HK.00700", 10, 7); return st }, codeInvalid},
		{"odd book unsubscribed", func() envelope.Status { _, st := getBook(ctx, t, c, "HK.00700", 10, bookOdd); return st }, codeNotSubscribed},
		{"odd book US", func() envelope.Status { _, st := getBook(ctx, t, c, "US.AAPL", 10, bookOdd); return st }, codeWrongMarket},
		{"rt unsubscribed", func() envelope.Status { _, st := getRT(ctx, t, c, "HK.00700"); return st }, codeNotSubscribed},
		{"broker unsubscribed", func() envelope.Status { _, st := getBroker(ctx, t, c, "HK.00700"); return st }, codeNotSubscribed},
		{"broker US even subscribed", func() envelope.Status { _, st := getBroker(ctx, t, c, "US.AAPL"); return st }, codeWrongMarket},
	}
	for _, tt := range tests {
		st := tt.call()
		if st.OK() || st.RetType != envelope.RetFailed || st.ErrCode != tt.code || st.RetMsg == "" {
			t.Errorf("%s: retType %d errCode %d msg %q, want errCode %d", tt.name, st.RetType, st.ErrCode, st.RetMsg, tt.code)
		}
	}
	// Malformed bodies and a missing security fail with a message.
	noSecurity, _ := proto.MarshalOptions{AllowPartial: true}.Marshal(&qotgetrt.Request{C2S: &qotgetrt.C2S{}})
	for _, id := range []uint32{protoid.QotGetTicker, protoid.QotGetOrderBook, protoid.QotGetRT, protoid.QotGetBroker} {
		for _, body := range [][]byte{{0xff, 0xff, 0xff}, {}, noSecurity} {
			f, err := c.CallRaw(ctx, id, body)
			if err != nil {
				t.Fatalf("proto %d: %v", id, err)
			}
			if st, err := envelope.Parse(f.Body); err != nil || st.OK() || st.RetMsg == "" {
				t.Errorf("proto %d body %x: %+v %v, want a failure with a message", id, body, st, err)
			}
		}
	}
}

// TestTickerPullEqualsPushes: Qot_GetTicker returns exactly the tickers the
// Qot_UpdateTicker pushes carried, oldest first, the first push included.
func TestTickerPullEqualsPushes(t *testing.T) {
	e := start(t, Config{})
	ctx := testCtx(t)
	c := e.dial(t)
	const key = "HK.00700"
	mustOK(t, doSub(ctx, t, c, subReq{keys: []string{key}, types: []int32{SubTicker}, push: true, first: true}), "sub")
	const steps = 6
	for range steps {
		e.mkt.Step(key)
	}
	var pushed []*qotcommon.Ticker
	for range steps + 1 {
		var p qotupdateticker.Response
		nextPushAs(ctx, t, c, protoid.QotUpdateTicker, &p)
		pushed = append(pushed, p.GetS2C().GetTickerList()...)
	}
	got, st := getTicker(ctx, t, c, key, 100)
	mustOK(t, st, "GetTicker")
	if keyOf(got.GetSecurity()) != key || got.GetName() == "" {
		t.Errorf("security %v name %q", got.GetSecurity(), got.GetName())
	}
	assertTickers(t, got.GetTickerList(), pushed)
	last2, st := getTicker(ctx, t, c, key, 2)
	mustOK(t, st, "GetTicker 2")
	assertTickers(t, last2.GetTickerList(), pushed[len(pushed)-2:])

	// A later subscriber's first push repeats the latest ticker as pushed,
	// direction included.
	late := e.dial(t)
	mustOK(t, doSub(ctx, t, late, subReq{keys: []string{key}, types: []int32{SubTicker}, push: true, first: true}), "late sub")
	var first qotupdateticker.Response
	nextPushAs(ctx, t, late, protoid.QotUpdateTicker, &first)
	assertTickers(t, first.GetS2C().GetTickerList(), pushed[len(pushed)-1:])
}

func assertTickers(t *testing.T, got, want []*qotcommon.Ticker) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d tickers, want %d", len(got), len(want))
	}
	for i := range want {
		if !proto.Equal(got[i], want[i]) {
			t.Errorf("ticker %d:\n got  %v\n want %v", i, got[i], want[i])
		}
	}
}

func TestTickerRingKeepsLatest(t *testing.T) {
	var r tickRing
	for i := range maxTickers + 5 {
		r.add(tickRec{dir: 1, q: quoteSeq(int64(i))})
	}
	r.add(tickRec{q: quoteSeq(3)}) // older than the latest: ignored
	tests := []struct{ n, first, count int }{
		{1, maxTickers + 4, 1},
		{10, maxTickers - 5, 10},
		{maxTickers + 100, 5, maxTickers},
	}
	for _, tt := range tests {
		got := r.latest(tt.n)
		if len(got) != tt.count || got[0].q.Seq != int64(tt.first) || got[len(got)-1].q.Seq != maxTickers+4 {
			t.Errorf("latest(%d): %d ticks from %d to %d", tt.n, len(got), got[0].q.Seq, got[len(got)-1].q.Seq)
		}
	}
}

// TestOrderBookPullEqualsLastPush: the pull is the last push cut to num levels.
func TestOrderBookPullEqualsLastPush(t *testing.T) {
	e := start(t, Config{})
	ctx := testCtx(t)
	c := e.dial(t)
	const key = "US.AAPL"
	mustOK(t, doSub(ctx, t, c, subReq{keys: []string{key}, types: []int32{SubOrderBook}, push: true}), "sub")
	for range 3 {
		e.mkt.Step(key)
	}
	var last qotupdateorderbook.Response
	for range 3 {
		nextPushAs(ctx, t, c, protoid.QotUpdateOrderBook, &last)
	}
	for _, n := range []int32{10, 3, 50} {
		got, st := getBook(ctx, t, c, key, n, bookNormal)
		mustOK(t, st, "GetOrderBook")
		p := last.GetS2C()
		k := min(int(n), 10)
		if len(got.GetOrderBookAskList()) != k || len(got.GetOrderBookBidList()) != k {
			t.Fatalf("num %d: %d asks %d bids", n, len(got.GetOrderBookAskList()), len(got.GetOrderBookBidList()))
		}
		for i := range k {
			if !proto.Equal(got.GetOrderBookAskList()[i], p.GetOrderBookAskList()[i]) ||
				!proto.Equal(got.GetOrderBookBidList()[i], p.GetOrderBookBidList()[i]) {
				t.Errorf("num %d level %d differs from the last push", n, i)
			}
		}
		if got.GetSvrRecvTimeBid() != p.GetSvrRecvTimeBid() || got.GetOrderBookType() != bookNormal || got.GetName() != p.GetName() {
			t.Errorf("header %v, push %v", got, p)
		}
	}
}

// TestOwnOrdersInBook: the user's resting orders add to the levels at their
// prices, in pushes and pulls alike.
func TestOwnOrdersInBook(t *testing.T) {
	var own atomic.Pointer[[]OwnOrder]
	e := start(t, Config{OwnOrders: func(key string) []OwnOrder {
		if p := own.Load(); p != nil && key == "HK.00700" {
			return *p
		}
		return nil
	}})
	ctx := testCtx(t)
	c := e.dial(t)
	const key = "HK.00700"
	mustOK(t, doSub(ctx, t, c, subReq{keys: []string{key}, types: []int32{SubOrderBook}}), "sub")
	plain, st := getBook(ctx, t, c, key, 10, bookNormal)
	mustOK(t, st, "plain book")
	bid3, ask5 := plain.GetOrderBookBidList()[3], plain.GetOrderBookAskList()[5]
	own.Store(&[]OwnOrder{
		{Buy: true, Price: bid3.GetPrice(), Qty: 300},
		{Buy: true, Price: bid3.GetPrice(), Qty: 100},
		{Buy: false, Price: ask5.GetPrice(), Qty: 200},
		{Buy: true, Price: 1, Qty: 100}, // beyond the ten levels
	})
	withOwn, st := getBook(ctx, t, c, key, 10, bookNormal)
	mustOK(t, st, "book with own orders")
	tests := []struct {
		name       string
		got, was   *qotcommon.OrderBook
		vol, count int64
	}{
		{"bid 4", withOwn.GetOrderBookBidList()[3], bid3, 400, 2},
		{"ask 6", withOwn.GetOrderBookAskList()[5], ask5, 200, 1},
		{"bid 1", withOwn.GetOrderBookBidList()[0], plain.GetOrderBookBidList()[0], 0, 0},
	}
	for _, tt := range tests {
		if tt.got.GetPrice() != tt.was.GetPrice() || tt.got.GetVolume() != tt.was.GetVolume()+tt.vol ||
			int64(tt.got.GetOrederCount()) != int64(tt.was.GetOrederCount())+tt.count {
			t.Errorf("%s: %v, was %v, want +%d volume +%d orders", tt.name, tt.got, tt.was, tt.vol, tt.count)
		}
	}
	// The push carries the same overlay.
	mustOK(t, doSub(ctx, t, c, subReq{keys: []string{key}, types: []int32{SubOrderBook}, push: true, first: true}), "reg push")
	var p qotupdateorderbook.Response
	nextPushAs(ctx, t, c, protoid.QotUpdateOrderBook, &p)
	if !proto.Equal(p.GetS2C().GetOrderBookBidList()[3], withOwn.GetOrderBookBidList()[3]) {
		t.Errorf("push bid 4 %v, pull %v", p.GetS2C().GetOrderBookBidList()[3], withOwn.GetOrderBookBidList()[3])
	}
}

// TestRT: the time-share has one point per trading minute up to now, its last
// point is the live price, and each step pushes the forming minute.
func TestRT(t *testing.T) {
	e := start(t, Config{Seed: 9})
	ctx := testCtx(t)
	c := e.dial(t)
	const key = "HK.00700" // the test clock is Monday 10:00 in Hong Kong
	mustOK(t, doSub(ctx, t, c, subReq{keys: []string{key}, types: []int32{SubRT}, push: true, first: true}), "sub")
	var first qotupdatert.Response
	nextPushAs(ctx, t, c, protoid.QotUpdateRT, &first)

	e.clock.Advance(90 * time.Second)
	q, _ := e.mkt.Step(key)
	var p qotupdatert.Response
	nextPushAs(ctx, t, c, protoid.QotUpdateRT, &p)
	pt := p.GetS2C().GetRtList()
	if len(pt) != 1 || pt[0].GetPrice() != q.Cur || pt[0].GetTime() != "2025-03-03 10:02:00" || pt[0].GetMinute() != 10*60+2 {
		t.Fatalf("push after step: %v (price %v)", pt, q.Cur)
	}

	got, st := getRT(ctx, t, c, key)
	mustOK(t, st, "GetRT")
	rt := got.GetRtList()
	// 09:31 .. 10:02: one point per minute since the open.
	if len(rt) != 32 || rt[0].GetTime() != "2025-03-03 09:31:00" {
		t.Fatalf("%d points from %q", len(rt), rt[0].GetTime())
	}
	if !proto.Equal(rt[len(rt)-1], pt[0]) {
		t.Errorf("last point %v, push %v", rt[len(rt)-1], pt[0])
	}
	for i, r := range rt {
		if r.GetLastClosePrice() != q.LastClose || r.GetIsBlank() || (i > 0 && r.GetMinute() != rt[i-1].GetMinute()+1) {
			t.Fatalf("point %d: %v", i, r)
		}
	}
	// Deterministic for a seed: a second service replaying the steps agrees.
	e2 := start(t, Config{Seed: 9})
	c2 := e2.dial(t)
	mustOK(t, doSub(ctx, t, c2, subReq{keys: []string{key}, types: []int32{SubRT}}), "sub 2")
	e2.clock.Advance(90 * time.Second)
	e2.mkt.Step(key)
	got2, st := getRT(ctx, t, c2, key)
	mustOK(t, st, "GetRT 2")
	if len(got2.GetRtList()) != len(rt) || !proto.Equal(got2.GetRtList()[len(rt)-1], rt[len(rt)-1]) {
		t.Errorf("replay differs")
	}
}

// TestBrokerQueue: HK broker queue pushes and pulls agree; positions follow
// the book levels.
func TestBrokerQueue(t *testing.T) {
	e := start(t, Config{})
	ctx := testCtx(t)
	c := e.dial(t)
	const key = "HK.00005"
	mustOK(t, doSub(ctx, t, c, subReq{keys: []string{key}, types: []int32{SubBroker}, push: true, first: true}), "sub")
	var first qotupdatebroker.Response
	nextPushAs(ctx, t, c, protoid.QotUpdateBroker, &first)
	e.mkt.Step(key)
	var p qotupdatebroker.Response
	nextPushAs(ctx, t, c, protoid.QotUpdateBroker, &p)

	got, st := getBroker(ctx, t, c, key)
	mustOK(t, st, "GetBroker")
	if keyOf(got.GetSecurity()) != key || got.GetName() == "" {
		t.Errorf("security %v", got.GetSecurity())
	}
	for _, side := range []struct {
		name      string
		got, want []*qotcommon.Broker
	}{
		{"ask", got.GetBrokerAskList(), p.GetS2C().GetBrokerAskList()},
		{"bid", got.GetBrokerBidList(), p.GetS2C().GetBrokerBidList()},
	} {
		if len(side.got) == 0 || len(side.got) != len(side.want) {
			t.Fatalf("%s: %d brokers, push %d", side.name, len(side.got), len(side.want))
		}
		prev := int32(1)
		for i, b := range side.got {
			if !proto.Equal(b, side.want[i]) || b.GetId() < 1000 || b.GetId() > 9999 || b.GetName() == "" ||
				b.GetPos() < prev || b.GetPos() > bookDepth {
				t.Errorf("%s broker %d: %v (push %v)", side.name, i, b, side.want[i])
			}
			prev = b.GetPos()
		}
	}
}

// TestOddLotBook: the HK odd-lot book is pushed and pulled alike, each level
// under one board lot, with orderBookType Odd.
func TestOddLotBook(t *testing.T) {
	e := start(t, Config{})
	ctx := testCtx(t)
	c := e.dial(t)
	const key = "HK.00005" // lot 400
	mustOK(t, doSub(ctx, t, c, subReq{keys: []string{key}, types: []int32{SubOrderBookOdd}, push: true, first: true}), "sub")
	var p qotupdateorderbook.Response
	nextPushAs(ctx, t, c, protoid.QotUpdateOrderBook, &p)
	got, st := getBook(ctx, t, c, key, 10, bookOdd)
	mustOK(t, st, "odd book")
	if p.GetS2C().GetOrderBookType() != bookOdd || got.GetOrderBookType() != bookOdd {
		t.Fatalf("types: push %d pull %d", p.GetS2C().GetOrderBookType(), got.GetOrderBookType())
	}
	levels := append(got.GetOrderBookAskList(), got.GetOrderBookBidList()...)
	want := append(p.GetS2C().GetOrderBookAskList(), p.GetS2C().GetOrderBookBidList()...)
	if len(levels) == 0 || len(levels) != len(want) {
		t.Fatalf("%d odd levels, push %d", len(levels), len(want))
	}
	for i, l := range levels {
		if !proto.Equal(l, want[i]) || l.GetVolume() < 1 || l.GetVolume() >= 400 {
			t.Errorf("level %d: %v (push %v)", i, l, want[i])
		}
	}
}

// TestRTOnClosedDay: on a Sunday the time-share is Friday's whole session,
// ending at the previous close the live walk starts from.
func TestRTOnClosedDay(t *testing.T) {
	sunday := &clock{now: time.Date(2025, 3, 2, 2, 0, 0, 0, time.UTC)} // 10:00 in Hong Kong
	e := start(t, Config{Now: sunday.Now, Seed: 4})
	ctx := testCtx(t)
	c := e.dial(t)
	const key = "HK.00700"
	mustOK(t, doSub(ctx, t, c, subReq{keys: []string{key}, types: []int32{SubRT}}), "sub")
	q, _ := e.mkt.Step(key)
	got, st := getRT(ctx, t, c, key)
	mustOK(t, st, "GetRT")
	rt := got.GetRtList()
	// HK trades 09:30-12:00 and 13:00-16:00: 330 minutes.
	if len(rt) != 330 || rt[0].GetTime() != "2025-02-28 09:31:00" || rt[329].GetTime() != "2025-02-28 16:00:00" {
		t.Fatalf("%d points from %q", len(rt), rt[0].GetTime())
	}
	if last := rt[329]; last.GetPrice() != q.LastClose {
		t.Errorf("Friday closes at %v, the walk's previous close is %v", last.GetPrice(), q.LastClose)
	}
}
