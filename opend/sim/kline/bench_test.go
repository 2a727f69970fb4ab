package kline

import (
	"testing"
	"time"
)

// 1,000 day bars of history, through the paging path (no adjustment).
func BenchmarkHistoryDayBars1000(b *testing.B) {
	s := testSeries(b, 1, testSecurities()[0])
	req := Request{KLType: KLDay, Begin: today.AddDate(-5, 0, 0), End: today, Max: 1000}
	b.ReportAllocs()
	for b.Loop() {
		if p, _ := s.Request(req); len(p.Bars) != 1000 {
			b.Fatalf("%d bars", len(p.Bars))
		}
	}
}

// 1,000 forward-adjusted day bars aggregated to weeks (about 200 bars).
func BenchmarkHistoryWeeksFrom1000Days(b *testing.B) {
	s := testSeries(b, 1, testSecurities()[0])
	_, last, _ := s.Span()
	req := Request{KLType: KLWeek, Rehab: RehabForward, Begin: last.AddDate(0, 0, -1400), End: last}
	b.ReportAllocs()
	for b.Loop() {
		s.Request(req)
	}
}

// 1,000 one-minute bars of history (three and a bit HK days).
func BenchmarkHistoryMinuteBars1000(b *testing.B) {
	s := testSeries(b, 1, testSecurities()[0])
	req := Request{KLType: KL1Min, Begin: today.AddDate(0, 0, -10), End: today, Max: 1000}
	b.ReportAllocs()
	for b.Loop() {
		if p, _ := s.Request(req); len(p.Bars) != 1000 {
			b.Fatalf("%d bars", len(p.Bars))
		}
	}
}

// Building a Series: ten years of trading days, closes and actions.
func BenchmarkNewSeries(b *testing.B) {
	h := NewHistory(Config{Seed: 1, Today: today})
	sec := testSecurities()[0]
	b.ReportAllocs()
	for b.Loop() {
		newSeries(h.cfg, sec)
	}
}

// One live tick into the builder, every period maintained.
func BenchmarkBuilderAdd(b *testing.B) {
	s := testSeries(b, 1, testSecurities()[0])
	bl := s.NewBuilder(480)
	start := time.Date(2026, 12, 4, 9, 30, 0, 0, s.loc)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		bl.Add(Tick{Price: 480, Volume: 100, Time: start.Add(time.Duration(i%19800) * time.Second)})
		i++
	}
}

// The same 1,000 day bars on a fresh series: every day bar computed once.
func BenchmarkHistoryDayBars1000Cold(b *testing.B) {
	h := NewHistory(Config{Seed: 1, Today: today})
	sec := testSecurities()[0]
	req := Request{KLType: KLDay, Begin: today.AddDate(-5, 0, 0), End: today, Max: 1000}
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		s := newSeries(h.cfg, sec)
		b.StartTimer()
		s.Request(req)
	}
}
