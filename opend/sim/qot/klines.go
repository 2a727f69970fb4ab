package qot

import (
	"sync"
	"sync/atomic"

	"github.com/futugw/gateway/opend/sim/calendar"
	"github.com/futugw/gateway/opend/sim/klcal"
	"github.com/futugw/gateway/opend/sim/kline"
	"github.com/futugw/gateway/opend/sim/market"
)

// klineBook is the quote service's K-line state: one kline.History per market
// (the live day is the market's quotes' trading day, market.Quote.Date) and
// one Builder per security that someone asked K-lines of, fed by the market's
// ticks, that makes today's bars. History and live bars meet at today:
// history covers the trading days before it, the Builder today.
//
// When the market's quotes roll over to a new trading day, the first quote
// seen of that day replaces the market's History with its Roll to the new
// day: each security's history continues, the previous live day becoming its
// last closed day at the rolled quote's LastClose (the previous day's live
// close), made of its Builder's minutes when it had one, and the days before
// unchanged. The Builders of the old day are
// rebuilt on the next tick or pull.
//
// Builders are made on demand, not for every security: a load test may run
// tens of thousands of securities, and a Builder holds its year's day bars.
// A Builder made after the security has traded catches up from the live
// quote, so its day bar equals the quote's day exactly; the minutes before it
// was made stay flat at the open, their range and volume folded into the
// minute it was made in.
type klineBook struct {
	seed  int64
	m     *market.Market
	ticks atomic.Int64 // ticks seen, so tests know the listener runs

	mu   sync.Mutex
	hist map[int32]dayHistory
	live map[string]*liveBars
}

// liveBars is one security's Builder, its day, and the quote Seq it caught
// up to: ticks up to seq are already in it.
type liveBars struct {
	bl  *kline.Builder
	day calendar.Date
	seq int64
}

// dayHistory is a market's History and its live day.
type dayHistory struct {
	h   *kline.History
	day calendar.Date
}

func newKLineBook(seed int64, m *market.Market) *klineBook {
	return &klineBook{seed: seed, m: m,
		hist: make(map[int32]dayHistory), live: make(map[string]*liveBars)}
}

// series returns the history of a known security. The live walk's previous
// close anchors it, so the first live bar continues from the last history
// close.
func (b *klineBook) series(key string) (*kline.Series, bool) {
	q, ok := b.m.QuoteByKey(key)
	if !ok {
		return nil, false
	}
	b.mu.Lock()
	h, ok := b.hist[q.Market]
	switch today := q.Date.In(klcal.Of(q.Market).Location()); {
	case !ok:
		h = dayHistory{day: q.Date,
			h: kline.NewHistory(kline.Config{Seed: b.seed, Today: today, Calendar: klcal.Of})}
		b.hist[q.Market] = h
	case q.Date.After(h.day):
		h = dayHistory{day: q.Date, h: h.h.Roll(today)}
		b.hist[q.Market] = h
	}
	sec := kline.SecurityOf(q.Instrument, q.LastClose)
	if lb, ok := b.live[key]; ok && q.Date.After(lb.day) {
		sec.LastDay = lb.bl.Minutes() // the previous live day becomes history as it was
	}
	b.mu.Unlock()
	return h.h.Series(sec), true
}

// builder returns the security's Builder of day, nil if none was made.
func (b *klineBook) builder(key string, day calendar.Date) *kline.Builder {
	b.mu.Lock()
	defer b.mu.Unlock()
	if lb, ok := b.live[key]; ok && lb.day == day {
		return lb.bl
	}
	return nil
}

// ensure returns the series' Builder, making it if needed (or if the one
// there is of an earlier day).
func (b *klineBook) ensure(s *kline.Series) *kline.Builder {
	key := s.Security().Key
	day := calendar.DateOf(s.Today())
	if bl := b.builder(key, day); bl != nil {
		return bl
	}
	q, _ := b.m.QuoteByKey(key)
	bl := s.NewBuilder(q.Open) // the day's open never changes; built outside the lock
	b.mu.Lock()
	defer b.mu.Unlock()
	if lb, ok := b.live[key]; ok && !day.After(lb.day) {
		return lb.bl
	}
	// Read under the lock: a tick after this quote finds the entry and is
	// added; one before it is in the quote and skipped by onTick.
	q, _ = b.m.QuoteByKey(key)
	if q.Volume > 0 { // traded today
		catchUp(bl, q)
	} else {
		// Not traded yet: the open is the day's first point, so the time-share
		// (RT) has its current minute from the start.
		bl.Add(kline.Tick{Price: q.Cur, Time: q.Updated})
	}
	b.live[key] = &liveBars{bl: bl, day: day, seq: q.Seq}
	return bl
}

// catchUp folds the day so far into a new Builder: the high, the low, then
// the last price with the day's volume and turnover.
func catchUp(bl *kline.Builder, q market.Quote) {
	bl.Add(kline.Tick{Price: q.High, Time: q.Updated})
	bl.Add(kline.Tick{Price: q.Low, Time: q.Updated})
	bl.Add(kline.Tick{Price: q.Cur, Volume: q.Volume, Turnover: q.Turnover, Time: q.Updated})
}

// onTick feeds one market step to its security's Builder, making one when
// create is set (someone registered K-line pushes for it) or the one there is
// of an earlier day (a rollover). It returns the Builder, nil when there is
// none or the tick is not of the live day.
func (b *klineBook) onTick(q market.Quote, create bool) *kline.Builder {
	b.ticks.Add(1)
	b.mu.Lock()
	lb, ok := b.live[q.Key()]
	b.mu.Unlock()
	if ok && q.Date.After(lb.day) {
		ok, create = false, true
	}
	switch {
	case !ok && !create:
		return nil
	case !ok:
		s, _ := b.series(q.Key())
		return b.ensure(s)
	case q.Seq <= lb.seq:
		return lb.bl
	case !lb.bl.Add(kline.TickOf(q)):
		return nil
	}
	return lb.bl
}
