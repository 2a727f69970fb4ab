package trade

import (
	"fmt"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdflowsummary"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetorderfee"
	"github.com/futugw/gateway/opend/fees"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim/market"
)

func (wc *wireClient) orderFees(h *trdcommon.TrdHeader, ids ...string) ([]*trdcommon.OrderFee, error) {
	var resp trdgetorderfee.Response
	err := wc.call(protoid.TrdGetOrderFee, &trdgetorderfee.Request{C2S: &trdgetorderfee.C2S{Header: h, OrderIdExList: ids}}, &resp)
	return resp.GetS2C().GetOrderFeeList(), err
}

func (wc *wireClient) flows(h *trdcommon.TrdHeader, date string, dir int32) ([]*trdflowsummary.FlowSummaryInfo, error) {
	c2s := &trdflowsummary.C2S{Header: h, ClearingDate: proto.String(date)}
	if dir != 0 {
		c2s.CashFlowDirection = proto.Int32(dir)
	}
	var resp trdflowsummary.Response
	err := wc.call(protoid.TrdFlowSummary, &trdflowsummary.Request{C2S: c2s}, &resp)
	return resp.GetS2C().GetFlowSummaryInfoList(), err
}

// wantFees checks an OrderFee against the schedule applied to the fills.
func wantFees(t *testing.T, of *trdcommon.OrderFee, mkt, side int32, fills []*trdcommon.OrderFill) {
	t.Helper()
	x := execution{market: mkt, side: side}
	for _, f := range fills {
		x.shares += f.GetQty()
		x.value += f.GetQty() * f.GetPrice()
	}
	x.value = round6(x.value)
	items := charges(x)
	if !near(of.GetFeeAmount(), fees.Total(items)) || len(of.GetFeeList()) != len(items) {
		t.Fatalf("fee %v, want %v from %v", of, items, x)
	}
	for i, it := range items {
		if of.GetFeeList()[i].GetTitle() != it.Title || !near(of.GetFeeList()[i].GetValue(), it.Value) {
			t.Fatalf("fee item %d = %v, want %v", i, of.GetFeeList()[i], it)
		}
	}
}

