package kline

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/futugw/gateway/opend/sim/market"
)

// dayPlan is what a day's generator decides before any minute exists: the
// day's OHLC, where the high and the low happen, the volume, and the price
// skeleton (straight lines through open, high, low and close) that the minute
// path follows and that prices each minute's turnover. A plan takes a handful
// of random draws and the day bar only sums volume × skeleton price per
// minute, so day bars of years never generate a minute path.
type dayPlan struct {
	day       time.Time
	sessions  []Session
	n         int // trading minutes
	mkt       int32
	lot       int64
	seed      uint64 // (security, date) stream
	sigma     float64
	last      float64
	open      float64
	high, low float64
	close     float64
	anchors   [4]anchor // sorted by point
	lots      int64     // lots traded in the day
}

// anchor pins the path: the price at point at (point i is the end of minute
// i-1; point 0 the open, point n the close).
type anchor struct {
	at    int
	price float64
}

func (s *Series) plan(k int) (dayPlan, bool) {
	day := s.days[k]
	sessions := s.cal.Sessions(day)
	n := tradingMinutes(sessions)
	if n < 3 {
		return dayPlan{}, false
	}
	p := dayPlan{day: day, sessions: sessions, n: n, mkt: s.sec.Market,
		lot: int64(max(s.sec.LotSize, 1)), sigma: s.sigma,
		seed: mix(s.seed ^ dayNumber(day)), last: s.lastClose(k), close: s.raw[k]}
	rng := rand.New(rand.NewPCG(p.seed, 0xda7))
	p.open = market.Snap(p.mkt, p.last*(1+0.25*s.sigma*rng.NormFloat64()))
	top, bottom := math.Max(p.open, p.close), math.Min(p.open, p.close)
	p.high = math.Max(market.Snap(p.mkt, top*(1+0.5*s.sigma*math.Abs(rng.NormFloat64()))), top)
	p.low = math.Min(snapDown(p.mkt, bottom*(1-0.5*s.sigma*math.Abs(rng.NormFloat64()))), bottom)
	hiAt := 1 + rng.IntN(n-1)
	loAt := 1 + rng.IntN(n-2)
	if loAt >= hiAt {
		loAt++
	}
	p.anchors = [4]anchor{{0, p.open}, {hiAt, p.high}, {loAt, p.low}, {n, p.close}}
	if loAt < hiAt {
		p.anchors[1], p.anchors[2] = p.anchors[2], p.anchors[1]
	}
	p.lots = max(int64(s.baseLots*math.Exp(0.35*rng.NormFloat64())), int64(n))
	return p, true
}

// skeleton is the straight-line price at point j.
func (p *dayPlan) skeleton(j int) float64 {
	for i := 1; i < len(p.anchors); i++ {
		a, b := p.anchors[i-1], p.anchors[i]
		if j <= b.at {
			return a.price + (b.price-a.price)*float64(j-a.at)/float64(b.at-a.at)
		}
	}
	return p.close
}

// volumes splits the day's lots over its minutes, calling fn for each in
// order: a U shape (busy open and close) with hashed jitter, the rounding
// remainder spread evenly. It allocates nothing, so day bars stay cheap.
func (p *dayPlan) volumes(fn func(i int, vol int64)) {
	weight := func(i int) float64 {
		x := 2*float64(i)/float64(p.n-1) - 1
		return (1 + 1.2*x*x) * (0.5 + unit(mix(p.seed^uint64(i)<<1)))
	}
	total := 0.0
	for i := range p.n {
		total += weight(i)
	}
	var used int64
	for i := range p.n {
		used += int64(float64(p.lots) * weight(i) / total)
	}
	// Minute i gets one more lot when some j < r has j*n/r == i.
	r := int(p.lots - used)
	upTo := func(i int) int { return min(r, ((i+1)*r+p.n-1)/p.n) } // #j with j*n/r <= i
	for i := range p.n {
		extra := upTo(i)
		if i > 0 {
			extra -= upTo(i - 1)
		}
		fn(i, (int64(float64(p.lots)*weight(i)/total)+int64(extra))*p.lot)
	}
}

// minuteTurnover is the turnover of minute i: its volume at the skeleton's
// mean price over the minute, which the minute's range always contains.
func (p *dayPlan) minuteTurnover(i int, vol int64) (float64, float64) {
	avg := (p.skeleton(i) + p.skeleton(i+1)) / 2
	return float64(vol) * avg, avg
}

// bar is the day bar: exactly what aggregating the day's minutes gives.
func (p *dayPlan) bar() Bar {
	b := Bar{Time: p.day, Open: p.open, High: p.high, Low: p.low, Close: p.close, LastClose: p.last}
	p.volumes(func(i int, v int64) {
		t, _ := p.minuteTurnover(i, v)
		b.Volume += v
		b.Turnover += t
	})
	return b
}

// DayBar returns the unadjusted bar of a history day, false for a day that is
// not a served trading day. No minute path is generated; the bar is cached.
func (s *Series) DayBar(day time.Time) (Bar, bool) {
	k, ok := s.index(day)
	if !ok {
		return Bar{}, false
	}
	return s.dayBar(k)
}

// dayBar is the bar of days[k], computed once: the plan costs O(1) random
// draws but pricing the day's turnover walks its minutes' volumes, so a
// years-long daily history is cached per series.
func (s *Series) dayBar(k int) (Bar, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dayState == nil {
		s.dayState = make([]uint8, s.served)
		s.dayBars = make([]Bar, s.served)
	}
	switch s.dayState[k] {
	case dayKnown:
		return s.dayBars[k], true
	case dayNone:
		return Bar{}, false
	}
	b, ok := s.makeDayBar(k)
	if !ok {
		s.dayState[k] = dayNone
		return Bar{}, false
	}
	s.dayBars[k], s.dayState[k] = b, dayKnown
	return s.dayBars[k], true
}

// States of a cached day bar.
const (
	dayUnknown uint8 = iota
	dayKnown
	dayNone
)

// DayBars returns the unadjusted day bars of the history days in [from, to].
func (s *Series) DayBars(from, to time.Time) []Bar {
	var out []Bar
	s.eachDay(from, to, func(k int) bool {
		if b, ok := s.dayBar(k); ok {
			out = append(out, b)
		}
		return true
	})
	return out
}

// eachDay calls fn with the index of every served day in [from, to] in time
// order until fn returns false.
func (s *Series) eachDay(from, to time.Time, fn func(k int) bool) {
	first := Midnight(from, s.loc)
	k, _ := s.index(first) // first day at or before from
	if k < s.served && s.days[k].Before(first) {
		k--
	}
	k = min(k, s.served-1)
	for ; k >= 0 && !s.days[k].After(to); k-- {
		if !fn(k) {
			return
		}
	}
}
