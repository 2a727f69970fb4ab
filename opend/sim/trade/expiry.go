package trade

import (
	"cmp"
	"slices"
	"time"

	"github.com/futugw/gateway/opend/sim/calendar"
)

// dayClose is when a Day order placed at t stops working: the end of the
// last session of its trading day (the US after-hours end for fillOutsideRTH
// orders), or of the next trading day when t is after that or on a closed day.
func dayClose(qotMarket int32, t time.Time, outsideRTH bool) time.Time {
	m := calendar.Market(qotMarket)
	d := calendar.DateOf(t.In(calendar.Location(m)))
	for range 10 {
		var end time.Time
		for _, s := range calendar.Sessions(m, d) {
			if !outsideRTH && (s.Kind == calendar.SessionPreMarket || s.Kind == calendar.SessionAfterHours) {
				continue
			}
			if s.End.After(end) {
				end = s.End
			}
		}
		if !end.IsZero() && t.Before(end) {
			return end
		}
		d = calendar.NextTradingDay(m, d)
	}
	return time.Time{}
}

// expireDayOrders cancels the open Day orders whose market closed by now,
// appending their pushes to evs in order id order. Callers hold mu.
func (e *Engine) expireDayOrders(now time.Time, evs []event) []event {
	if e.nextExpiry.IsZero() || now.Before(e.nextExpiry) {
		return evs
	}
	var done []*order
	e.nextExpiry = time.Time{}
	for _, list := range e.open {
		for _, o := range list {
			if o.expires.IsZero() {
				continue
			}
			if !now.Before(o.expires) {
				done = append(done, o)
			} else {
				e.noteExpiry(o)
			}
		}
	}
	slices.SortFunc(done, func(x, y *order) int { return cmp.Compare(x.id, y.id) })
	for _, o := range done {
		e.cancelOrder(o, now)
		o.lastErr = "expired at the market close (time in force DAY)"
		evs = append(evs, orderEvent(o))
	}
	return evs
}

// noteExpiry records that o, now working, expires at its close. Callers hold mu.
func (e *Engine) noteExpiry(o *order) {
	if !o.expires.IsZero() && (e.nextExpiry.IsZero() || o.expires.Before(e.nextExpiry)) {
		e.nextExpiry = o.expires
	}
}

// ExpireDue cancels the Day orders whose close has passed and pushes their
// updates. Every tick does so before matching; call it when ticks may stop
// (every market closed under calendar hours) so orders still end on time.
func (e *Engine) ExpireDue() {
	e.mu.Lock()
	e.unlockAndPush(e.expireDayOrders(e.cfg.Now(), nil))
}
