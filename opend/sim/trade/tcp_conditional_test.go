package trade

import (
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetorderlist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdmodifyorder"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdupdateorder"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdupdateorderfill"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim/market"
)

func (wc *wireClient) wireOrder(h *trdcommon.TrdHeader, id uint64) *trdcommon.Order {
	wc.t.Helper()
	var resp trdgetorderlist.Response
	if err := wc.call(protoid.TrdGetOrderList, &trdgetorderlist.Request{C2S: &trdgetorderlist.C2S{Header: h}}, &resp); err != nil {
		wc.t.Fatal(err)
	}
	for _, o := range resp.GetS2C().GetOrderList() {
		if o.GetOrderID() == id {
			return o
		}
	}
	return nil
}

func (wc *wireClient) modifyOp(h *trdcommon.TrdHeader, id uint64, op int32) error {
	var resp trdmodifyorder.Response
	return wc.call(protoid.TrdModifyOrder, &trdmodifyorder.Request{C2S: &trdmodifyorder.C2S{PacketID: wc.packet(), Header: h,
		OrderID: proto.Uint64(id), ModifyOrderOp: proto.Int32(op)}}, &resp)
}

// pushesFor reads pushes until order id reaches status last and wantFills
// fills were pushed for it (a fill follows its order update), returning the
// statuses and the fills pushed for it.
func (wc *wireClient) pushesFor(id uint64, last int32, wantFills int) ([]int32, []*trdcommon.OrderFill) {
	wc.t.Helper()
	var statuses []int32
	var fills []*trdcommon.OrderFill
	for range 1000 {
		f := wc.nextPush()
		switch f.ProtoID {
		case protoid.TrdUpdateOrder:
			var up trdupdateorder.Response
			if err := proto.Unmarshal(f.Body, &up); err != nil {
				wc.t.Fatal(err)
			}
			if o := up.GetS2C().GetOrder(); o.GetOrderID() == id {
				statuses = append(statuses, o.GetOrderStatus())
				if o.GetOrderStatus() == last && len(fills) >= wantFills {
					return statuses, fills
				}
			}
		case protoid.TrdUpdateOrderFill:
			var up trdupdateorderfill.Response
			if err := proto.Unmarshal(f.Body, &up); err != nil {
				wc.t.Fatal(err)
			}
			if fl := up.GetS2C().GetOrderFill(); fl.GetOrderID() == id {
				fills = append(fills, fl)
				if len(statuses) > 0 && statuses[len(statuses)-1] == last && len(fills) >= wantFills {
					return statuses, fills
				}
			}
		}
	}
	wc.t.Fatalf("order %d never reached status %d", id, last)
	return nil, nil
}

func TestTCPStopOrderTriggersAndPushes(t *testing.T) {
	_, m, addr := startSim(t, Config{MaxFillFraction: 1})
	wc := dialSim(t, addr)
	wc.subscribe(1002)
	us := header(EnvSimulate, 1002, TrdMarketUS)
	if _, err := wc.place(placeReq(us, sideBuy, typeMarket, "AAPL", 10, 0)); err != nil {
		t.Fatal(err)
	}
	q, _ := m.QuoteByKey("US.AAPL")
	aux := market.Snap(market.MarketUS, q.Cur*0.998)
	s2c, err := wc.place(condReq(us, sideSell, typeStop, "AAPL", 10, 0, aux))
	if err != nil {
		t.Fatal(err)
	}
	id := s2c.GetOrderID()
	var crossed float64
	for range 20_000 {
		q, _ := m.Step("US.AAPL")
		if q.Cur <= aux {
			crossed = q.Cur
			break
		}
	}
	if crossed == 0 {
		t.Fatal("the walk never reached the stop")
	}
	statuses, fills := wc.pushesFor(id, statusFilledAll, 1)
	if statuses[0] != statusSubmitted || len(fills) != 1 || fills[0].GetPrice() != crossed || fills[0].GetQty() != 10 {
		t.Fatalf("statuses %v, fills %v; want one fill of 10 at %v", statuses, fills, crossed)
	}
	o := wc.wireOrder(us, id)
	if o.GetOrderType() != typeStop || o.GetAuxPrice() != aux || o.GetOrderStatus() != statusFilledAll {
		t.Fatalf("order = %v", o)
	}

	// Disable, enable and cancel push each state; deleting hides the order.
	rest, err := wc.place(placeReq(us, sideBuy, typeLimit, "AAPL", 1, market.Snap(market.MarketUS, q.Cur*0.5)))
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range []int32{opDisable, opEnable, opCancel, opDelete} {
		if err := wc.modifyOp(us, rest.GetOrderID(), op); err != nil {
			t.Fatalf("op %d: %v", op, err)
		}
	}
	got, _ := wc.pushesFor(rest.GetOrderID(), statusDeleted, 0)
	want := []int32{statusSubmitted, statusDisabled, statusSubmitted, statusCancelledAll, statusDeleted}
	if len(got) != len(want) {
		t.Fatalf("pushed %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("pushed %v, want %v", got, want)
		}
	}
	if wc.wireOrder(us, rest.GetOrderID()) != nil {
		t.Fatal("deleted order still listed")
	}
	wantWireRefusal(t, wc.modifyOp(us, id, opCancel), codeOrder, "Filled_All")
}
