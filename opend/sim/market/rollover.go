package market

import (
	"time"

	"github.com/futugw/gateway/opend/sim/calendar"
)

// A quote's day fields (Open, High, Low, Volume, Turnover) belong to one
// trading day of its market, Quote.Date. The day rolls over at local midnight
// (in the market's time zone, package calendar) of the market's next trading
// day: weekends and holidays keep the last trading day's quote, and the first
// read or Step on the new day starts it. Markets without a calendar never
// roll over.
//
// Rolling over makes the last price the new day's LastClose (unless nothing
// traded on the old day, whose LastClose then carries over), restarts Volume
// and Turnover, and sets Open, High and Low to the last price until the day's
// first trade, which sets all three to its price.

// dayOf returns now's date in market mkt's time zone.
func dayOf(mkt int32, now time.Time) calendar.Date {
	return calendar.DateOf(now.In(calendar.Location(calendar.Market(mkt))))
}

// roll starts the trading day of now if it is a later trading day than the
// quote's. The caller holds m.mu.
func (s *security) roll(now time.Time) {
	q := &s.q
	d := dayOf(q.Market, now)
	if !d.After(q.Date) || !calendar.IsTradingDay(calendar.Market(q.Market), d) {
		return
	}
	if q.Volume > 0 {
		q.LastClose = q.Cur
	}
	q.Open, q.High, q.Low = q.Cur, q.Cur, q.Cur
	q.Volume, q.Turnover, q.LastVolume = 0, 0, 0
	q.Date, q.Updated = d, now
	s.fresh = true
}

// opened ends a rolled-over quote's pre-open state after its day's first
// trade: the trade's price is the day's open, high and low.
func (s *security) opened(seq int64) {
	if !s.fresh || s.q.Seq == seq {
		return
	}
	s.q.Open, s.q.High, s.q.Low = s.q.Cur, s.q.Cur, s.q.Cur
	s.fresh = false
}
