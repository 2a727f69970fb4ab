package calendar

import (
	"slices"
	"testing"
	"time"
)

func d(s string) Date {
	day, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return day
}

func TestTradingDay(t *testing.T) {
	const (
		closed = -1
		whole  = int(TradeDateWhole)
		half   = int(TradeDateMorning)
	)
	tests := []struct {
		m    Market
		date string
		want int
		why  string
	}{
		{HK, "2026-12-25", closed, "Christmas Day"},
		{HK, "2026-12-28", whole, "the first weekday after Christmas is Saturday Dec 26 (2026 gazette): Monday trades"},
		{HK, "2026-12-24", half, "Christmas Eve"},
		{HK, "2026-12-31", half, "New Year's Eve"},
		{HK, "2026-02-16", half, "Lunar New Year's Eve"},
		{HK, "2026-04-07", closed, "Ching Ming on Sunday, moved past Easter Monday"},
		{HK, "2026-05-25", closed, "Buddha's Birthday on Sunday"},
		{HK, "2026-10-19", closed, "Chung Yeung on Sunday"},
		{HK, "2021-04-06", closed, "Ching Ming on Sunday, moved past Easter Monday"},
		{HK, "2022-12-27", closed, "Christmas on Sunday"},
		{HK, "2021-12-27", closed, "first weekday after Christmas on Saturday"},
		{HK, "2023-01-25", closed, "fourth day of Lunar New Year (first day on Sunday)"},
		{HK, "2022-09-12", closed, "day following Mid-Autumn on Sunday"},
		{HK, "2015-04-07", closed, "Ching Ming on Sunday, Easter Monday taken"},
		{HK, "2025-01-28", half, "Lunar New Year's Eve"},
		{HK, "2026-12-05", closed, "Saturday"},
		{HK, "2026-12-07", whole, "Monday"},

		{US, "2026-12-25", closed, "Christmas"},
		{US, "2026-11-26", closed, "Thanksgiving"},
		{US, "2026-11-27", half, "day after Thanksgiving"},
		{US, "2026-12-24", half, "Christmas Eve"},
		{US, "2026-07-03", closed, "Independence Day on Saturday, observed Friday"},
		{US, "2026-01-19", closed, "Martin Luther King Jr. Day"},
		{US, "2026-02-16", closed, "Washington's Birthday"},
		{US, "2026-04-03", closed, "Good Friday"},
		{US, "2026-05-25", closed, "Memorial Day"},
		{US, "2026-06-19", closed, "Juneteenth"},
		{US, "2026-09-07", closed, "Labor Day"},
		{US, "2021-06-18", whole, "no Juneteenth before 2022"},
		{US, "2022-06-20", closed, "Juneteenth on Sunday, observed Monday"},
		{US, "2021-12-31", whole, "New Year's Day 2022 on Saturday is not observed"},
		{US, "2023-01-02", closed, "New Year's Day on Sunday, observed Monday"},
		{US, "2021-12-24", closed, "Christmas on Saturday, observed Friday"},
		{US, "2019-07-03", half, "July 3"},
		{US, "2020-07-03", closed, "Independence Day on Saturday, observed Friday"},
		{US, "2027-12-24", closed, "Christmas on Saturday, observed Friday"},

		{CNSH, "2026-10-01", closed, "National Day"},
		{CNSZ, "2026-10-07", closed, "National Day week"},
		{CNSH, "2026-10-08", whole, "after National Day week"},
		{CNSH, "2026-02-23", closed, "Spring Festival"},
		{CNSH, "2026-01-02", closed, "New Year bridge"},
		{CNSH, "2024-02-16", closed, "Spring Festival"},
		{CNSH, "2020-01-31", closed, "Spring Festival extended"},
		{CNSH, "2015-09-03", closed, "WWII anniversary"},
		{CNSH, "2015-09-28", whole, "Mid-Autumn on Sunday, not moved"},
		{CNSH, "2018-12-31", closed, "New Year bridge"},
		{CNSH, "2019-12-31", whole, "New Year on Wednesday"},
		{CNSH, "2023-09-29", closed, "Mid-Autumn joined to National Day"},
		{CNSH, "2025-10-08", closed, "Mid-Autumn stretches National Day"},
		{CNSH, "2026-12-24", whole, "no half days"},

		{Market(2), "2026-12-07", closed, "no calendar"},
		{HK, "2040-12-25", whole, "outside the covered years only weekends close"},
	}
	for _, tt := range tests {
		got := closed
		if day, ok := TradingDay(tt.m, d(tt.date)); ok {
			got = int(day.Type)
			if day.Date != d(tt.date) {
				t.Errorf("%v %s: day %v", tt.m, tt.date, day.Date)
			}
		}
		if got != tt.want {
			t.Errorf("%v %s (%s): got %d, want %d", tt.m, tt.date, tt.why, got, tt.want)
		}
		if IsTradingDay(tt.m, d(tt.date)) != (tt.want != closed) {
			t.Errorf("%v %s: IsTradingDay disagrees with TradingDay", tt.m, tt.date)
		}
	}
}

