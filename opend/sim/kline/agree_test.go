package kline

import (
	"fmt"
	"testing"
	"time"
)

// A day bar, computed without a minute path, is exactly the aggregate of the
// day's minute bars.
func TestDayBarIsAggregateOfMinutes(t *testing.T) {
	for _, sec := range testSecurities() {
		s := testSeries(t, 7, sec)
		for _, d := range sampleDays(s) {
			mins, ok := s.Minutes(d)
			if !ok {
				t.Fatalf("%s %s: no minutes", sec.Key, d)
			}
			bar, _ := s.DayBar(d)
			agg := Aggregate(mins, KL1Min, KLDay, s.cal)
			if len(agg) != 1 || agg[0] != bar {
				t.Errorf("%s %s: aggregate %+v != day bar %+v", sec.Key, d.Format(time.DateOnly), agg, bar)
			}
		}
	}
}

// Every intraday period sums to the day: volumes exactly, prices consistent,
// and each bar is the aggregate of the minutes it labels.
func TestIntradayPeriodsAgree(t *testing.T) {
	for _, sec := range testSecurities() {
		s := testSeries(t, 11, sec)
		for _, d := range sampleDays(s)[:4] {
			mins, _ := s.Minutes(d)
			dayBar, _ := s.DayBar(d)
			for _, kl := range []KLType{KL3Min, KL5Min, KL10Min, KL15Min, KL30Min, KL60Min, KL120Min} {
				name := fmt.Sprintf("%s %s kl=%d", sec.Key, d.Format(time.DateOnly), kl)
				bars := Aggregate(mins, KL1Min, kl, s.cal)
				var vol int64
				lo, hi := bars[0].Low, bars[0].High
				j := 0
				for i, b := range bars {
					vol += b.Volume
					lo, hi = min(lo, b.Low), max(hi, b.High)
					if i > 0 && b.LastClose != bars[i-1].Close {
						t.Errorf("%s: bar %d last close %v != previous close %v", name, i, b.LastClose, bars[i-1].Close)
					}
					// The minutes with labels up to b.Time, after the previous bar.
					k := j
					for k < len(mins) && !mins[k].Time.After(b.Time) {
						k++
					}
					part := Aggregate(mins[j:k], KL1Min, KLDay, s.cal)[0]
					part.Time = b.Time
					sameOHLCV(t, name, b, part)
					j = k
				}
				if vol != dayBar.Volume || lo != dayBar.Low || hi != dayBar.High ||
					bars[0].Open != dayBar.Open || bars[len(bars)-1].Close != dayBar.Close || bars[0].LastClose != dayBar.LastClose {
					t.Errorf("%s: periods disagree with the day bar %+v", name, dayBar)
				}
			}
		}
	}
}

// Futu labels intraday bars by their end, cut by session ends.
func TestLabels(t *testing.T) {
	s := testSeries(t, 1, testSecurities()[0])
	d := day(s, 2026, 12, 3)
	mins, _ := s.Minutes(d)
	if len(mins) != 330 || mins[0].TimeString() != "2026-12-03 09:31:00" || mins[len(mins)-1].TimeString() != "2026-12-03 16:00:00" {
		t.Fatalf("HK minutes: %d, %s .. %s", len(mins), mins[0].TimeString(), mins[len(mins)-1].TimeString())
	}
	var got []string
	for _, b := range Aggregate(mins, KL1Min, KL60Min, s.cal) {
		got = append(got, b.Time.Format("15:04"))
	}
	if fmt.Sprint(got) != "[10:30 11:30 12:00 14:00 15:00 16:00]" {
		t.Errorf("HK 60-min labels %v", got)
	}
	bar, _ := s.DayBar(d)
	if bar.TimeString() != "2026-12-03 00:00:00" || bar.Timestamp() != float64(d.Unix()) {
		t.Errorf("day label %s %v", bar.TimeString(), bar.Timestamp())
	}
	week := Aggregate(s.DayBars(day(s, 2026, 11, 30), d), KLDay, KLWeek, s.cal)
	if len(week) != 1 || week[0].TimeString() != "2026-11-30 00:00:00" {
		t.Errorf("week %+v", week)
	}
}

// Weeks, months, quarters and years built from day bars equal the same
// periods built from every minute of those days.
func TestLongPeriodsFromDaysEqualFromMinutes(t *testing.T) {
	s := testSeries(t, 3, testSecurities()[1])
	from, to := day(s, 2026, 9, 20), day(s, 2026, 12, 3)
	days := s.DayBars(from, to)
	var mins []Bar
	for _, d := range days {
		m, _ := s.Minutes(d.Time)
		mins = append(mins, m...)
	}
	for _, kl := range []KLType{KLDay, KLWeek, KLMonth, KLQuarter, KLYear} {
		a, b := Aggregate(days, KLDay, kl, s.cal), Aggregate(mins, KL1Min, kl, s.cal)
		if len(a) != len(b) || len(a) == 0 {
			t.Fatalf("kl=%d: %d bars from days, %d from minutes", kl, len(a), len(b))
		}
		for i := range a {
			sameOHLCV(t, fmt.Sprintf("kl=%d bar %d", kl, i), a[i], b[i])
		}
	}
	if got := len(Aggregate(days, KLDay, KLMonth, s.cal)); got != 4 {
		t.Errorf("months Sep..Dec = %d", got)
	}
}
