package market

import (
	"math"
	"math/rand/v2"
	"time"
)

// meanReversion pulls the price back toward the previous close so long runs
// stay realistic instead of drifting to zero or doubling.
const meanReversion = 0.002

// step moves q by one simulated trade: a normally distributed relative move,
// snapped to the tick grid, and a volume of 1 to 20 lots.
func step(q *Quote, rng *rand.Rand, vol float64, now time.Time) {
	drift := -meanReversion * (q.Cur - q.LastClose) / q.LastClose
	move := q.Cur * (drift + vol*rng.NormFloat64())
	tick := TickSize(q.Market, q.Cur)
	ticks := math.Round(move / tick)
	next := Snap(q.Market, q.Cur+ticks*tick)

	lot := int64(q.LotSize)
	if lot <= 0 {
		lot = 1
	}
	qty := lot * int64(1+rng.IntN(20))

	q.Cur = next
	q.High = math.Max(q.High, next)
	q.Low = math.Min(q.Low, next)
	q.Volume += qty
	q.LastVolume = qty
	q.Turnover = clean(q.Turnover + float64(qty)*next)
	q.Updated = now
	q.Seq++
}
