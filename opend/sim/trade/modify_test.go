package trade

import (
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/api/gen/go/futu/opend/trdmodifyorder"
	"github.com/futugw/gateway/opend/protoid"
)

func TestCancelAndModify(t *testing.T) {
	f := newFixture(t, Config{MaxFillFraction: 0.5})
	hk := hkSim()
	sub := &fakeSub{id: 1}
	subscribe(t, f.eng, sub, 1001)

	low := f.limitAt("HK.00700", 0.8)
	id := f.mustPlace(placeReq(hk, sideBuy, typeLimit, "00700", 300, low))

	// Normal: a new qty and price re-freeze cash.
	lower := f.limitAt("HK.00700", 0.7)
	if err := f.modify(hk, id, opNormal, 500, lower); err != nil {
		t.Fatalf("modify: %v", err)
	}
	o := f.order(hk, id)
	if o.GetQty() != 500 || o.GetPrice() != lower || o.GetOrderStatus() != statusSubmitted {
		t.Fatalf("modified order = %v", o)
	}
	if fz := f.funds(hk).GetFrozenCash(); !near(fz, 500*lower) {
		t.Fatalf("frozen = %v, want %v", fz, 500*lower)
	}
	before := f.funds(hk)
	refusals := []struct {
		name       string
		qty, price float64
		code       int32
		msg        string
	}{
		{"odd lot", 550, lower, codeQty, "lot size"},
		{"off grid", 500, lower + 0.001, codePrice, "tick grid"},
		{"zero qty", 0, lower, codeQty, "positive"},
		{"too expensive", 100_000, lower, codeFunds, "insufficient buying power"},
	}
	for _, r := range refusals {
		wantRefusal(t, f.modify(hk, id, opNormal, r.qty, r.price), r.code, r.msg)
	}
	wantRefusal(t, f.modify(hk, id, 9, 0, 0), codeInvalidRequest, "invalid modifyOrderOp 9")
	wantRefusal(t, f.modify(hk, 12345, opCancel, 0, 0), codeOrder, "unknown order id 12345")
	wantRefusal(t, f.modify(header(EnvSimulate, 1002, TrdMarketUS), id, opCancel, 0, 0), codeOrder, "unknown order id")
	if after := f.funds(hk); !proto.Equal(before, after) {
		t.Fatalf("refused modifies changed funds: %v -> %v", before, after)
	}

	// Cancel releases the frozen cash; a second cancel is refused.
	if err := f.modify(hk, id, opCancel, 0, 0); err != nil {
		t.Fatalf("cancel: %v", err)
	}
	if o := f.order(hk, id); o.GetOrderStatus() != statusCancelledAll {
		t.Fatalf("cancelled order = %v", o)
	}
	if fz := f.funds(hk).GetFrozenCash(); fz != 0 {
		t.Fatalf("frozen after cancel = %v", fz)
	}
	wantRefusal(t, f.modify(hk, id, opCancel, 0, 0), codeOrder, "Cancelled_All")
	wantRefusal(t, f.modify(hk, id, opNormal, 100, lower), codeOrder, "Cancelled_All")
	last := sub.pushes()[len(sub.pushes())-1]
	if last.protoID != protoid.TrdUpdateOrder {
		t.Fatalf("last push = %d", last.protoID)
	}

	// Modifying to a marketable price fills the order.
	id2 := f.mustPlace(placeReq(hk, sideBuy, typeLimit, "00700", 100, low))
	if err := f.modify(hk, id2, opNormal, 100, f.limitAt("HK.00700", 1.1)); err != nil {
		t.Fatalf("modify to marketable: %v", err)
	}
	if o := f.order(hk, id2); o.GetOrderStatus() != statusFilledAll {
		t.Fatalf("order after marketable modify = %v", o)
	}
	wantRefusal(t, f.modify(hk, id2, opNormal, 200, low), codeOrder, "Filled_All")
}

func TestCancelPartlyFilled(t *testing.T) {
	f := newFixture(t, Config{MaxFillFraction: 0.5})
	hk := hkSim()
	id := f.mustPlace(placeReq(hk, sideBuy, typeLimit, "00700", 1000, f.limitAt("HK.00700", 1.1)))
	o := f.order(hk, id)
	if o.GetOrderStatus() != statusFilledPart {
		t.Fatalf("order = %v", o)
	}
	filled := o.GetFillQty()
	// Shrinking below the filled qty is refused.
	wantRefusal(t, f.modify(hk, id, opNormal, filled, o.GetPrice()), codeQty, "must exceed the filled qty")
	if err := f.modify(hk, id, opCancel, 0, 0); err != nil {
		t.Fatal(err)
	}
	o = f.order(hk, id)
	if o.GetOrderStatus() != statusCancelledPart || o.GetFillQty() != filled {
		t.Fatalf("cancelled = %v", o)
	}
	fu := f.funds(hk)
	if fu.GetFrozenCash() != 0 || !near(fu.GetCash(), 1_000_000-filled*o.GetFillAvgPrice()) {
		t.Fatalf("funds = %v", fu)
	}
	// Ticks no longer touch a cancelled order.
	for range 10 {
		f.mkt.Step("HK.00700")
	}
	if got := f.order(hk, id).GetFillQty(); got != filled {
		t.Fatalf("fill qty moved after cancel: %v -> %v", filled, got)
	}
}