// closedWeekdays lists the weekdays of year y on which m does not trade.
func closedWeekdays(m Market, y int) []string {
	var out []string
	for day := (Date{y, time.January, 1}); day.Year == y; day = day.AddDays(1) {
		if !weekend(day) && !IsTradingDay(m, day) {
			out = append(out, day.String())
		}
	}
	return out
}

func TestYear2026(t *testing.T) {
	tests := []struct {
		m    Market
		want []string
	}{
		// The HK government's 2026 list of general holidays, weekdays only.
		{HK, []string{"2026-01-01", "2026-02-17", "2026-02-18", "2026-02-19", "2026-04-03", "2026-04-06",
			"2026-04-07", "2026-05-01", "2026-05-25", "2026-06-19", "2026-07-01", "2026-10-01", "2026-10-19", "2026-12-25"}},
		// NYSE 2026.
		{US, []string{"2026-01-01", "2026-01-19", "2026-02-16", "2026-04-03", "2026-05-25", "2026-06-19",
			"2026-07-03", "2026-09-07", "2026-11-26", "2026-12-25"}},
		// The State Council's 2026 arrangement, weekdays only.
		{CNSH, []string{"2026-01-01", "2026-01-02", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19",
			"2026-02-20", "2026-02-23", "2026-04-06", "2026-05-01", "2026-05-04", "2026-05-05", "2026-06-19",
			"2026-09-25", "2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07"}},
	}
	for _, tt := range tests {
		if got := closedWeekdays(tt.m, 2026); !slices.Equal(got, tt.want) {
			t.Errorf("%v 2026 closed weekdays:\n got %v\nwant %v", tt.m, got, tt.want)
		}
	}
}

// TestYearLengths checks whole years against the published numbers of trading
// days (without ad-hoc closures such as the US national days of mourning of
// 2018 and 2025).
func TestYearLengths(t *testing.T) {
	want := map[Market][]int{ // 2015..2025
		US:   {252, 252, 251, 252, 252, 253, 252, 251, 250, 252, 251},
		CNSH: {244, 244, 244, 243, 244, 243, 243, 242, 242, 242, 243},
	}
	for m, counts := range want {
		for i, n := range counts {
			y := FirstYear + i
			if got := len(TradingDays(m, Date{y, 1, 1}, Date{y, 12, 31})); got != n {
				t.Errorf("%v %d: %d trading days, want %d", m, y, got, n)
			}
		}
	}
}

func TestTradingDays(t *testing.T) {
	got := TradingDays(US, d("2026-11-25"), d("2026-11-30"))
	want := []Day{
		{d("2026-11-25"), TradeDateWhole},
		{d("2026-11-27"), TradeDateMorning},
		{d("2026-11-30"), TradeDateWhole},
	}
	if !slices.Equal(got, want) {
		t.Errorf("TradingDays = %v, want %v", got, want)
	}
	if got := TradingDays(US, d("2026-11-30"), d("2026-11-25")); got != nil {
		t.Errorf("reversed range = %v, want nil", got)
	}
}

