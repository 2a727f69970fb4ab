package calendar

import (
	"slices"
	"sync"
	"time"
)

// days holds one calendar's exceptions to "weekdays trade the whole day".
type days struct {
	closed map[Date]bool
	half   map[Date]bool // trades the morning only
}

func (ds days) close(d Date) {
	if !weekend(d) {
		ds.closed[d] = true
	}
}

var calendars = sync.OnceValue(func() map[Market]days {
	hk, us, cn := newDays(), newDays(), newDays()
	for y := FirstYear; y <= LastYear; y++ {
		hkYear(hk, y)
		usYear(us, y)
		cnYear(cn, y)
	}
	cnAdjust(cn)
	return map[Market]days{HK: hk, US: us, CNSH: cn, CNSZ: cn}
})

func newDays() days { return days{closed: map[Date]bool{}, half: map[Date]bool{}} }

func lunarOf(y int) lunarDates { return lunar[y-FirstYear] }

// usYear adds the NYSE holidays of year y: a Saturday holiday is observed on
// the Friday before, a Sunday one on the Monday after, except New Year's Day,
// which is not observed on the Friday before (the last day of the year trades).
// Early closes (13:00): July 3, the day after Thanksgiving and Christmas Eve,
// when they are trading days.
func usYear(ds days, y int) {
	observe := func(d Date) Date {
		switch d.Weekday() {
		case time.Saturday:
			return d.AddDays(-1)
		case time.Sunday:
			return d.AddDays(1)
		}
		return d
	}
	if nyd := (Date{y, time.January, 1}); nyd.Weekday() == time.Sunday {
		ds.close(nyd.AddDays(1))
	} else {
		ds.close(nyd)
	}
	ds.close(nthWeekday(y, time.January, time.Monday, 3))  // Martin Luther King Jr. Day
	ds.close(nthWeekday(y, time.February, time.Monday, 3)) // Washington's Birthday
	ds.close(easter(y).AddDays(-2))                        // Good Friday
	ds.close(nthWeekday(y, time.May, time.Monday, -1))     // Memorial Day
	if y >= 2022 {
		ds.close(observe(Date{y, time.June, 19})) // Juneteenth
	}
	ds.close(observe(Date{y, time.July, 4}))
	ds.close(nthWeekday(y, time.September, time.Monday, 1)) // Labor Day
	thanksgiving := nthWeekday(y, time.November, time.Thursday, 4)
	ds.close(thanksgiving)
	ds.close(observe(Date{y, time.December, 25}))

	for _, d := range []Date{{y, time.July, 3}, thanksgiving.AddDays(1), {y, time.December, 24}} {
		if !weekend(d) && !ds.closed[d] {
			ds.half[d] = true
		}
	}
}

// hkYear adds the Hong Kong general holidays of year y, by the General Holidays
// Ordinance: a holiday on a Sunday, or on a day that is already a holiday, moves
// to the next day that is neither (Saturdays count as weekdays; the fourth day
// of the Lunar New Year is the usual case). Half days (no afternoon session):
// Christmas Eve, New Year's Eve and Lunar New Year's Eve, when trading days.
func hkYear(ds days, y int) {
	l := lunarOf(y)
	gf := easter(y).AddDays(-2)
	boxing := Date{y, time.December, 26} // the first weekday after Christmas Day
	if boxing.Weekday() == time.Sunday {
		boxing = boxing.AddDays(1)
	}
	base := []Date{
		{y, time.January, 1},
		l.newYear, l.newYear.AddDays(1), l.newYear.AddDays(2),
		gf, gf.AddDays(1), gf.AddDays(3), // Good Friday, the day following, Easter Monday
		l.chingMing,
		{y, time.May, 1},
		l.buddha,
		l.tuenNg,
		{y, time.July, 1},
		l.midAutumn.AddDays(1),
		{y, time.October, 1},
		l.chungYeung,
		{y, time.December, 25}, boxing,
	}
	slices.SortFunc(base, Date.Compare)
	taken := map[Date]bool{}
	var moved []Date
	for _, d := range base {
		if d.Weekday() == time.Sunday || taken[d] {
			moved = append(moved, d)
			continue
		}
		taken[d] = true
	}
	for _, d := range moved {
		for d = d.AddDays(1); d.Weekday() == time.Sunday || taken[d]; d = d.AddDays(1) {
		}
		taken[d] = true
	}
	for d := range taken {
		ds.close(d)
	}
	for _, d := range []Date{{y, time.December, 24}, {y, time.December, 31}, l.newYear.AddDays(-1)} {
		if !weekend(d) && !taken[d] {
			ds.half[d] = true
		}
	}
}

// cnYear adds the Shanghai and Shenzhen exchange closures of year y. The State
// Council publishes them each year, with weekend make-up working days on which
// the exchanges stay closed anyway; these rules reproduce the published
// closures of 2015-2026 (with cnAdjust) and extrapolate them after:
//
//   - one-day festivals (New Year, Qingming, Dragon Boat, Mid-Autumn) make a
//     three-day weekend: a Tuesday festival closes the Monday too, a Thursday
//     one the Friday, a weekend one the next Monday;
//   - Spring Festival closes Lunar New Year's Eve to the 6th day (to the 7th
//     from 2024);
//   - Labour Day closes May 1 (as above) until 2018, then the first three
//     weekdays from May 1;
//   - National Day closes October 1-7; a Mid-Autumn Festival within October 1-8
//     stretches that to October 8, one on September 28-30 starts it then.
func cnYear(ds days, y int) {
	l := lunarOf(y)
	bridge := func(d Date) {
		switch d.Weekday() {
		case time.Tuesday:
			ds.close(d.AddDays(-1))
		case time.Thursday:
			ds.close(d.AddDays(1))
		case time.Saturday:
			d = d.AddDays(2)
		case time.Sunday:
			d = d.AddDays(1)
		}
		ds.close(d)
	}
	span := func(from, to Date) {
		for d := from; !d.After(to); d = d.AddDays(1) {
			ds.close(d)
		}
	}

	bridge(Date{y, time.January, 1})
	last := 5
	if y >= 2024 {
		last = 6
	}
	span(l.newYear.AddDays(-1), l.newYear.AddDays(last))
	bridge(l.chingMing)
	if y <= 2018 {
		bridge(Date{y, time.May, 1})
	} else {
		for d, n := (Date{y, time.May, 1}), 0; n < 3; d = d.AddDays(1) {
			if !weekend(d) {
				ds.close(d)
				n++
			}
		}
	}
	bridge(l.tuenNg)
	from, to := Date{y, time.October, 1}, Date{y, time.October, 7}
	switch ma := l.midAutumn; {
	case !ma.Before(from) && !ma.After(to.AddDays(1)):
		to = to.AddDays(1)
	case !ma.Before(Date{y, time.September, 28}) && ma.Before(from):
		from = ma
	default:
		bridge(ma)
	}
	span(from, to)
}

// cnAdjust applies the published closures the rules above do not produce.
func cnAdjust(ds days) {
	for _, d := range []Date{
		{2015, time.September, 3}, {2015, time.September, 4}, // 70th anniversary of the end of WWII
		{2020, time.January, 31}, // Spring Festival extended (COVID-19)
	} {
		ds.close(d)
	}
	// Mid-Autumn 2015 fell on a Sunday and was not moved to the Monday.
	delete(ds.closed, Date{2015, time.September, 28})
}
