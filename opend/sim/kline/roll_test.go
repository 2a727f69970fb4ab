package kline

import (
	"slices"
	"testing"
	"time"

	"github.com/futugw/gateway/opend/sim/market"
)

func TestHistoryRoll(t *testing.T) {
	monday, tuesday := today.AddDate(0, 0, 3), today.AddDate(0, 0, 4)
	tests := []struct {
		name      string
		to        time.Time
		built     bool // the old History built the Series
		continued bool
		lastDay   time.Time
	}{
		{"next trading day", monday, true, true, today},
		{"days skipped", tuesday, true, false, monday},
		{"never built", monday, false, false, today},
	}
	for _, tc := range tests {
		for _, sec := range testSecurities() {
			t.Run(tc.name+"/"+sec.Key, func(t *testing.T) {
				h := NewHistory(Config{Seed: 2, Today: today})
				old := NewHistory(Config{Seed: 2, Today: today}).Series(sec)
				if tc.built {
					h.Series(sec)
				}
				next := sec
				next.LastClose = old.LastClose() * 1.01
				s := h.Roll(tc.to).Series(next)
				first, last, ok := s.Span()
				if !ok || !last.Equal(day(s, tc.lastDay.Year(), tc.lastDay.Month(), tc.lastDay.Day())) ||
					s.LastClose() != market.Snap(sec.Market, next.LastClose) {
					t.Fatalf("span %v..%v, last close %v, want last day %v closing near %v", first, last, s.LastClose(), tc.lastDay, next.LastClose)
				}
				if !tc.continued {
					return
				}
				bars := s.DayBars(last, last)
				if len(bars) != 1 || bars[0].Close != s.LastClose() || bars[0].LastClose != old.LastClose() {
					t.Fatalf("the old live day %+v, want close %v after %v", bars, s.LastClose(), old.LastClose())
				}
				from, to := last.AddDate(-1, 0, 0), last.Add(-time.Nanosecond)
				sameBars(t, "day bars", old.DayBars(from, to), s.DayBars(from, to))
				if !slices.EqualFunc(old.Actions(), s.Actions(), func(a, b Action) bool {
					a.ExDate, b.ExDate = a.ExDate.UTC(), b.ExDate.UTC()
					return a == b
				}) {
					t.Error("actions changed")
				}
				for _, d := range sampleDays(old) {
					a, _ := old.Minutes(d)
					b, _ := s.Minutes(d)
					sameBars(t, "minutes of "+d.String(), a, b)
				}
			})
		}
	}
}

func sameBars(t *testing.T, what string, a, b []Bar) {
	t.Helper()
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("%s: %d then %d bars", what, len(a), len(b))
	}
	for i := range a {
		sameOHLCV(t, what, b[i], a[i])
	}
}
