package kline

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/futugw/gateway/opend/sim/market"
)

// Minutes returns the unadjusted 1-minute bars of a history day, false for a
// day that is not a served trading day. The path runs through the plan's
// anchors (open, high, low, close) with Brownian-bridge noise between them,
// clamped to the day's range, so aggregating the minutes gives DayBar exactly.
func (s *Series) Minutes(day time.Time) ([]Bar, bool) {
	k, ok := s.index(day)
	if !ok {
		return nil, false
	}
	return s.minutesOf(k)
}

func (p *dayPlan) minutes() []Bar {
	rng := rand.New(rand.NewPCG(p.seed, 0x1e1))
	step := p.sigma * p.close / math.Sqrt(float64(p.n)) * 0.8
	points := p.path(rng, step)
	vols := make([]int64, p.n)
	p.volumes(func(i int, v int64) { vols[i] = v })
	out := make([]Bar, p.n)
	for i := range out {
		o, c := points[i], points[i+1]
		t, avg := p.minuteTurnover(i, vols[i])
		up := math.Max(o, c) + math.Abs(rng.NormFloat64())*step*0.3
		down := math.Min(o, c) - math.Abs(rng.NormFloat64())*step*0.3
		hi := math.Min(math.Max(snapUp(p.mkt, up), snapUp(p.mkt, avg)), p.high)
		lo := math.Max(math.Min(snapDown(p.mkt, down), snapDown(p.mkt, avg)), p.low)
		last := o
		if i == 0 {
			last = p.last
		}
		out[i] = Bar{Time: minuteStart(p.sessions, i).Add(time.Minute),
			Open: o, High: hi, Low: lo, Close: c, LastClose: last, Volume: vols[i], Turnover: t}
	}
	return out
}

// path returns the price at points 0..n: the anchors exactly, and between two
// anchors the skeleton plus a bridge that is zero at both ends, clamped to
// [low, high] and snapped to the tick grid.
func (p *dayPlan) path(rng *rand.Rand, step float64) []float64 {
	points := make([]float64, p.n+1)
	walk := make([]float64, p.n+1)
	for i := 1; i < len(p.anchors); i++ {
		a, b := p.anchors[i-1], p.anchors[i]
		w := 0.0
		for j := a.at + 1; j <= b.at; j++ {
			w += step * rng.NormFloat64()
			walk[j] = w
		}
		span := float64(b.at - a.at)
		for j := a.at + 1; j < b.at; j++ {
			bridge := walk[j] - walk[b.at]*float64(j-a.at)/span
			points[j] = clamp(market.Snap(p.mkt, p.skeleton(j)+bridge), p.low, p.high)
		}
		points[a.at], points[b.at] = a.price, b.price
	}
	return points
}
