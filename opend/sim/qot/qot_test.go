package qot

import (
	"testing"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/getglobalstate"
	"github.com/futugw/gateway/api/gen/go/futu/opend/getuserinfo"
	"github.com/futugw/gateway/api/gen/go/futu/opend/notify"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetsecuritysnapshot"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetstaticinfo"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotregqotpush"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatebasicqot"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdateorderbook"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdateticker"
	"github.com/futugw/gateway/opend/envelope"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim/calendar"
	"github.com/futugw/gateway/opend/sim/market"
	"github.com/futugw/gateway/platform/testkit"
	"google.golang.org/protobuf/proto"
)

var three = []string{"HK.00700", "US.AAPL", "HK.00005"}

func TestGlobalStateAndUserInfo(t *testing.T) {
	e := start(t, Config{UserID: 42})
	ctx := testCtx(t)
	c := e.dial(t)

	var gs getglobalstate.Response
	st, err := c.Call(ctx, protoid.GetGlobalState, &getglobalstate.Request{C2S: &getglobalstate.C2S{UserID: proto.Uint64(42)}}, &gs)
	if err != nil {
		t.Fatal(err)
	}
	mustOK(t, st, "GetGlobalState")
	s2c := gs.GetS2C()
	if !s2c.GetQotLogined() || !s2c.GetTrdLogined() || s2c.GetServerVer() == 0 ||
		s2c.GetTime() != e.clock.Now().Unix() || s2c.GetMarketHK() != int32(calendar.StateMorning) || s2c.GetConnID() != c.ConnID {
		t.Errorf("GetGlobalState = %v", s2c)
	}

	var ui getuserinfo.Response
	st, err = c.Call(ctx, protoid.GetUserInfo, &getuserinfo.Request{C2S: &getuserinfo.C2S{}}, &ui)
	if err != nil {
		t.Fatal(err)
	}
	mustOK(t, st, "GetUserInfo")
	if ui.GetS2C().GetUserID() != 42 || ui.GetS2C().GetSubQuota() != 500 {
		t.Errorf("GetUserInfo = %v", ui.GetS2C())
	}
}

func TestSubscribePushesMatchBasicQot(t *testing.T) {
	e := start(t, Config{})
	ctx := testCtx(t)
	c := e.dial(t)

	mustOK(t, doSub(ctx, t, c, subReq{keys: three, types: []int32{SubBasic}, push: true, first: true}), "sub")

	cache := map[string]*qotcommon.BasicQot{}
	readPush := func() {
		t.Helper()
		f, err := c.NextPush(ctx, protoid.QotUpdateBasicQot)
		if err != nil {
			t.Fatal(err)
		}
		var p qotupdatebasicqot.Response
		if err := proto.Unmarshal(f.Body, &p); err != nil {
			t.Fatalf("push does not decode (required fields?): %v", err)
		}
		for _, b := range p.GetS2C().GetBasicQotList() {
			cache[keyOf(b.GetSecurity())] = b
		}
	}
	for range three { // first pushes
		readPush()
	}
	for _, k := range three {
		if cache[k] == nil {
			t.Fatalf("no first push for %s", k)
		}
	}
	for range 5 {
		for _, k := range three {
			e.mkt.Step(k)
			readPush()
		}
	}

	got, st := getBasic(ctx, t, c, three...)
	mustOK(t, st, "GetBasicQot")
	if len(got) != len(three) {
		t.Fatalf("got %d quotes", len(got))
	}
	for _, b := range got {
		k := keyOf(b.GetSecurity())
		if !proto.Equal(b, cache[k]) {
			t.Errorf("%s: GetBasicQot %v != last push %v", k, b, cache[k])
		}
		q, _ := e.mkt.QuoteByKey(k)
		if b.GetCurPrice() != q.Cur || !market.ValidPrice(q.Market, b.GetCurPrice()) || b.GetVolume() != q.Volume {
			t.Errorf("%s: quote %v vs market %+v", k, b, q)
		}
	}
}

