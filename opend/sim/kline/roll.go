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
// last price), and every earlier day keeps its bars, closes and actions.
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
		baseLots: s.baseLots, acts: s.acts, served: s.served, days: s.days, raw: s.raw, actIdx: s.actIdx}
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
	default:
		return nil
	}
	return n
}