func TestNextPrevTradingDay(t *testing.T) {
	tests := []struct {
		m          Market
		from       string
		next, prev string
	}{
		{HK, "2026-12-24", "2026-12-28", "2026-12-23"},
		{HK, "2026-12-25", "2026-12-28", "2026-12-24"},
		{US, "2026-11-26", "2026-11-27", "2026-11-25"},
		{CNSH, "2026-09-30", "2026-10-08", "2026-09-29"},
		{CNSH, "2026-10-03", "2026-10-08", "2026-09-30"},
		{HK, "2031-01-03", "2031-01-06", "2031-01-02"},
	}
	for _, tt := range tests {
		if got := NextTradingDay(tt.m, d(tt.from)); got != d(tt.next) {
			t.Errorf("NextTradingDay(%v, %s) = %v, want %s", tt.m, tt.from, got, tt.next)
		}
		if got := PrevTradingDay(tt.m, d(tt.from)); got != d(tt.prev) {
			t.Errorf("PrevTradingDay(%v, %s) = %v, want %s", tt.m, tt.from, got, tt.prev)
		}
	}
	if got := NextTradingDay(Market(99), d("2026-12-05")); got != d("2026-12-05") {
		t.Errorf("NextTradingDay of a market without calendar = %v", got)
	}
}

func TestTradeDateMarket(t *testing.T) {
	tests := []struct {
		in   TradeDateMarket
		want Market
		ok   bool
	}{
		{TradeDateMarketHK, HK, true},
		{TradeDateMarketUS, US, true},
		{TradeDateMarketCN, CNSH, true},
		{TradeDateMarketUnknown, 0, false},
		{4, 0, false}, // Stock Connect
	}
	for _, tt := range tests {
		if got, ok := tt.in.Market(); got != tt.want || ok != tt.ok {
			t.Errorf("%d.Market() = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestDate(t *testing.T) {
	if got := NewDate(2026, time.December, 32); got != d("2027-01-01") {
		t.Errorf("NewDate normalises to %v", got)
	}
	if got := d("2024-03-01").AddDays(-1); got != d("2024-02-29") {
		t.Errorf("AddDays(-1) = %v", got)
	}
	if !d("2026-12-07").Before(d("2026-12-08")) || !d("2027-01-01").After(d("2026-12-31")) || d("2026-12-07").Compare(d("2026-12-07")) != 0 {
		t.Error("Compare order")
	}
	for _, bad := range []string{"", "2026-12-7", "2026-02-30", "12/07/2026"} {
		if _, err := ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) succeeded", bad)
		}
	}
	hk := Location(HK)
	if got := DateOf(time.Date(2026, 12, 6, 17, 0, 0, 0, time.UTC).In(hk)); got != d("2026-12-07") {
		t.Errorf("DateOf in HK = %v", got)
	}
	if d("2026-12-07").Weekday() != time.Monday {
		t.Error("Weekday")
	}
}

func TestEasterAndNthWeekday(t *testing.T) {
	for y, want := range map[int]string{2015: "2015-04-05", 2019: "2019-04-21", 2024: "2024-03-31", 2026: "2026-04-05", 2030: "2030-04-21"} {
		if got := easter(y); got != d(want) {
			t.Errorf("easter(%d) = %v, want %s", y, got, want)
		}
	}
	if got := nthWeekday(2026, time.May, time.Monday, -1); got != d("2026-05-25") {
		t.Errorf("last Monday of May 2026 = %v", got)
	}
	if got := nthWeekday(2026, time.November, time.Thursday, 4); got != d("2026-11-26") {
		t.Errorf("fourth Thursday of November 2026 = %v", got)
	}
}