func TestPushLoop(t *testing.T) {
	e := start(t, Config{PushInterval: time.Millisecond})
	ctx := testCtx(t)
	c := e.dial(t)
	mustOK(t, doSub(ctx, t, c, subReq{keys: three, types: []int32{SubBasic, SubOrderBook, SubTicker}, push: true}), "sub")

	seen := map[uint32]int{}
	for seen[protoid.QotUpdateBasicQot] < 30 || seen[protoid.QotUpdateOrderBook] < 3 || seen[protoid.QotUpdateTicker] < 3 {
		var f = <-c.Pushes()
		seen[f.ProtoID]++
		switch f.ProtoID {
		case protoid.QotUpdateOrderBook:
			var p qotupdateorderbook.Response
			if err := proto.Unmarshal(f.Body, &p); err != nil {
				t.Fatal(err)
			}
			s2c := p.GetS2C()
			mkt := s2c.GetSecurity().GetMarket()
			if len(s2c.GetOrderBookAskList()) != 10 || len(s2c.GetOrderBookBidList()) != 10 {
				t.Fatalf("book depth %d/%d", len(s2c.GetOrderBookAskList()), len(s2c.GetOrderBookBidList()))
			}
			prev := s2c.GetOrderBookBidList()[0].GetPrice()
			if s2c.GetOrderBookAskList()[0].GetPrice() <= prev {
				t.Fatalf("crossed book %v", s2c)
			}
			for _, l := range append(s2c.GetOrderBookAskList(), s2c.GetOrderBookBidList()...) {
				if !market.ValidPrice(mkt, l.GetPrice()) || l.GetVolume() <= 0 {
					t.Fatalf("bad level %v", l)
				}
			}
		case protoid.QotUpdateTicker:
			var p qotupdateticker.Response
			if err := proto.Unmarshal(f.Body, &p); err != nil {
				t.Fatal(err)
			}
			tk := p.GetS2C().GetTickerList()[0]
			if tk.GetVolume() <= 0 || tk.GetSequence() <= 0 {
				t.Fatalf("bad ticker %v", tk)
			}
		}
		if ctx.Err() != nil {
			t.Fatalf("timed out; seen %v", seen)
		}
	}
}

func TestQuotaExceeded(t *testing.T) {
	e := start(t, Config{SubQuota: 4})
	ctx := testCtx(t)
	c := e.dial(t)
	mustOK(t, doSub(ctx, t, c, subReq{keys: three, types: []int32{SubBasic}}), "sub 3")
	// Re-subscribing held slots costs nothing.
	mustOK(t, doSub(ctx, t, c, subReq{keys: three, types: []int32{SubBasic}}), "resub")
	st := doSub(ctx, t, c, subReq{keys: []string{"US.MSFT", "US.NVDA"}, types: []int32{SubBasic}})
	mustFail(t, st, "over quota", codeQuota)
	info := subInfo(ctx, t, c, false)
	if info.GetTotalUsedQuota() != 3 || info.GetRemainQuota() != 1 {
		t.Errorf("after failed sub: used %d remain %d", info.GetTotalUsedQuota(), info.GetRemainQuota())
	}
	mustOK(t, doSub(ctx, t, c, subReq{keys: []string{"US.MSFT"}, types: []int32{SubBasic}}), "last slot")

	// Quota is per connection.
	c2 := e.dial(t)
	mustOK(t, doSub(ctx, t, c2, subReq{keys: []string{"US.TSLA"}, types: []int32{SubBasic, SubTicker}}), "other conn")
}

func TestMinimumHold(t *testing.T) {
	e := start(t, Config{MinSubHold: time.Minute})
	ctx := testCtx(t)
	c := e.dial(t)
	mustOK(t, doSub(ctx, t, c, subReq{keys: three, types: []int32{SubBasic}, push: true}), "sub")

	e.clock.Advance(59 * time.Second)
	mustFail(t, doSub(ctx, t, c, subReq{keys: three, types: []int32{SubBasic}, unsub: true}), "early unsub", codeHold)
	mustFail(t, doSub(ctx, t, c, subReq{unsub: true, unsubAll: true}), "early unsub all", codeHold)
	if _, st := getBasic(ctx, t, c, three...); !st.OK() {
		t.Fatalf("subscription lost after failed unsub: %s", st.RetMsg)
	}

	e.clock.Advance(time.Second)
	mustOK(t, doSub(ctx, t, c, subReq{keys: []string{"HK.00700"}, types: []int32{SubBasic}, unsub: true}), "unsub after hold")
	_, st := getBasic(ctx, t, c, "HK.00700")
	mustFail(t, st, "GetBasicQot after unsub", codeNotSubscribed)
	mustOK(t, doSub(ctx, t, c, subReq{unsub: true, unsubAll: true}), "unsub all")
	if n := subInfo(ctx, t, c, false).GetTotalUsedQuota(); n != 0 {
		t.Errorf("used quota %d after unsub all", n)
	}
	if keys := e.svc.subs.keys(); len(keys) != 0 {
		t.Errorf("keys still stepped: %v", keys)
	}
}

