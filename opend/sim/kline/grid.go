package kline

import (
	"math"

	"github.com/futugw/gateway/opend/sim/market"
)

// snapUp rounds p up to the tick grid of mkt.
func snapUp(mkt int32, p float64) float64 {
	t := market.TickSize(mkt, p)
	return round6(math.Ceil(p/t-1e-9) * t)
}

// snapDown rounds p down to the tick grid, at least one tick.
func snapDown(mkt int32, p float64) float64 {
	t := market.TickSize(mkt, p)
	v := round6(math.Floor(p/t+1e-9) * t)
	if v <= 0 {
		return market.TickSize(mkt, 0)
	}
	return v
}

func clamp(v, lo, hi float64) float64 { return math.Min(math.Max(v, lo), hi) }

// mix is splitmix64: a cheap, well-spread hash for per-minute jitter.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// unit maps a hash to [0, 1).
func unit(h uint64) float64 { return float64(h>>11) / (1 << 53) }
