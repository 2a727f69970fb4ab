package trade

import (
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetorderfilllist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdsubaccpush"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdupdateorder"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdupdateorderfill"
	"github.com/futugw/gateway/opend/protoid"
)

func subscribe(t *testing.T, e *Engine, s Subscriber, accs ...uint64) {
	t.Helper()
	if _, err := e.subAccPush(s, nil, &trdsubaccpush.C2S{AccIDList: accs}); err != nil {
		t.Fatalf("subAccPush: %v", err)
	}
}

func (f *fixture) fills(h *trdcommon.TrdHeader) []*trdcommon.OrderFill {
	f.t.Helper()
	s2c, err := f.eng.getOrderFillList(&trdgetorderfilllist.C2S{Header: h})
	if err != nil {
		f.t.Fatalf("fills: %v", err)
	}
	if _, err := proto.Marshal(s2c); err != nil {
		f.t.Fatalf("fills marshal: %v", err)
	}
	return s2c.GetOrderFillList()
}

func TestMarketOrderFillsAndPushes(t *testing.T) {
	f := newFixture(t, Config{})
	hk := hkSim()
	a, b := &fakeSub{id: 1}, &fakeSub{id: 2}
	subscribe(t, f.eng, a, 1001)
	subscribe(t, f.eng, b, 1002)
	cur := f.cur("HK.00700")

	id := f.mustPlace(placeReq(hk, sideBuy, typeMarket, "00700", 200, 0))

	o := f.order(hk, id)
	if o.GetOrderStatus() != statusFilledAll || o.GetFillQty() != 200 || !near(o.GetFillAvgPrice(), cur) {
		t.Fatalf("order = %v, want Filled_All 200 @ %v", o, cur)
	}
	got := a.pushes()
	if len(got) != 3 || got[0].protoID != protoid.TrdUpdateOrder || got[1].protoID != protoid.TrdUpdateOrder || got[2].protoID != protoid.TrdUpdateOrderFill {
		t.Fatalf("pushes to subscriber = %v", got)
	}
	first := got[0].msg.(*trdupdateorder.Response).GetS2C()
	if first.GetOrder().GetOrderStatus() != statusSubmitted || first.GetHeader().GetAccID() != 1001 {
		t.Fatalf("first push = %v, want Submitted for 1001", first)
	}
	if s := got[1].msg.(*trdupdateorder.Response).GetS2C().GetOrder().GetOrderStatus(); s != statusFilledAll {
		t.Fatalf("second push status = %d", s)
	}
	fill := got[2].msg.(*trdupdateorderfill.Response).GetS2C().GetOrderFill()
	if fill.GetQty() != 200 || !near(fill.GetPrice(), cur) || fill.GetOrderID() != id || fill.GetCode() != "00700" {
		t.Fatalf("fill push = %v", fill)
	}
	if n := len(b.pushes()); n != 0 {
		t.Fatalf("unsubscribed connection got %d pushes", n)
	}

	fu := f.funds(hk)
	if !near(fu.GetCash(), 1_000_000-200*cur) || fu.GetFrozenCash() != 0 || !near(fu.GetMarketVal(), 200*cur) ||
		!near(fu.GetTotalAssets(), 1_000_000) {
		t.Fatalf("funds = %v", fu)
	}
	pos := f.positions(hk)
	if len(pos) != 1 || pos[0].GetQty() != 200 || pos[0].GetCanSellQty() != 200 || !near(pos[0].GetCostPrice(), cur) {
		t.Fatalf("positions = %v", pos)
	}
	if fl := f.fills(hk); len(fl) != 1 || fl[0].GetFillID() != fill.GetFillID() {
		t.Fatalf("fill list = %v", fl)
	}

	// Re-subscribing replaces the set: a now follows 1002 only.
	subscribe(t, f.eng, a, 1002)
	f.mustPlace(placeReq(hk, sideBuy, typeMarket, "00700", 100, 0))
	if n := len(a.pushes()); n != 3 {
		t.Fatalf("pushes after resubscribe = %d, want still 3", n)
	}
	f.eng.DropConn(a)
	if len(f.eng.subs) != 1 {
		t.Fatalf("subs after drop = %d", len(f.eng.subs))
	}
	if _, err := f.eng.subAccPush(a, nil, &trdsubaccpush.C2S{AccIDList: []uint64{42}}); err == nil {
		t.Fatal("subscribing an unknown account succeeded")
	}
}