func TestSubscriptionsVanishOnDisconnect(t *testing.T) {
	e := start(t, Config{})
	ctx := testCtx(t)
	a := e.dial(t)
	b := e.dial(t)
	mustOK(t, doSub(ctx, t, a, subReq{keys: three, types: []int32{SubBasic}, push: true}), "a sub")
	mustOK(t, doSub(ctx, t, b, subReq{keys: []string{"US.AAPL"}, types: []int32{SubTicker}}), "b sub")
	if n := len(subInfo(ctx, t, b, true).GetConnSubInfoList()); n != 2 {
		t.Fatalf("%d connections with subscriptions, want 2", n)
	}
	a.Close()
	// The server runs OnClose after the socket closes; wait for that event.
	testkit.Eventually(t, 10*time.Second, "the closed connection's subscriptions to go",
		func() bool { return len(subInfo(ctx, t, b, true).GetConnSubInfoList()) == 1 })
	info := subInfo(ctx, t, b, true).GetConnSubInfoList()[0]
	if !info.GetIsOwnConnData() || info.GetUsedQuota() != 1 {
		t.Errorf("remaining info %v", info)
	}
	if got := e.svc.subs.keys(); len(got) != 1 || got[0] != "US.AAPL" {
		t.Errorf("stepped keys %v", got)
	}
}

func TestStaticInfo(t *testing.T) {
	e := start(t, Config{})
	ctx := testCtx(t)
	c := e.dial(t)
	var resp qotgetstaticinfo.Response
	st, err := c.Call(ctx, protoid.QotGetStaticInfo, &qotgetstaticinfo.Request{C2S: &qotgetstaticinfo.C2S{
		SecurityList: secs("HK.00700", "HK.00005", "HK.00941", "US.AAPL")}}, &resp)
	if err != nil {
		t.Fatal(err)
	}
	mustOK(t, st, "GetStaticInfo")
	want := map[string]int32{"HK.00700": 100, "HK.00005": 400, "HK.00941": 500, "US.AAPL": 1}
	for _, si := range resp.GetS2C().GetStaticInfoList() {
		b := si.GetBasic()
		if k := keyOf(b.GetSecurity()); b.GetLotSize() != want[k] || b.GetName() == "" || b.GetSecType() != 3 {
			t.Errorf("%s: %v", k, b)
		}
	}

	st, err = c.Call(ctx, protoid.QotGetStaticInfo, &qotgetstaticinfo.Request{C2S: &qotgetstaticinfo.C2S{
		Market: proto.Int32(market.MarketUS)}}, &resp)
	if err != nil {
		t.Fatal(err)
	}
	mustOK(t, st, "GetStaticInfo by market")
	if n := len(resp.GetS2C().GetStaticInfoList()); n != 10 {
		t.Errorf("US securities: %d", n)
	}
}

func TestSnapshot(t *testing.T) {
	e := start(t, Config{})
	ctx := testCtx(t)
	c := e.dial(t)
	var resp qotgetsecuritysnapshot.Response
	st, err := c.Call(ctx, protoid.QotGetSecuritySnapshot, &qotgetsecuritysnapshot.Request{C2S: &qotgetsecuritysnapshot.C2S{
		SecurityList: secs(three...)}}, &resp)
	if err != nil {
		t.Fatal(err)
	}
	mustOK(t, st, "snapshot (no subscription needed)")
	for _, s := range resp.GetS2C().GetSnapshotList() {
		b := s.GetBasic()
		if b.GetAskPrice() <= b.GetBidPrice() || b.GetLotSize() <= 0 || b.GetCurPrice() <= 0 {
			t.Errorf("snapshot %v", b)
		}
	}
}

