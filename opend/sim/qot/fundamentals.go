package qot

import (
	"math"

	"github.com/futugw/gateway/opend/sim/market"
)

// bidAskRatio is the order book imbalance over its ten levels, in percent:
// (bid volume - ask volume) / (bid volume + ask volume).
func bidAskRatio(q market.Quote) float64 {
	asks, bids := book(q)
	var a, b float64
	for _, l := range asks {
		a += float64(l.volume)
	}
	for _, l := range bids {
		b += float64(l.volume)
	}
	if a+b == 0 {
		return 0
	}
	return (b - a) / (a + b) * 100
}

// trunc3 truncates to 3 decimals as Futu's screener values are.
func trunc3(v float64) float64 { return math.Trunc(v*1000) / 1000 }
