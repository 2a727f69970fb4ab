package trade

import (
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/api/gen/go/futu/opend/trdmodifyorder"
)

// TestModifyOpsByStatus checks which ModifyOrderOp each order status takes.
func TestModifyOpsByStatus(t *testing.T) {
	type state int
	const (
		working state = iota
		disabled
		cancelled
		filled
		deleted
	)
	setup := func(f *fixture, s state) uint64 {
		hk := hkSim()
		low := f.limitAt("HK.00700", 0.8)
		if s == filled {
			return f.mustPlace(placeReq(hk, sideBuy, typeMarket, "00700", 100, 0))
		}
		id := f.mustPlace(placeReq(hk, sideBuy, typeLimit, "00700", 100, low))
		switch s {
		case disabled:
			mustModify(f, id, opDisable)
		case cancelled:
			mustModify(f, id, opCancel)
		case deleted:
			mustModify(f, id, opCancel)
			mustModify(f, id, opDelete)
		}
		return id
	}
	cases := []struct {
		from state
		op   int32
		want int32  // status after, or 0 when refused
		msg  string // refusal text
	}{
		{working, opNormal, statusSubmitted, ""},
		{working, opCancel, statusCancelledAll, ""},
		{working, opDisable, statusDisabled, ""},
		{working, opEnable, 0, "is not disabled"},
		{working, opDelete, 0, "cancel it before deleting"},
		{disabled, opNormal, 0, "can no longer be modified: its status is Disabled"},
		{disabled, opCancel, statusCancelledAll, ""},
		{disabled, opDisable, 0, "can no longer be disabled"},
		{disabled, opEnable, statusSubmitted, ""},
		{disabled, opDelete, statusDeleted, ""},
		{cancelled, opNormal, 0, "its status is Cancelled_All"},
		{cancelled, opCancel, 0, "can no longer be cancelled"},
		{cancelled, opEnable, 0, "is not disabled"},
		{cancelled, opDelete, statusDeleted, ""},
		{filled, opNormal, 0, "its status is Filled_All"},
		{filled, opCancel, 0, "its status is Filled_All"},
		{filled, opDisable, 0, "its status is Filled_All"},
		{filled, opDelete, statusDeleted, ""},
		{deleted, opCancel, 0, "unknown order id"},
		{deleted, opDelete, 0, "unknown order id"},
	}
	for _, c := range cases {
		name := statusName(map[state]int32{working: statusSubmitted, disabled: statusDisabled, cancelled: statusCancelledAll,
			filled: statusFilledAll, deleted: statusDeleted}[c.from]) + " op " + string(rune('0'+c.op))
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, Config{})
			hk := hkSim()
			id := setup(f, c.from)
			before := f.funds(hk)
			price := f.limitAt("HK.00700", 0.7)
			err := f.modify(hk, id, c.op, 200, price)
			if c.want == 0 {
				code := codeOrder
				wantRefusal(t, err, code, c.msg)
				if after := f.funds(hk); !proto.Equal(before, after) {
					t.Fatalf("refusal changed funds: %v -> %v", before, after)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.want == statusDeleted {
				for _, o := range f.orders(hk) {
					if o.GetOrderID() == id {
						t.Fatalf("deleted order still listed: %v", o)
					}
				}
				return
			}
			if o := f.order(hk, id); o.GetOrderStatus() != c.want {
				t.Fatalf("status = %s, want %s", statusName(o.GetOrderStatus()), statusName(c.want))
			}
		})
	}
}

func mustModify(f *fixture, id uint64, op int32) {
	f.t.Helper()
	if err := f.modify(hkSim(), id, op, 0, 0); err != nil {
		f.t.Fatalf("op %d: %v", op, err)
	}
}

func TestDisabledOrdersSitOutTheMarket(t *testing.T) {
	f := newFixture(t, Config{MaxFillFraction: 1})
	hk := hkSim()
	sub := &fakeSub{id: 1}
	subscribe(t, f.eng, sub, 1001)
	low := f.limitAt("HK.00700", 0.8)
	id := f.mustPlace(placeReq(hk, sideBuy, typeLimit, "00700", 100, low))
	mustModify(f, id, opDisable)
	if fz := f.funds(hk).GetFrozenCash(); !near(fz, 100*low) {
		t.Fatalf("a disabled order keeps its cash: frozen %v", fz)
	}
	// Re-pricing a disabled order is refused; enabled, it works again and fills
	// once it is marketable.
	wantRefusal(t, f.modify(hk, id, opNormal, 100, f.limitAt("HK.00700", 1.2)), codeOrder, "Disabled")
	mustModify(f, id, opEnable)
	if err := f.modify(hk, id, opNormal, 100, f.limitAt("HK.00700", 1.2)); err != nil {
		t.Fatal(err)
	}
	f.stepUntilFilled(hk, "HK.00700", id)
	var statuses []int32
	for _, p := range sub.pushes() {
		if o := orderOf(p); o != nil && o.GetOrderID() == id {
			statuses = append(statuses, o.GetOrderStatus())
		}
	}
	if len(statuses) < 4 || statuses[0] != statusSubmitted || statuses[1] != statusDisabled || statuses[2] != statusSubmitted ||
		statuses[len(statuses)-1] != statusFilledAll {
		t.Fatalf("pushed statuses = %v", statuses)
	}
}