func TestTCPOrderFeesAndFlowSummary(t *testing.T) {
	_, _, addr := startSim(t, Config{Seed: 5, Now: func() time.Time { return histNow }})
	wc := dialSim(t, addr)
	wc.unlock()
	hk := header(EnvReal, 2001, TrdMarketHK)

	placed, err := wc.place(placeReq(hk, sideBuy, typeMarket, "00700", 300, 0))
	if err != nil {
		t.Fatal(err)
	}
	rest, err := wc.place(placeReq(hk, sideBuy, typeLimit, "00700", 100, 1))
	if err != nil {
		t.Fatal(err)
	}
	fills, _ := wc.historyFills(hk, &trdcommon.TrdFilterConditions{BeginTime: proto.String("2025-03-05 00:00:00")})
	got, err := wc.orderFees(hk, placed.GetOrderIDEx(), rest.GetOrderIDEx())
	if err != nil || len(got) != 2 {
		t.Fatalf("fees: %v, %v", got, err)
	}
	wantFees(t, got[0], market.MarketHK, sideBuy, fills)
	if got[0].GetOrderIDEx() != placed.GetOrderIDEx() || got[0].GetFeeList()[2].GetTitle() != fees.StampDuty {
		t.Fatalf("fee = %v", got[0])
	}
	if got[1].GetFeeAmount() != 0 || len(got[1].GetFeeList()) != 0 {
		t.Fatalf("unfilled order fee = %v", got[1])
	}

	// An earlier day's sell pays fees on its fills, found by its id alone.
	past, _ := wc.historyOrders(hk, nil, statusFilledAll)
	var sell *trdcommon.Order
	for _, o := range past {
		if o.GetTrdSide() == sideSell {
			sell = o
		}
	}
	if sell == nil {
		t.Fatal("no past sell")
	}
	sellFills, _ := wc.historyFills(hk, nil)
	var mine []*trdcommon.OrderFill
	for _, f := range sellFills {
		if f.GetOrderID() == sell.GetOrderID() {
			mine = append(mine, f)
		}
	}
	pf, err := wc.orderFees(hk, sell.GetOrderIDEx())
	if err != nil {
		t.Fatal(err)
	}
	wantFees(t, pf[0], market.MarketHK, sideSell, mine)

	many := make([]string, maxFeeOrders+1)
	for i := range many {
		many[i] = placed.GetOrderIDEx()
	}
	for _, c := range []struct {
		name string
		h    *trdcommon.TrdHeader
		ids  []string
		code int32
		msg  string
	}{
		{"empty", hk, nil, codeInvalidRequest, "orderIdExList is empty"},
		{"too many", hk, many, codeInvalidRequest, "at most 400"},
		{"unknown", hk, []string{"SIM12345"}, codeOrder, "unknown orderIDEx"},
		{"garbage", hk, []string{"x"}, codeOrder, "unknown orderIDEx"},
		{"other account", header(EnvReal, 2002, TrdMarketUS), []string{placed.GetOrderIDEx()}, codeOrder, "unknown orderIDEx"},
		{"simulated account", hkSim(), []string{placed.GetOrderIDEx()}, codeUnsupported, "not available for simulated accounts"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := wc.orderFees(c.h, c.ids...)
			wantWireRefusal(t, err, c.code, c.msg)
		})
	}

	// Today's flows: the buy's consideration and its fees, settling T+2.
	fl, err := wc.flows(hk, "2025-03-05", 0)
	if err != nil || len(fl) != 2 {
		t.Fatalf("today's flows = %v, %v", fl, err)
	}
	var value float64
	for _, f := range fills {
		value += f.GetQty() * f.GetPrice()
	}
	if f := fl[0]; f.GetCashFlowType() != flowTypeTrade || f.GetCashFlowDirection() != flowOut ||
		!near(f.GetCashFlowAmount(), -round6(value)) || f.GetSettlementDate() != "2025-03-07" || f.GetCurrency() != market.CurrencyHKD {
		t.Fatalf("trade flow = %v, want -%v settling 2025-03-07", f, value)
	}
	if f := fl[1]; f.GetCashFlowType() != flowTypeFee || !near(f.GetCashFlowAmount(), -got[0].GetFeeAmount()) {
		t.Fatalf("fee flow = %v, want -%v", f, got[0].GetFeeAmount())
	}
	// Real accounts pay their fees: cash moved by exactly today's flows.
	if cash := wc.funds(hk).GetCash(); !near(cash, round6(1_000_000+fl[0].GetCashFlowAmount()+fl[1].GetCashFlowAmount())) {
		t.Fatalf("cash %v does not match the flows %v", cash, fl)
	}
	if in, _ := wc.flows(hk, "2025-03-05", flowIn); len(in) != 0 {
		t.Fatalf("inflows on a buying day = %v", in)
	}

	// An earlier day: the trade flows net to the day's signed fills.
	day := sell.GetCreateTime()[:10]
	dayFlows, err := wc.flows(hk, day, 0)
	if err != nil {
		t.Fatal(err)
	}
	dayFills, _ := wc.historyFills(hk, &trdcommon.TrdFilterConditions{
		BeginTime: proto.String(day + " 00:00:00"), EndTime: proto.String(day + " 23:59:59")})
	side := map[uint64]int32{}
	for _, o := range past {
		side[o.GetOrderID()] = o.GetTrdSide()
	}
	all, _ := wc.historyOrders(hk, nil)
	for _, o := range all {
		side[o.GetOrderID()] = o.GetTrdSide()
	}
	var net, flowNet float64
	for _, f := range dayFills {
		v := f.GetQty() * f.GetPrice()
		if side[f.GetOrderID()] == sideBuy {
			v = -v
		}
		net += v
	}
	for _, f := range dayFlows {
		if f.GetCashFlowType() == flowTypeTrade {
			flowNet += f.GetCashFlowAmount()
		}
		if f.GetClearingDate() != day {
			t.Fatalf("flow %v not of %s", f, day)
		}
	}
	if len(dayFlows) == 0 || !near(round6(net), round6(flowNet)) {
		t.Fatalf("%s: flows net %v, fills net %v (%d flows)", day, flowNet, net, len(dayFlows))
	}

	for _, c := range []struct {
		date string
		dir  int32
		msg  string
	}{
		{"2025/03/05", 0, "invalid clearingDate"},
		{"", 0, "invalid clearingDate"},
		{"2025-03-05", 3, "invalid cashFlowDirection"},
	} {
		t.Run(fmt.Sprintf("flow %q %d", c.date, c.dir), func(t *testing.T) {
			_, err := wc.flows(hk, c.date, c.dir)
			wantWireRefusal(t, err, codeInvalidRequest, c.msg)
		})
	}
	if future, err := wc.flows(hk, "2025-03-10", 0); err != nil || len(future) != 0 {
		t.Fatalf("future flows = %v, %v", future, err)
	}
}
