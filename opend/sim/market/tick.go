package market

import "math"

func hkTick(price float64) float64 {
	switch {
	case price <= 0.25:
		return 0.001
	case price <= 0.5:
		return 0.005
	case price <= 10:
		return 0.01
	case price <= 20:
		return 0.02
	case price <= 100:
		return 0.05
	case price <= 200:
		return 0.1
	case price <= 500:
		return 0.2
	case price <= 1000:
		return 0.5
	case price <= 2000:
		return 1
	case price <= 5000:
		return 2
	default:
		return 5
	}
}

// TickSize returns the minimum price step at price: the HKEX spread table for
// HK, 0.01 for US and anything else.
func TickSize(market int32, price float64) float64 {
	if market == MarketHK {
		return hkTick(price)
	}
	return 0.01
}

// ValidPrice reports whether price is positive and lies on the tick grid.
func ValidPrice(market int32, price float64) bool {
	if !(price > 0) || math.IsInf(price, 0) {
		return false
	}
	t := TickSize(market, price)
	n := price / t
	return math.Abs(n-math.Round(n)) < 1e-6
}

// Snap rounds price to the nearest valid tick (at least one tick above zero).
func Snap(market int32, price float64) float64 {
	if !(price > 0) {
		price = 0
	}
	t := TickSize(market, price)
	p := clean(math.Round(price/t) * t)
	if p <= 0 {
		p = TickSize(market, 0)
	}
	// Rounding up can cross into a band with a coarser tick; band boundaries are
	// multiples of both ticks, so the result is still on the grid.
	return p
}

// clean removes float noise such as 480.20000000000005.
func clean(v float64) float64 {
	return math.Round(v*1e6) / 1e6
}
