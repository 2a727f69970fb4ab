package sim

import (
	"math"

	"github.com/futugw/gateway/opend/sim/qot"
	"github.com/futugw/gateway/opend/sim/trade"
)

// ownOrders feeds the quote side's order book with the resting limit orders
// of the real-environment accounts. Orders of simulate (paper) accounts are
// left out: in OpenD they never reach the exchange, so its book never shows
// them.
func (s *Sim) ownOrders(key string) []qot.OwnOrder {
	if s.trade == nil { // quotes served before the trade half exists
		return nil
	}
	var out []qot.OwnOrder
	for _, o := range s.trade.RestingOrders(key) {
		if o.Env != trade.EnvReal {
			continue
		}
		out = append(out, qot.OwnOrder{Buy: o.Buy, Price: o.Price, Qty: int64(math.Round(o.Qty))})
	}
	return out
}
