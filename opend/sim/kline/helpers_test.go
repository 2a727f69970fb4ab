package kline

import (
	"math"
	"testing"
	"time"

	"github.com/futugw/gateway/opend/sim/market"
)

// today is a Friday; history ends Thursday 2026-12-03.
var today = time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)

func testSecurities() []Security {
	return []Security{
		{Key: "HK.00700", Market: market.MarketHK, LotSize: 100, LastClose: 480},
		{Key: "US.AAPL", Market: market.MarketUS, LotSize: 1, LastClose: 230},
		{Key: "HK.80000", Market: market.MarketHK, LotSize: 100, LastClose: 10.3, Listed: time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC)},
	}
}

func testSeries(t testing.TB, seed int64, sec Security) *Series {
	t.Helper()
	return NewHistory(Config{Seed: seed, Today: today}).Series(sec)
}

// day returns a local midnight of the series' market.
func day(s *Series, y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, s.loc)
}

// sampleDays picks trading days spread over the history, newest first.
func sampleDays(s *Series) []time.Time {
	var out []time.Time
	for _, k := range []int{0, 1, 7, 100, 333, 1000, s.served - 1} {
		if k >= 0 && k < s.served {
			out = append(out, s.days[k])
		}
	}
	return out
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(a)) }

// sameOHLCV compares two bars, turnover up to float summation order.
func sameOHLCV(t *testing.T, what string, got, want Bar) {
	t.Helper()
	if !got.Time.Equal(want.Time) || got.Open != want.Open || got.High != want.High || got.Low != want.Low ||
		got.Close != want.Close || got.LastClose != want.LastClose || got.Volume != want.Volume || !near(got.Turnover, want.Turnover) {
		t.Errorf("%s:\n got  %+v\n want %+v", what, got, want)
	}
}