func TestRegQotPush(t *testing.T) {
	e := start(t, Config{})
	ctx := testCtx(t)
	c := e.dial(t)
	reg := func(on, first bool, keys ...string) envelope.Status {
		var resp qotregqotpush.Response
		st, err := c.Call(ctx, protoid.QotRegQotPush, &qotregqotpush.Request{C2S: &qotregqotpush.C2S{
			SecurityList: secs(keys...), SubTypeList: []int32{SubBasic},
			IsRegOrUnReg: proto.Bool(on), IsFirstPush: proto.Bool(first)}}, &resp)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	mustFail(t, reg(true, false, "US.AAPL"), "reg without sub", codeNotSubscribed)
	mustOK(t, doSub(ctx, t, c, subReq{keys: []string{"US.AAPL"}, types: []int32{SubBasic}}), "sub without push")
	mustOK(t, reg(true, true, "US.AAPL"), "reg")
	if _, err := c.NextPush(ctx, protoid.QotUpdateBasicQot); err != nil {
		t.Fatal(err)
	}
	mustOK(t, reg(false, false, "US.AAPL"), "unreg")
	if got := e.svc.subs.targets(nil, "US.AAPL"); len(got) != 0 {
		t.Errorf("targets after unreg: %v", got)
	}
}

func TestErrorsAreEnvelopes(t *testing.T) {
	e := start(t, Config{})
	ctx := testCtx(t)
	c := e.dial(t)

	for _, id := range []uint32{protoid.GetGlobalState, protoid.QotSub, protoid.QotGetBasicQot, protoid.QotGetStaticInfo,
		protoid.QotGetSecuritySnapshot, protoid.QotRegQotPush, protoid.QotGetSubInfo, protoid.GetUserInfo} {
		for _, body := range [][]byte{{0xff, 0xff, 0xff}, {}} {
			f, err := c.CallRaw(ctx, id, body)
			if err != nil {
				t.Fatalf("proto %d: %v", id, err)
			}
			st, err := envelope.Parse(f.Body)
			if err != nil {
				t.Fatalf("proto %d: bad envelope: %v", id, err)
			}
			if st.OK() || st.RetMsg == "" {
				t.Errorf("proto %d body %x: %+v, want a failure with a message", id, body, st)
			}
		}
	}

	mustFail(t, doSub(ctx, t, c, subReq{keys: []string{"HK.99999"}, types: []int32{SubBasic}}), "unknown security", codeUnknownSec)
	mustFail(t, doSub(ctx, t, c, subReq{keys: []string{"US.AAPL"}, types: []int32{3}}), "unknown sub type", codeUnsupported)
	mustFail(t, doSub(ctx, t, c, subReq{keys: nil, types: []int32{SubBasic}}), "empty list", codeInvalid)
	mustFail(t, doSub(ctx, t, c, subReq{keys: []string{"US.AAPL"}}), "no sub types", codeInvalid)
	_, st := getBasic(ctx, t, c, "US.AAPL")
	mustFail(t, st, "GetBasicQot unsubscribed", codeNotSubscribed)

	// The connection survived every error.
	mustOK(t, doSub(ctx, t, c, subReq{keys: []string{"US.AAPL"}, types: []int32{SubBasic}}), "sub after errors")
}

func TestBroadcastConnStatus(t *testing.T) {
	e := start(t, Config{})
	ctx := testCtx(t)
	c := e.dial(t) // RecvNotify: true
	if n := e.svc.BroadcastConnStatus(false, true); n != 1 {
		t.Fatalf("notified %d connections", n)
	}
	f, err := c.NextPush(ctx, protoid.Notify)
	if err != nil {
		t.Fatal(err)
	}
	var n notify.Response
	if err := proto.Unmarshal(f.Body, &n); err != nil {
		t.Fatal(err)
	}
	if cs := n.GetS2C().GetConnectStatus(); n.GetS2C().GetType() != 3 || cs.GetQotLogined() || !cs.GetTrdLogined() {
		t.Errorf("notify %v", n.GetS2C())
	}
}
