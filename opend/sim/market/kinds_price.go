package market

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/futugw/gateway/opend/sim/calendar"
)

// Greeks are a Black-Scholes valuation per share of the underlying: price,
// delta, gamma, vega (per volatility point), theta (per calendar day) and rho
// (per rate point).
type Greeks struct {
	Price, Delta, Gamma, Vega, Theta, Rho float64
}

// BlackScholes values a European call (right OptionCall) or put on an
// underlying at spot, with years to expiry, annual volatility vol and the
// simulator's risk-free rate.
func BlackScholes(right int32, spot, strike, years, vol float64) Greeks {
	years = math.Max(years, 1.0/(365*24))
	vol = math.Max(vol, 0.01)
	sq := vol * math.Sqrt(years)
	d1 := (math.Log(spot/strike) + (riskFree+vol*vol/2)*years) / sq
	d2 := d1 - sq
	disc := strike * math.Exp(-riskFree*years)
	pdf := math.Exp(-d1*d1/2) / math.Sqrt(2*math.Pi)
	g := Greeks{
		Gamma: pdf / (spot * sq),
		Vega:  spot * pdf * math.Sqrt(years) / 100,
	}
	decay := -spot * pdf * vol / (2 * math.Sqrt(years))
	if right == OptionPut {
		g.Price = disc*cdf(-d2) - spot*cdf(-d1)
		g.Delta = cdf(d1) - 1
		g.Theta = (decay + riskFree*disc*cdf(-d2)) / 365
		g.Rho = -disc * years * cdf(-d2) / 100
	} else {
		g.Price = spot*cdf(d1) - disc*cdf(d2)
		g.Delta = cdf(d1)
		g.Theta = (decay - riskFree*disc*cdf(d2)) / 365
		g.Rho = disc * years * cdf(d2) / 100
	}
	return g
}

func cdf(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }

// YearsTo is the time from now to the close (16:00 local) of day, in years;
// never negative.
func YearsTo(mkt int32, day calendar.Date, now time.Time) float64 {
	loc := calendar.Location(calendar.Market(mkt))
	d := day.At(16, 0, loc).Sub(now)
	return math.Max(d.Hours()/(24*365), 0)
}

// Valuation is a derived security's model value at an underlying price:
// Price is the security's own price (per warrant, per option share, per
// future point), Greeks those of the underlying option (nil for CBBCs and futures).
type Valuation struct {
	Price  float64
	Greeks *Greeks
}

// Value prices a derived security (inst.Terms with an Owner) from its
// underlying's price at now.
func Value(inst Instrument, underlying float64, now time.Time) Valuation {
	t := inst.Terms
	years := YearsTo(inst.Market, t.Expiry, now)
	switch inst.SecType {
	case SecTypeFuture:
		return Valuation{Price: math.Round(underlying * (1 + riskFree*years))}
	case SecTypeWarrant:
		if t.IsCBBC() {
			// Intrinsic value plus the issuer's funding charge; a called
			// contract (price through the call level) keeps the minimum price.
			in := underlying - t.Strike
			if t.Right == WarrantBear {
				in = -in
			}
			funding := t.Strike * riskFree * years
			return Valuation{Price: snapDerived(inst, math.Max(in+funding, 0)/t.Ratio)}
		}
		right := OptionCall
		if t.Right == WarrantPut {
			right = OptionPut
		}
		g := BlackScholes(right, underlying, t.Strike, years, t.Vol)
		return Valuation{Price: snapDerived(inst, g.Price/t.Ratio), Greeks: &g}
	default: // options
		g := BlackScholes(t.Right, underlying, t.Strike, years, t.Vol)
		return Valuation{Price: snapDerived(inst, g.Price), Greeks: &g}
	}
}

// snapDerived rounds a derived price to its grid: HKEX's spread table for
// warrants (minimum 0.01), one cent for options (minimum 0.01).
func snapDerived(inst Instrument, p float64) float64 {
	if inst.SecType == SecTypeWarrant {
		return math.Max(Snap(MarketHK, p), 0.01)
	}
	return math.Max(clean(math.Round(p*100)/100), 0.01)
}

// priceDerived sets the opening state of every derived security from its
// underlying: yesterday's close from the underlying's, the open from its open.
func (m *Market) priceDerived() {
	start := m.now()
	for _, s := range m.secs {
		t := s.q.Terms
		if t == nil || t.Owner == "" {
			continue
		}
		u, ok := m.secs[t.Owner]
		if !ok {
			continue
		}
		last := Value(s.q.Instrument, u.q.LastClose, start.Add(-24*time.Hour)).Price
		open := Value(s.q.Instrument, u.q.Open, start).Price
		s.q.LastClose, s.q.Cur, s.q.Open, s.q.High, s.q.Low = last, open, open, open, open
	}
}

// advance moves one security by one trade: stocks and ETFs walk, indices walk
// on a 0.01 grid, derived securities follow their underlying's live price.
// The caller holds m.mu.
func (m *Market) advance(s *security, now time.Time) {
	t := s.q.Terms
	switch {
	case t == nil:
		step(&s.q, s.rng, m.vol, now)
	case t.Owner == "":
		drift := -meanReversion * (s.q.Cur - s.q.LastClose) / s.q.LastClose
		next := clean(math.Round(s.q.Cur*(1+drift+m.vol*s.rng.NormFloat64())*100) / 100)
		trade(&s.q, s.rng, next, now)
	default:
		u, ok := m.secs[t.Owner]
		if !ok || t.Called(u.q) { // a called CBBC no longer trades
			return
		}
		trade(&s.q, s.rng, Value(s.q.Instrument, u.q.Cur, now).Price, now)
	}
}

// trade records one trade at next: 1 to 20 lots of a warrant or an index's
// constituents, 1 to 20 contracts of an option or future (whose lot size is
// the contract multiplier, so the turnover counts it).
func trade(q *Quote, rng *rand.Rand, next float64, now time.Time) {
	n := int64(1 + rng.IntN(20))
	qty, value := n*int64(max(q.LotSize, 1)), float64(n*int64(max(q.LotSize, 1)))*next
	switch q.SecType {
	case SecTypeIndex:
		qty *= 10_000
		value *= 10_000
	case SecTypeDrvt, SecTypeFuture:
		qty = n
	}
	q.Cur = next
	q.High = math.Max(q.High, next)
	q.Low = math.Min(q.Low, next)
	q.Volume += qty
	q.LastVolume = qty
	q.Turnover = clean(q.Turnover + value)
	q.Updated = now
	q.Seq++
}
