package trade

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/api/gen/go/futu/opend/trdflowsummary"
	"github.com/futugw/gateway/opend/fees"
	"github.com/futugw/gateway/opend/sim/calendar"
	"github.com/futugw/gateway/opend/sim/market"
)

// Trd_FlowSummary.TrdCashFlowDirection values.
const (
	flowIn  int32 = 1
	flowOut int32 = 2
)

// Cash flow types the simulator books: the trade's consideration and its fees.
const (
	flowTypeTrade = "Trade"
	flowTypeFee   = "Fee"
)

// settlementLag is the settlement cycle in trading days: HK T+2, US T+1.
func settlementLag(qm int32) int {
	if qm == market.MarketUS {
		return 1
	}
	return 2
}

// getFlowSummary handles Trd_FlowSummary 2226: the cash movements of one
// clearing date (yyyy-MM-dd, the trade date): per order with fills that day,
// the consideration (sells in, buys out) and the fees (out). Amounts are
// signed like Futu's: positive in, negative out. Fees are reported here and in
// Trd_GetOrderFee but not deducted from the simulated cash balance.
func (e *Engine) getFlowSummary(c2s *trdflowsummary.C2S) (*trdflowsummary.S2C, error) {
	d, err := calendar.ParseDate(strings.TrimSpace(c2s.GetClearingDate()))
	if err != nil {
		return nil, refuse(codeInvalidRequest, "invalid clearingDate %q: use yyyy-MM-dd", c2s.GetClearingDate())
	}
	dir := c2s.GetCashFlowDirection()
	if dir != 0 && dir != flowIn && dir != flowOut {
		return nil, refuse(codeInvalidRequest, "invalid cashFlowDirection %d (0 all, 1 in, 2 out)", dir)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	a, err := e.account(c2s.GetHeader())
	if err != nil {
		return nil, err
	}
	s2c := &trdflowsummary.S2C{Header: a.header(c2s.GetHeader().GetTrdMarket())}
	idx := slices.Index(e.accList, a)
	now := e.cfg.Now()
	for _, tm := range a.cfg.Markets {
		qm, ok := qotMarket(tm)
		if !ok {
			continue
		}
		loc := marketLoc(qm)
		today := calendar.DateOf(now.In(loc))
		var orders []*order
		var fills []*fill
		switch {
		case d == today:
			orders, fills = a.orders, a.fills
		case d.Before(today) && now.Sub(d.In(loc)) <= historyDepth:
			pd := e.past.day(a, idx, qm, d)
			orders, fills = pd.orders, pd.fills
		}
		for _, o := range orders {
			if o.inst.Market != qm {
				continue
			}
			var mine []*fill
			for _, f := range fills {
				if f.ord == o && calendar.DateOf(f.at.In(loc)) == d {
					mine = append(mine, f)
				}
			}
			if len(mine) == 0 {
				continue
			}
			for _, fl := range flowsOf(o, mine, d, loc) {
				if dir == 0 || fl.GetCashFlowDirection() == dir {
					s2c.FlowSummaryInfoList = append(s2c.FlowSummaryInfoList, fl)
				}
			}
		}
	}
	return s2c, nil
}

// flowsOf books one order's fills of clearing date d: the consideration and
// the fees, settling after the market's cycle.
func flowsOf(o *order, fills []*fill, d calendar.Date, loc *time.Location) []*trdflowsummary.FlowSummaryInfo {
	x := executionOf(o, fills)
	settle := d
	for range settlementLag(o.inst.Market) {
		settle = calendar.NextTradingDay(calendar.Market(o.inst.Market), settle)
	}
	last := fills[len(fills)-1].at
	amount, dir, verb := -x.value, flowOut, "Buy"
	if o.side == sideSell || o.side == sideSellShort {
		amount, dir, verb = x.value, flowIn, "Sell"
	}
	info := func(n uint64, typ string, dir int32, amount float64, remark string) *trdflowsummary.FlowSummaryInfo {
		return &trdflowsummary.FlowSummaryInfo{
			ClearingDate:      proto.String(d.String()),
			SettlementDate:    proto.String(settle.String()),
			Currency:          proto.Int32(o.inst.Currency),
			CashFlowType:      proto.String(typ),
			CashFlowDirection: proto.Int32(dir),
			CashFlowAmount:    proto.Float64(round6(amount)),
			CashFlowRemark:    proto.String(remark),
			CashFlowID:        proto.Uint64(o.id*10 + n),
			CreateTime:        proto.String(fmtTime(last.In(loc))),
		}
	}
	out := []*trdflowsummary.FlowSummaryInfo{info(1, flowTypeTrade, dir, amount,
		fmt.Sprintf("%s %g %s %s, order %s", verb, x.shares, o.inst.Key(), o.inst.Name, o.idEx))}
	if total := fees.Total(charges(x)); total > 0 {
		out = append(out, info(2, flowTypeFee, flowOut, -total, "Fees of order "+o.idEx))
	}
	return out
}
