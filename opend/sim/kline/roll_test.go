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

// A roll given the live day's minutes serves them as that day's bars.
func TestHistoryRollLiveDay(t *testing.T) {
	sec := testSecurities()[0]
	h := NewHistory(Config{Seed: 2, Today: today})
	old := h.Series(sec)
	bl := old.NewBuilder(0)
	at := func(h, m int) time.Time { return time.Date(2026, 12, 4, h, m, 0, 0, old.loc) }
	ticks := []Tick{{481, 100, 0, at(9, 30)}, {483.4, 300, 0, at(9, 41)}, {479, 200, 0, at(10, 2)}, {480.2, 100, 0, at(13, 5)}}
	for _, tk := range ticks {
		if !bl.Add(tk) {
			t.Fatalf("tick %+v refused", tk)
		}
	}
	next := sec
	next.LastClose, next.LastDay = 480.2, bl.Minutes()
	s := h.Roll(today.AddDate(0, 0, 3)).Series(next)
	bars := s.DayBars(old.today, old.today)
	want := Bar{Time: old.today, Open: 481, High: 483.4, Low: 479, Close: 480.2, LastClose: old.LastClose(), Volume: 700,
		Turnover: 481*100 + 483.4*300 + 479*200 + 480.2*100}
	if len(bars) != 1 {
		t.Fatalf("day bars %+v", bars)
	}
	sameOHLCV(t, "the live day's bar", bars[0], want)
	mins, ok := s.Minutes(old.today)
	if n := tradingMinutes(old.cal.Sessions(old.today)); !ok || len(mins) != n {
		t.Fatalf("%d minutes, want %d", len(mins), n)
	}
	live := bl.Minutes()
	sameBars(t, "live minutes", live, mins[:len(live)])
	p, err := s.Request(Request{KLType: KL30Min, Begin: old.today, End: old.today.Add(24*time.Hour - 1)})
	if err != nil || len(p.Bars) == 0 {
		t.Fatalf("30-minute bars %v, %v", p.Bars, err)
	}
	got := p.Bars[0]
	for _, b := range p.Bars[1:] {
		got = merge(got, b)
	}
	got.Time = want.Time
	sameOHLCV(t, "30-minute bars folded", got, want)

	next.LastDay = live[:1] // does not end at the close: generated
	h = NewHistory(Config{Seed: 2, Today: today})
	h.Series(sec)
	s = h.Roll(today.AddDate(0, 0, 3)).Series(next)
	if _, last, _ := s.Span(); s.lastDay != nil || !last.Equal(old.today) {
		t.Error("a live day not ending at the close was taken")
	}
}
