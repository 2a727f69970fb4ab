package kline

import (
	"slices"
	"time"

	"github.com/futugw/gateway/opend/sim/market"
)

// Roll returns the History of a later live day, today, as the live walk
// moves on to a new trading day. A Series that h handed out continues in it:
// when today's previous trading day was h's live day, that day becomes the
// last history day, closing at the new Security.LastClose (the live day's
// last price), with Security.LastDay's minutes as its bars when given (a
// Builder's Minutes of that day), and every earlier day keeps its bars,
// closes and actions.
// Otherwise (days were skipped, or h never built the security's Series) the
// Series starts afresh, anchored at Security.LastClose as NewHistory's do.
// Only h's own Series carry over: h forgets the History it was rolled from.
func (h *History) Roll(today time.Time) *History {
	cfg := h.cfg
	cfg.Today = today
	n := NewHistory(cfg)
	h.mu.Lock()
	h.prev = nil
	h.mu.Unlock()
	n.prev = h
	return n
}

// rolled returns the Series of sec continued from h.prev's, nil if there is
// none to continue. The caller holds h.mu.
func (h *History) rolled(sec Security) *Series {
	if h.prev == nil {
		return nil
	}
	h.prev.mu.Lock()
	old, ok := h.prev.series[sec.Key]
	h.prev.mu.Unlock()
	if !ok {
		return nil
	}
	return old.next(h.cfg.Today, sec)
}

// next is s continued to the live day today, nil when today is not the
// trading day after s's live day (or after its last history day, when s's
// live day did not trade).
func (s *Series) next(today time.Time, sec Security) *Series {
	y, m, d := today.Date()
	today = time.Date(y, m, d, 0, 0, 0, 0, s.loc)
	prev, ok := PrevTradingDay(s.cal, today)
	if !ok || sec.LastClose <= 0 {
		return nil
	}
	n := &Series{sec: sec, cal: s.cal, loc: s.loc, seed: s.seed, today: today, sigma: s.sigma,
		baseLots: s.baseLots, acts: s.acts, served: s.served, days: s.days, raw: s.raw, actIdx: s.actIdx,
		lastDay: s.lastDay}
	switch {
	case len(s.days) > 0 && prev.Equal(s.days[0]) && market.Snap(sec.Market, sec.LastClose) == s.raw[0]:
		// s's live day did not trade: same history, a later today.
	case prev.Equal(s.today):
		n.days = append([]time.Time{prev}, s.days...)
		n.raw = append([]float64{market.Snap(sec.Market, sec.LastClose)}, s.raw...)
		n.actIdx = slices.Clone(s.actIdx)
		for i := range n.actIdx {
			n.actIdx[i]++
		}
		n.served = s.served + 1
		n.lastDay = completeLiveDay(sec.LastDay, s.cal.Sessions(prev), n.raw[0])
	default:
		return nil
	}
	return n
}

// completeLiveDay completes a live day's minute bars (Security.LastDay) to
// the whole of the day's sessions, the minutes after the last one flat at its
// close; nil when they do not fit the day or do not end at close, so the
// day's bars are generated instead.
func completeLiveDay(minutes []Bar, sessions []Session, close float64) []Bar {
	n, k := tradingMinutes(sessions), len(minutes)
	if k == 0 || k > n || minutes[k-1].Close != close ||
		!minutes[k-1].Time.Equal(minuteStart(sessions, k-1).Add(time.Minute)) {
		return nil
	}
	out := slices.Clone(minutes)
	for i := k; i < n; i++ {
		out = append(out, Bar{Time: minuteStart(sessions, i).Add(time.Minute),
			Open: close, High: close, Low: close, Close: close, LastClose: close})
	}
	return out
}

// minutesOf returns the 1-minute bars of days[k]: the live day's for the
// last history day of a rolled Series, generated ones otherwise.
func (s *Series) minutesOf(k int) ([]Bar, bool) {
	if k == 0 && s.lastDay != nil {
		return slices.Clone(s.lastDay), true
	}
	p, ok := s.plan(k)
	if !ok {
		return nil, false
	}
	return p.minutes(), true
}

// makeDayBar computes the bar of days[k]: its minutes folded for the live
// day of a rolled Series, the plan's otherwise.
func (s *Series) makeDayBar(k int) (Bar, bool) {
	if k == 0 && s.lastDay != nil {
		b := s.lastDay[0]
		for _, m := range s.lastDay[1:] {
			b = merge(b, m)
		}
		b.Time = s.days[0]
		return b, true
	}
	p, ok := s.plan(k)
	if !ok {
		return Bar{}, false
	}
	return p.bar(), true
}
