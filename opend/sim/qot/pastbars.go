package qot

import (
	"github.com/futugw/gateway/opend/sim/kline"
)

// pastDayBars returns up to n day bars of the trading days before today,
// oldest first, from the K-line history, so screens and capital flows over
// past days agree with Qot_RequestHistoryKL.
func (s *Service) pastDayBars(key string, n int) []kline.Bar {
	if n <= 0 {
		return nil
	}
	series, ok := s.kl.book.series(key)
	if !ok {
		return nil
	}
	today := series.Today()
	// Two calendar days per trading day, plus the longest holiday run.
	bars := series.DayBars(today.AddDate(0, 0, -(2*n+20)), today.AddDate(0, 0, -1))
	if len(bars) > n {
		bars = bars[len(bars)-n:]
	}
	return bars
}
