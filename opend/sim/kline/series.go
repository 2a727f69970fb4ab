package kline

import (
	"math"
	"math/rand/v2"
	"sort"
	"sync"
	"time"

	"github.com/futugw/gateway/opend/sim/market"
)

// phi is the daily mean reversion of the adjusted log price toward today's
// reference, so years of history stay within a plausible band.
const phi = 0.998

// Series is the deterministic history of one security: trading days back from
// today, each day's close, and the corporate actions. Closes come from a
// seeded walk of the forward-adjusted price, anchored at Security.LastClose on
// the last day and walked backwards; raw closes undo the later actions. A day's
// bars are generated from (seed, key, date) alone on demand. Immutable once
// built but for a cache of day bars behind a mutex, so safe for concurrent use.
type Series struct {
	sec   Security
	cal   Calendar
	loc   *time.Location
	seed  uint64
	today time.Time

	days     []time.Time // descending; days[0] is the last trading day before today
	served   int         // days[:served] have bars; days[served] is only a reference close
	raw      []float64   // raw close of days[k]
	acts     []Action    // ascending ExDate
	actIdx   []int       // index in days of each action's ex-date
	sigma    float64     // daily volatility
	baseLots float64     // typical lots traded a day
	lastDay  []Bar       // days[0]'s minutes as the live walk made them (roll.go); nil = generated

	mu       sync.Mutex
	dayState []uint8 // per days index: dayUnknown, dayKnown, dayNone
	dayBars  []Bar
}

func newSeries(cfg Config, sec Security) *Series {
	cal := cfg.Calendar(sec.Market)
	loc := cal.Location()
	y, m, d := cfg.Today.Date()
	s := &Series{sec: sec, cal: cal, loc: loc, seed: seedFor(cfg.Seed, sec.Key),
		today: time.Date(y, m, d, 0, 0, 0, 0, loc)}
	rng := rand.New(rand.NewPCG(s.seed, 0x5e71e5))
	s.sigma = 0.012 + 0.016*rng.Float64()
	p0 := sec.LastClose
	if p0 <= 0 {
		p0 = 10 + 90*rng.Float64()
	}
	p0 = market.Snap(sec.Market, p0)
	lot := float64(max(sec.LotSize, 1))
	notional := 2e8 * math.Exp(1.5*rng.Float64())
	s.baseLots = math.Max(notional/(p0*lot), 400)

	cutoff := s.today.AddDate(-cfg.Years, 0, 0)
	if !sec.Listed.IsZero() {
		ly, lm, ld := sec.Listed.Date()
		if l := time.Date(ly, lm, ld, 0, 0, 0, 0, loc); l.After(cutoff) {
			cutoff = l
		}
	}
	for day := s.today; ; {
		p, ok := PrevTradingDay(cal, day)
		if !ok {
			break
		}
		s.days = append(s.days, p)
		if p.Before(cutoff) {
			break
		}
		day = p
	}
	s.served = max(len(s.days)-1, 0)

	adj := make([]float64, len(s.days))
	x := 0.0
	for k := range adj {
		if k > 0 {
			x = phi*x + s.sigma*rng.NormFloat64()
		}
		adj[k] = p0 * math.Exp(x)
	}
	s.actions(rng, adj)
	s.raw = make([]float64, len(s.days))
	for k := range s.raw {
		s.raw[k] = market.Snap(sec.Market, s.unadjust(k, adj[k]))
	}
	return s
}

// actions draws a split or a dividend every one to three years, latest first,
// then stores them in ex-date order.
func (s *Series) actions(rng *rand.Rand, adj []float64) {
	var acts []Action
	var idx []int
	for k := 60 + rng.IntN(250); k < s.served; k += 250 + rng.IntN(500) {
		var a Action
		if rng.Float64() < 0.3 {
			erts := [...]int32{2, 3, 4, 5, 10}
			a = splitAction(s.days[k], 1, erts[rng.IntN(len(erts))])
		} else {
			// The day before the ex-date, in the units right after the action.
			pre := adj[k+1]
			for j := range acts {
				pre = acts[j].unforward(pre)
			}
			div := math.Round((0.005+0.025*rng.Float64())*pre*1000) / 1000
			if div < 0.001 {
				continue
			}
			a = dividendAction(s.days[k], div)
		}
		acts, idx = append(acts, a), append(idx, k)
	}
	for i, j := 0, len(acts)-1; i < j; i, j = i+1, j-1 {
		acts[i], acts[j] = acts[j], acts[i]
		idx[i], idx[j] = idx[j], idx[i]
	}
	s.acts, s.actIdx = acts, idx
}

// unadjust turns a forward-adjusted price of days[k] into the raw price by
// undoing every action whose ex-date is after that day, latest first.
func (s *Series) unadjust(k int, p float64) float64 {
	for i := len(s.acts) - 1; i >= 0 && s.actIdx[i] < k; i-- {
		p = s.acts[i].unforward(p)
	}
	return p
}

// lastClose is the reference close of days[k]: the previous trading day's
// close carried through an action whose ex-date is days[k].
func (s *Series) lastClose(k int) float64 {
	p := s.raw[k+1]
	for i, j := range s.actIdx {
		if j == k {
			p = s.acts[i].forward(p)
		}
	}
	return round6(p)
}

// index finds a served day; day is read as a date in the market's location.
func (s *Series) index(day time.Time) (int, bool) {
	day = Midnight(day, s.loc)
	i := sort.Search(s.served, func(i int) bool { return !s.days[i].After(day) })
	return i, i < s.served && s.days[i].Equal(day)
}

// Security returns the security this history describes.
func (s *Series) Security() Security { return s.sec }

// Calendar returns the market calendar of the series.
func (s *Series) Calendar() Calendar { return s.cal }

// Today is the live day (local midnight): history ends the trading day before.
func (s *Series) Today() time.Time { return s.today }

// LastClose is the close of the last history day, which the live walk's first
// open continues from (Security.LastClose on the tick grid).
func (s *Series) LastClose() float64 {
	if len(s.raw) == 0 {
		return 0
	}
	return s.raw[0]
}

// Span returns the first and last history days, false if there are none.
func (s *Series) Span() (first, last time.Time, ok bool) {
	if s.served == 0 {
		return time.Time{}, time.Time{}, false
	}
	return s.days[s.served-1], s.days[0], true
}

// Actions returns the corporate actions in ex-date order (Qot_RequestRehab).
func (s *Series) Actions() []Action { return append([]Action(nil), s.acts...) }