func TestSellReservesPosition(t *testing.T) {
	f := newFixture(t, Config{})
	hk := hkSim()
	f.mustPlace(placeReq(hk, sideBuy, typeMarket, "00700", 500, 0))
	high := f.limitAt("HK.00700", 1.3)
	sell := f.mustPlace(placeReq(hk, sideSell, typeLimit, "00700", 300, high))
	pos := f.positions(hk)[0]
	if pos.GetQty() != 500 || pos.GetCanSellQty() != 200 {
		t.Fatalf("position = %v, want qty 500 canSell 200", pos)
	}
	_, err := f.place(placeReq(hk, sideSell, typeMarket, "00700", 300, 0))
	wantRefusal(t, err, codePosition, "can sell 200")
	wantRefusal(t, f.modify(hk, sell, opNormal, 600, high), codePosition, "can sell 200 more")
	if err := f.modify(hk, sell, opNormal, 400, high); err != nil {
		t.Fatal(err)
	}
	if got := f.positions(hk)[0].GetCanSellQty(); got != 100 {
		t.Fatalf("canSell after modify = %v, want 100", got)
	}
	if err := f.modify(hk, sell, opCancel, 0, 0); err != nil {
		t.Fatal(err)
	}
	if got := f.positions(hk)[0].GetCanSellQty(); got != 500 {
		t.Fatalf("canSell after cancel = %v, want 500", got)
	}
	// Selling everything closes the position.
	f.mustPlace(placeReq(hk, sideSell, typeMarket, "00700", 500, 0))
	if pos := f.positions(hk); len(pos) != 0 {
		t.Fatalf("positions after selling out = %v", pos)
	}
	fu := f.funds(hk)
	if fu.GetMarketVal() != 0 || !near(fu.GetTotalAssets(), fu.GetCash()) || !near(fu.GetCash()-1_000_000, fu.GetRealizedPL()) {
		t.Fatalf("funds after round trip = %v", fu)
	}
}

func TestCancelForAll(t *testing.T) {
	f := newFixture(t, Config{})
	hk := hkSim()
	low := f.limitAt("HK.00700", 0.8)
	for range 3 {
		f.mustPlace(placeReq(hk, sideBuy, typeLimit, "00700", 100, low))
	}
	_, err := f.eng.modifyOrder(&trdmodifyorder.C2S{PacketID: f.packet(), Header: hk, OrderID: proto.Uint64(0),
		ModifyOrderOp: proto.Int32(opCancel), ForAll: proto.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range f.orders(hk) {
		if o.GetOrderStatus() != statusCancelledAll {
			t.Fatalf("order after cancel all = %v", o)
		}
	}
	if fz := f.funds(hk).GetFrozenCash(); fz != 0 {
		t.Fatalf("frozen = %v", fz)
	}
}

func TestPositionValuation(t *testing.T) {
	f := newFixture(t, Config{})
	hk := hkSim()
	f.mustPlace(placeReq(hk, sideBuy, typeMarket, "00700", 100, 0))
	c1 := f.positions(hk)[0].GetCostPrice()
	for range 5 {
		f.mkt.Step("HK.00700")
	}
	c2 := f.cur("HK.00700")
	f.mustPlace(placeReq(hk, sideBuy, typeMarket, "00700", 300, 0))
	for range 5 {
		f.mkt.Step("HK.00700")
	}
	now := f.cur("HK.00700")
	p := f.positions(hk)[0]
	cost := (100*c1 + 300*c2) / 400
	if !near(p.GetCostPrice(), round6(cost)) || p.GetPrice() != now || !near(p.GetVal(), 400*now) ||
		!near(p.GetPlVal(), round6(400*now-400*cost)) {
		t.Fatalf("position = %v, want cost %v price %v", p, cost, now)
	}
	fu := f.funds(hk)
	if !near(fu.GetMarketVal(), 400*now) || !near(fu.GetTotalAssets(), fu.GetCash()+400*now) ||
		!near(fu.GetPower(), fu.GetCash()) || !near(fu.GetUnrealizedPL(), p.GetPlVal()) {
		t.Fatalf("funds = %v", fu)
	}
}
