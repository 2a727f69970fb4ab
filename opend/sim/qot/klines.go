package qot

import (
	"sync"
	"time"

	"github.com/futugw/gateway/opend/sim/kline"
	"github.com/futugw/gateway/opend/sim/market"
)

// klineBook is the quote service's K-line state: one kline.History per market
// (the live day is the clock's date in that market when the service was
// registered) and one Builder per security, fed by the market's ticks, that
// makes today's bars. History and live bars meet at today: history covers the
// trading days before it, the Builder today.
type klineBook struct {
	seed  int64
	start time.Time // the clock at Register time: each market's live day
	m     *market.Market

	mu       sync.Mutex
	hist     map[int32]*kline.History
	builders map[string]*kline.Builder
}

func newKLineBook(seed int64, start time.Time, m *market.Market) *klineBook {
	return &klineBook{seed: seed, start: start, m: m,
		hist: make(map[int32]*kline.History), builders: make(map[string]*kline.Builder)}
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
	if !ok {
		today := b.start.In(klCalendarOf(q.Market).Location())
		h = kline.NewHistory(kline.Config{Seed: b.seed, Today: today, Calendar: klCalendarOf})
		b.hist[q.Market] = h
	}
	b.mu.Unlock()
	return h.Series(kline.SecurityOf(q.Instrument, q.LastClose)), true
}

// builder returns the security's live bars, nil before its first tick.
func (b *klineBook) builder(key string) *kline.Builder {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.builders[key]
}

// onTick feeds one market step to its security's Builder, made on the first
// tick from the quote's open so today's day bar is the live quote's day.
// Ticks of another day than the live day are ignored by the Builder.
func (b *klineBook) onTick(q market.Quote) *kline.Builder {
	b.mu.Lock()
	bl, ok := b.builders[q.Key()]
	b.mu.Unlock()
	if !ok {
		s, _ := b.series(q.Key())
		bl = s.NewBuilder(q.Open)
		b.mu.Lock()
		if prev, raced := b.builders[q.Key()]; raced {
			bl = prev
		} else {
			b.builders[q.Key()] = bl
		}
		b.mu.Unlock()
	}
	if !bl.Add(kline.TickOf(q)) {
		return nil
	}
	return bl
}
