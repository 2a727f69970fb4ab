package qot

import (
	"math"
	"time"

	"github.com/futugw/gateway/opend/sim/calendar"
	"github.com/futugw/gateway/opend/sim/market"
)

// hashed returns a deterministic value in [lo, hi) for a security and a salt,
// for the figures the simulator has no model of (street volume, open interest).
func hashed(key, salt string, lo, hi float64) float64 {
	u := mix(uint64(staticID(key)) ^ uint64(staticID(salt)))
	return lo + (hi-lo)*float64(u>>11)/float64(1<<53)
}

func round3(v float64) float64 { return math.Round(v*1e3) / 1e3 }

// warrantFigures are a warrant's or CBBC's derived figures at a moment, as
// Futu's warrant screener and snapshot show them (percentages as numbers: 20 = 20%).
type warrantFigures struct {
	spot              float64 // the underlying's price
	conversionPrice   float64 // warrant price x conversion ratio
	breakEven         float64
	premium           float64 // %
	leverage          float64
	effectiveLeverage float64
	ipop              float64 // %: positive in the money
	priceRecovery     float64 // %: underlying's distance to the call price (CBBC)
	delta, iv         float64 // calls and puts only
	streetRate        float64 // %
	streetVol         int64
	score             float64
	status            int32 // Qot_Common.WarrantStatus: normal, or stopped once a CBBC is called
}

func (s *Service) warrantFiguresOf(q market.Quote, now time.Time) warrantFigures {
	t := q.Terms
	u, _ := s.m.QuoteByKey(t.Owner)
	f := warrantFigures{spot: u.Cur, status: warrantNormal}
	if t.Called(u) {
		f.status = warrantStopTrade
	}
	f.conversionPrice = round3(q.Cur * t.Ratio)
	bullish := t.Right == market.WarrantCall || t.Right == market.WarrantBull
	if bullish {
		f.breakEven = round3(t.Strike + f.conversionPrice)
		f.premium = round3((f.breakEven - u.Cur) / u.Cur * 100)
		f.ipop = round3((u.Cur - t.Strike) / t.Strike * 100)
	} else {
		f.breakEven = round3(t.Strike - f.conversionPrice)
		f.premium = round3((u.Cur - f.breakEven) / u.Cur * 100)
		f.ipop = round3((t.Strike - u.Cur) / t.Strike * 100)
	}
	if f.conversionPrice > 0 {
		f.leverage = round3(u.Cur / f.conversionPrice)
	}
	f.effectiveLeverage = f.leverage
	if t.IsCBBC() {
		f.priceRecovery = round3((u.Cur - t.CallPrice) / t.CallPrice * 100)
		if !bullish {
			f.priceRecovery = -f.priceRecovery
		}
	} else if v := market.Value(q.Instrument, u.Cur, now); v.Greeks != nil {
		f.delta = round3(v.Greeks.Delta)
		f.iv = round3(t.Vol * 100)
		f.effectiveLeverage = round3(f.leverage * math.Abs(v.Greeks.Delta))
	}
	key := q.Key()
	f.streetRate = round3(hashed(key, "street", 2, 60))
	f.streetVol = int64(float64(t.IssueSize) * f.streetRate / 100)
	f.score = round3(hashed(key, "score", 20, 95))
	return f
}

// daysTo counts calendar days from now's date in the market to day; negative
// once it has passed (Futu's expiryDateDistance).
func daysTo(mkt int32, day calendar.Date, now time.Time) int32 {
	today := calendar.DateOf(now.In(calendar.Location(calendar.Market(mkt))))
	a := today.In(time.UTC)
	b := day.In(time.UTC)
	return int32(b.Sub(a).Hours() / 24)
}
