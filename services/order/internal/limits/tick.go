package limits

import "math"

// hkTick is HKEX's spread table: the tick of prices up to each band's top.
func hkTick(price float64) float64 {
	bands := [...]struct{ upTo, tick float64 }{
		{0.25, 0.001}, {0.5, 0.005}, {10, 0.01}, {20, 0.02}, {100, 0.05}, {200, 0.1},
		{500, 0.2}, {1000, 0.5}, {2000, 1}, {5000, 2},
	}
	for _, b := range bands {
		if price <= b.upTo {
			return b.tick
		}
	}
	return 5
}

// TickSize returns the minimum price step at price in a security market: HKEX's
// spread table for HK, 0.01 for US (0.0001 below one dollar) and others.
func TickSize(secMarket string, price float64) float64 {
	switch secMarket {
	case "HK":
		return hkTick(price)
	case "US":
		if price < 1 {
			return 0.0001
		}
	}
	return 0.01
}

// OnTick reports whether price is positive, finite and on the tick grid.
func OnTick(secMarket string, price float64) bool {
	if !(price > 0) || math.IsInf(price, 0) {
		return false
	}
	n := price / TickSize(secMarket, price)
	return math.Abs(n-math.Round(n)) < 1e-6
}
