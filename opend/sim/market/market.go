// Package market holds the simulator's securities and their prices: a fixed
// universe of HK and US stocks whose prices follow a seeded random walk on the
// exchange tick grid. It is pure logic with no network or goroutines.
package market

import (
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/futugw/gateway/opend/sim/calendar"
)

// Quote is the live state of one security.
type Quote struct {
	Instrument
	Cur, Open, High, Low, LastClose float64
	Volume                          int64
	Turnover                        float64
	LastVolume                      int64 // volume of the latest Step's trade
	Updated                         time.Time
	Seq                             int64 // number of Steps so far, starting at 0, never reset
	// Date is the market's trading day the day fields (Open to Turnover)
	// belong to, in the market's time zone (rollover.go).
	Date calendar.Date
}

// Config configures a Market.
type Config struct {
	Seed       int64
	Universe   []Instrument // nil = DefaultUniverse()
	Volatility float64      // standard deviation of one step's relative move; 0 = 0.001
	// ExtraSecurities appends this many generated HK equities (codes 80000 up, see
	// FirstGeneratedCode) to the universe, with their own reference prices;
	// clamped to [0, MaxGenerated].
	ExtraSecurities int
	// Prices optionally sets reference prices (previous close) by Key. Securities
	// without one use the built-in (or generated) reference or a seeded price
	// between 10 and 100.
	Prices map[string]float64
	// Now is the clock for Quote.Updated; nil = time.Now.
	Now func() time.Time
	// Kinds adds the index, ETF, warrant, CBBC, option and future universe of
	// kinds.go after the stocks; derived ones follow their underlying's walk
	// (Prices sets only the indices' and ETFs' levels).
	Kinds bool
	// Trading, when set, says whether securities of a QotMarket trade at an
	// instant of Now: Step leaves the others still. nil = always.
	Trading func(market int32, now time.Time) bool
}

// security is one instrument's mutable state and its own random source, so a
// security's price path depends only on the seed and how often it was stepped.
type security struct {
	q     Quote
	rng   *rand.Rand
	fresh bool // rolled over, no trade yet on Quote.Date
}

// Market is the universe and its prices. It is safe for concurrent use.
type Market struct {
	vol     float64
	now     func() time.Time
	trading func(market int32, now time.Time) bool
	list    []Instrument

	mu   sync.Mutex
	secs map[string]*security

	subMu  sync.Mutex
	nextID uint64
	subs   map[uint64]func(Quote)
}

// New builds a market at its opening state.
func New(cfg Config) *Market {
	universe := cfg.Universe
	if universe == nil {
		universe = DefaultUniverse()
	}
	if cfg.ExtraSecurities > 0 {
		universe = append(slices.Clone(universe), instruments(generated(cfg.ExtraSecurities))...)
	}
	refs := referencePrices(cfg.ExtraSecurities)
	if cfg.Kinds {
		universe, refs = withKinds(universe, refs, cfg.Now)
	}
	m := &Market{
		vol:     cfg.Volatility,
		now:     cfg.Now,
		trading: cfg.Trading,
		secs:    make(map[string]*security, len(universe)),
		subs:    make(map[uint64]func(Quote)),
	}
	if m.vol <= 0 {
		m.vol = 0.001
	}
	if m.now == nil {
		m.now = time.Now
	}
	start := m.now()
	for _, inst := range universe {
		key := inst.Key()
		if _, dup := m.secs[key]; dup {
			continue
		}
		rng := rand.New(rand.NewPCG(uint64(cfg.Seed), keyHash(key)))
		ref, ok := cfg.Prices[key]
		if !ok || ref <= 0 {
			ref, ok = refs[key]
		}
		if !ok {
			ref = 10 + rng.Float64()*90
		}
		last := Snap(inst.Market, ref)
		// The opening gap is a small seeded move away from the previous close.
		open := Snap(inst.Market, last*(1+rng.NormFloat64()*0.005))
		m.list = append(m.list, inst)
		m.secs[key] = &security{
			rng: rng,
			q: Quote{Instrument: inst, Cur: open, Open: open, High: open, Low: open,
				LastClose: last, Updated: start, Date: dayOf(inst.Market, start)},
		}
	}
	m.priceDerived()
	return m
}

func keyHash(key string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(key))
	return h.Sum64()
}

// Instruments returns the universe in its configured order (a copy).
func (m *Market) Instruments() []Instrument {
	return append([]Instrument(nil), m.list...)
}

// Instrument looks up one security.
func (m *Market) Instrument(market int32, code string) (Instrument, bool) {
	q, ok := m.Quote(market, code)
	return q.Instrument, ok
}

// Quote returns the current state of one security.
func (m *Market) Quote(market int32, code string) (Quote, bool) {
	return m.QuoteByKey(Key(market, code))
}

// QuoteByKey returns the current state of the security named "HK.00700",
// rolled over to the clock's trading day (rollover.go).
func (m *Market) QuoteByKey(key string) (Quote, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.secs[key]
	if !ok {
		return Quote{}, false
	}
	s.roll(m.now())
	return s.q, true
}

// Step advances one security's random walk by one trade and notifies the
// OnTick callbacks. It returns false for an unknown key, and the unchanged
// quote and false, notifying no one, while the security's market is not
// trading (Config.Trading).
func (m *Market) Step(key string) (Quote, bool) {
	m.mu.Lock()
	s, ok := m.secs[key]
	if !ok {
		m.mu.Unlock()
		return Quote{}, false
	}
	now := m.now()
	s.roll(now)
	if m.trading != nil && !m.trading(s.q.Market, now) {
		q := s.q
		m.mu.Unlock()
		return q, false
	}
	seq := s.q.Seq
	m.advance(s, now)
	s.opened(seq)
	q := s.q
	m.mu.Unlock()

	for _, fn := range m.callbacks() {
		fn(q)
	}
	return q, true
}

// OnTick registers fn to be called after every Step, outside the market's lock,
// on the goroutine that called Step. cancel removes it.
func (m *Market) OnTick(fn func(q Quote)) (cancel func()) {
	m.subMu.Lock()
	defer m.subMu.Unlock()
	m.nextID++
	id := m.nextID
	m.subs[id] = fn
	return func() {
		m.subMu.Lock()
		defer m.subMu.Unlock()
		delete(m.subs, id)
	}
}

func (m *Market) callbacks() []func(Quote) {
	m.subMu.Lock()
	defer m.subMu.Unlock()
	out := make([]func(Quote), 0, len(m.subs))
	for _, fn := range m.subs {
		out = append(out, fn)
	}
	return out
}
