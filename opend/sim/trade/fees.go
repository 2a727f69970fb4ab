package trade

import (
	"github.com/futugw/gateway/opend/fees"
)

// execution is what fees are charged on: an order's filled shares and value.
type execution struct {
	market int32 // QotMarket
	side   int32 // TrdSide; SellShort pays as a sell, BuyBack as a buy
	shares float64
	value  float64
}

// charges returns what an execution costs under Futu's published schedule (package
// fees); nothing for an unfilled order. The simulator lists HK and US securities
// only, each with a schedule, so a market without one never reaches here; it would
// trade free.
func charges(x execution) []fees.Item {
	items, _, _ := fees.For(fees.Execution{Market: x.market, Sell: x.side == sideSell || x.side == sideSellShort,
		Shares: x.shares, Value: x.value})
	return items
}

// chargeFees debits a real account's cash with what o's fills so far cost
// beyond the fees already charged, so cash agrees with Trd_FlowSummary.
// Simulated accounts trade free, as Futu's paper trading does. Callers hold mu.
func (e *Engine) chargeFees(o *order) {
	if o.acc.cfg.Env != EnvReal {
		return
	}
	total := fees.Total(charges(execution{market: o.inst.Market, side: o.side, shares: o.filled, value: round6(o.fillVal)}))
	o.acc.cash = round6(o.acc.cash - (total - o.feesPaid))
	o.feesPaid = total
}
