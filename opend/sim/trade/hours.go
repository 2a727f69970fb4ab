package trade

import (
	"time"

	"github.com/futugw/gateway/opend/sim/market"
)

// fillsNow reports whether o may trigger and fill at now (Config.Fills). As
// in Futu, fillOutsideRTH counts for limit orders only. Callers hold mu.
func (e *Engine) fillsNow(o *order, now time.Time) bool {
	return e.cfg.Fills == nil || e.cfg.Fills(o.inst.Market, now, o.outsideRTH && o.limited())
}

// books reports whether an admitted or re-enabled order waits in the open
// book: every order but a market order that fills at once. A market order
// placed while its market is closed waits for the open. Callers hold mu.
func (e *Engine) books(o *order, now time.Time) bool {
	return o.typ != typeMarket || !e.fillsNow(o, now)
}

// checkSession refuses a US market order outside the regular session, as
// OpenD does: pre-market and after-hours take limit orders only.
func (e *Engine) checkSession(o *order, now time.Time) error {
	if o.typ != typeMarket || o.inst.Market != market.MarketUS || e.fillsNow(o, now) {
		return nil
	}
	return refuse(codeUnsupported, "US market orders trade in the regular session only (09:30-16:00 New York time); "+
		"place a limit order, with fillOutsideRTH to fill in pre-market and after-hours")
}
