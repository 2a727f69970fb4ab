package trade

import "slices"

// RestingOrder is the unfilled part of one open order with a limit price on the
// market (a limit order, or a stop or touched limit order once triggered): what
// it adds to the exchange's order book at its price.
type RestingOrder struct {
	Env   int32 // EnvSimulate or EnvReal of the account
	Buy   bool  // bid side (buy or buy back); otherwise ask side
	Price float64
	Qty   float64 // remaining quantity
}

// RestingOrders returns the open limit orders of every account on the security
// key ("HK.00700"), oldest first, so the quote side can show them in the book.
func (e *Engine) RestingOrders(key string) []RestingOrder {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []RestingOrder
	for _, o := range e.open[key] {
		if !o.open() || o.waiting() || !o.limited() || !(o.remaining() > 0) {
			continue
		}
		out = append(out, RestingOrder{
			Env:   o.acc.cfg.Env,
			Buy:   o.side == sideBuy || o.side == sideBuyBack,
			Price: o.price,
			Qty:   o.remaining(),
		})
	}
	return slices.Clip(out)
}