func TestModifyConditionalTerms(t *testing.T) {
	f := newFixture(t, Config{})
	us := header(EnvSimulate, 1002, TrdMarketUS)
	above := f.limitAt("US.AAPL", 1.01)
	id := f.mustPlace(condReq(us, sideBuy, typeStopLimit, "AAPL", 10, f.limitAt("US.AAPL", 1.02), above))
	mod := func(aux, price float64) error {
		_, err := f.eng.modifyOrder(&trdmodifyorder.C2S{PacketID: f.packet(), Header: us, OrderID: proto.Uint64(id),
			ModifyOrderOp: proto.Int32(opNormal), Qty: proto.Float64(20), Price: proto.Float64(price), AuxPrice: proto.Float64(aux)})
		return err
	}
	higher := f.limitAt("US.AAPL", 1.02)
	if err := mod(higher, f.limitAt("US.AAPL", 1.03)); err != nil {
		t.Fatal(err)
	}
	o := f.order(us, id)
	if o.GetAuxPrice() != higher || o.GetQty() != 20 || !near(f.funds(us).GetFrozenCash(), 20*o.GetPrice()) {
		t.Fatalf("modified = %v, frozen %v", o, f.funds(us).GetFrozenCash())
	}
	wantRefusal(t, mod(f.limitAt("US.AAPL", 0.98), o.GetPrice()), codePrice, "must be above")
	if again := f.order(us, id); !proto.Equal(again, o) {
		t.Fatalf("refused modify changed the order: %v -> %v", o, again)
	}
	trail := f.mustPlace(trailReq(us, sideBuy, typeTrailingStop, "AAPL", 1, trailRatio, 1, 0))
	_, err := f.eng.modifyOrder(&trdmodifyorder.C2S{PacketID: f.packet(), Header: us, OrderID: proto.Uint64(trail),
		ModifyOrderOp: proto.Int32(opNormal), Qty: proto.Float64(2), TrailType: proto.Int32(trailAmount), TrailValue: proto.Float64(0.5)})
	if err != nil {
		t.Fatal(err)
	}
	if o := f.order(us, trail); o.GetTrailType() != trailAmount || o.GetTrailValue() != 0.5 || o.GetQty() != 2 {
		t.Fatalf("modified trailing order = %v", o)
	}
}

func TestCancelAllByMarketAndOp(t *testing.T) {
	f := newFixture(t, Config{})
	hk := hkSim()
	low := f.limitAt("HK.00700", 0.8)
	a := f.mustPlace(placeReq(hk, sideBuy, typeLimit, "00700", 100, low))
	b := f.mustPlace(placeReq(hk, sideBuy, typeLimit, "00700", 100, low))
	mustModify(f, b, opDisable)
	all := func(op, mkt int32) error {
		_, err := f.eng.modifyOrder(&trdmodifyorder.C2S{PacketID: f.packet(), Header: hk, OrderID: proto.Uint64(0),
			ModifyOrderOp: proto.Int32(op), ForAll: proto.Bool(true), TrdMarket: proto.Int32(mkt)})
		return err
	}
	wantRefusal(t, all(opDisable, 0), codeInvalidRequest, "forAll applies to modifyOrderOp 2")
	if err := all(opCancel, TrdMarketUS); err != nil {
		t.Fatal(err)
	}
	if o := f.order(hk, a); o.GetOrderStatus() != statusSubmitted {
		t.Fatalf("a US cancel-all touched an HK order: %v", o)
	}
	if err := all(opCancel, 0); err != nil {
		t.Fatal(err)
	}
	for _, id := range []uint64{a, b} {
		if o := f.order(hk, id); o.GetOrderStatus() != statusCancelledAll {
			t.Fatalf("after cancel all: %v", o)
		}
	}
	if fz := f.funds(hk).GetFrozenCash(); fz != 0 {
		t.Fatalf("frozen after cancel all = %v", fz)
	}
}