func TestLimitOrderPartialFillsOnTicks(t *testing.T) {
	f := newFixture(t, Config{MaxFillFraction: 0.5, Seed: 3})
	hk := hkSim()
	sub := &fakeSub{id: 1}
	subscribe(t, f.eng, sub, 1001)

	// Far from the market: booked, frozen, not filled, even after ticks.
	low := f.limitAt("HK.00700", 0.8)
	rest := f.mustPlace(placeReq(hk, sideBuy, typeLimit, "00700", 500, low))
	for range 20 {
		f.mkt.Step("HK.00700")
	}
	if o := f.order(hk, rest); o.GetOrderStatus() != statusSubmitted || o.GetFillQty() != 0 {
		t.Fatalf("resting order = %v", o)
	}
	if fz := f.funds(hk).GetFrozenCash(); !near(fz, 500*low) {
		t.Fatalf("frozen = %v, want %v", fz, 500*low)
	}

	// Marketable: fills in lots over several ticks, at the market price.
	high := f.limitAt("HK.00700", 1.2)
	id := f.mustPlace(placeReq(hk, sideBuy, typeLimit, "00700", 1000, high))
	if o := f.order(hk, id); o.GetOrderStatus() != statusFilledPart {
		t.Fatalf("after placement: %v, want Filled_Part", o)
	}
	for i := 0; i < 200 && f.order(hk, id).GetOrderStatus() != statusFilledAll; i++ {
		f.mkt.Step("HK.00700")
	}
	o := f.order(hk, id)
	if o.GetOrderStatus() != statusFilledAll || o.GetFillQty() != 1000 {
		t.Fatalf("final order = %v", o)
	}
	var qty, val float64
	var n int
	for _, fl := range f.fills(hk) {
		if fl.GetOrderID() != id {
			continue
		}
		n++
		if int(fl.GetQty())%100 != 0 || fl.GetPrice() > high {
			t.Fatalf("fill %v: not a lot multiple or above the limit", fl)
		}
		qty += fl.GetQty()
		val += fl.GetQty() * fl.GetPrice()
	}
	if n < 2 || qty != 1000 {
		t.Fatalf("%d fills for %v shares, want several summing to 1000", n, qty)
	}
	fu := f.funds(hk)
	// Only the resting order keeps cash frozen; the filled one released all of it.
	if !near(fu.GetFrozenCash(), 500*low) || !near(fu.GetCash(), 1_000_000-val) {
		t.Fatalf("funds = %v, want cash %v frozen %v", fu, 1_000_000-val, 500*low)
	}
	if !near(o.GetFillAvgPrice(), round6(val/1000)) {
		t.Fatalf("avg price %v, want %v", o.GetFillAvgPrice(), val/1000)
	}
	// Status pushes go Submitted -> Filled_Part... -> Filled_All, one fill push per fill.
	var statuses []int32
	var fillPushes int
	for _, p := range sub.pushes() {
		switch m := p.msg.(type) {
		case *trdupdateorder.Response:
			if m.GetS2C().GetOrder().GetOrderID() == id {
				statuses = append(statuses, m.GetS2C().GetOrder().GetOrderStatus())
			}
		case *trdupdateorderfill.Response:
			if m.GetS2C().GetOrderFill().GetOrderID() == id {
				fillPushes++
			}
		}
	}
	if fillPushes != n || statuses[0] != statusSubmitted || statuses[len(statuses)-1] != statusFilledAll {
		t.Fatalf("statuses %v, %d fill pushes for %d fills", statuses, fillPushes, n)
	}
	for _, s := range statuses[1 : len(statuses)-1] {
		if s != statusFilledPart {
			t.Fatalf("intermediate status %d in %v", s, statuses)
		}
	}
}

func TestLimitSellFillsWhenPriceReachesIt(t *testing.T) {
	f := newFixture(t, Config{MaxFillFraction: 1})
	us := header(EnvSimulate, 1002, TrdMarketUS)
	f.mustPlace(placeReq(us, sideBuy, typeMarket, "AAPL", 10, 0))
	cost := f.positions(us)[0].GetCostPrice()
	// A sell limit below the market is marketable at once (MaxFillFraction 1 may fill it whole).
	id := f.mustPlace(placeReq(us, sideSell, typeLimit, "AAPL", 4, f.limitAt("US.AAPL", 0.9)))
	for i := 0; i < 100 && f.order(us, id).GetOrderStatus() != statusFilledAll; i++ {
		f.mkt.Step("US.AAPL")
	}
	if o := f.order(us, id); o.GetOrderStatus() != statusFilledAll {
		t.Fatalf("sell = %v", o)
	}
	pos := f.positions(us)
	if len(pos) != 1 || pos[0].GetQty() != 6 || pos[0].GetCanSellQty() != 6 || !near(pos[0].GetCostPrice(), cost) {
		t.Fatalf("positions = %v", pos)
	}
	fu := f.funds(us)
	var sold float64
	for _, fl := range f.fills(us) {
		if fl.GetOrderID() == id {
			sold += fl.GetQty() * fl.GetPrice()
		}
	}
	if !near(fu.GetCash(), round6(200_000-10*cost+sold)) || !near(fu.GetRealizedPL(), round6(sold-4*cost)) {
		t.Fatalf("funds = %v, want cash %v realized %v", fu, 200_000-10*cost+sold, sold-4*cost)
	}
}
