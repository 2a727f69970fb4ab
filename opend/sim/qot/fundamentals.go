package qot

import (
	"math"

	"github.com/futugw/gateway/opend/sim/market"
)

// fundamentals are a security's synthetic share counts and per-share figures,
// fixed for the simulator's life; ratios (PE, PB, market value) move with the
// live price.
type fundamentals struct {
	totalShares, floatShares float64
	epsAnnual, epsTTM        float64 // negative for a loss-making company
	bookPerShare             float64
}

// fundamentalsOf derives a security's fundamentals from its seed: 0.5 to 20
// billion shares, 60-95% of them floating, a PE of 6 to 60 at the previous
// close (one company in ten loss-making) and a PB of 0.5 to 10.
func (s *Service) fundamentalsOf(q market.Quote) fundamentals {
	h := s.synthSeed(q.Key()) ^ 0x46554e44
	total := math.Round(1e8 * (5 + 195*unit(mix(h+1))))
	pe := 6 + 54*unit(mix(h+3))
	if unit(mix(h+4)) < 0.1 {
		pe = -pe
	}
	eps := q.LastClose / pe
	return fundamentals{
		totalShares:  total,
		floatShares:  math.Floor(total * (0.6 + 0.35*unit(mix(h+2)))),
		epsAnnual:    eps,
		epsTTM:       eps * (0.9 + 0.2*unit(mix(h+5))),
		bookPerShare: q.LastClose / (0.5 + 9.5*unit(mix(h+6))),
	}
}

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
