package calendar

import "time"

// FirstYear and LastYear bound the years with holidays; outside them only
// weekends are closed.
const (
	FirstYear = 2015
	LastYear  = 2030
)

// lunarDates are the Gregorian dates of the festivals that follow the Chinese
// lunisolar calendar (and Ching Ming, a solar term), one row per year from
// FirstYear: facts from the published calendars (checked against the usual
// lunar month table), not computed here.
type lunarDates struct {
	newYear    Date // 1st day of the 1st month (Lunar New Year, Spring Festival)
	chingMing  Date // Ching Ming / Qingming solar term
	buddha     Date // 8th day of the 4th month (Birthday of the Buddha)
	tuenNg     Date // 5th day of the 5th month (Tuen Ng / Dragon Boat)
	midAutumn  Date // 15th day of the 8th month
	chungYeung Date // 9th day of the 9th month
}

func md(y int, m time.Month, d int) Date { return Date{y, m, d} }

var lunar = [LastYear - FirstYear + 1]lunarDates{
	{md(2015, 2, 19), md(2015, 4, 5), md(2015, 5, 25), md(2015, 6, 20), md(2015, 9, 27), md(2015, 10, 21)},
	{md(2016, 2, 8), md(2016, 4, 4), md(2016, 5, 14), md(2016, 6, 9), md(2016, 9, 15), md(2016, 10, 9)},
	{md(2017, 1, 28), md(2017, 4, 4), md(2017, 5, 3), md(2017, 5, 30), md(2017, 10, 4), md(2017, 10, 28)},
	{md(2018, 2, 16), md(2018, 4, 5), md(2018, 5, 22), md(2018, 6, 18), md(2018, 9, 24), md(2018, 10, 17)},
	{md(2019, 2, 5), md(2019, 4, 5), md(2019, 5, 12), md(2019, 6, 7), md(2019, 9, 13), md(2019, 10, 7)},
	{md(2020, 1, 25), md(2020, 4, 4), md(2020, 4, 30), md(2020, 6, 25), md(2020, 10, 1), md(2020, 10, 25)},
	{md(2021, 2, 12), md(2021, 4, 4), md(2021, 5, 19), md(2021, 6, 14), md(2021, 9, 21), md(2021, 10, 14)},
	{md(2022, 2, 1), md(2022, 4, 5), md(2022, 5, 8), md(2022, 6, 3), md(2022, 9, 10), md(2022, 10, 4)},
	{md(2023, 1, 22), md(2023, 4, 5), md(2023, 5, 26), md(2023, 6, 22), md(2023, 9, 29), md(2023, 10, 23)},
	{md(2024, 2, 10), md(2024, 4, 4), md(2024, 5, 15), md(2024, 6, 10), md(2024, 9, 17), md(2024, 10, 11)},
	{md(2025, 1, 29), md(2025, 4, 4), md(2025, 5, 5), md(2025, 5, 31), md(2025, 10, 6), md(2025, 10, 29)},
	{md(2026, 2, 17), md(2026, 4, 5), md(2026, 5, 24), md(2026, 6, 19), md(2026, 9, 25), md(2026, 10, 18)},
	{md(2027, 2, 6), md(2027, 4, 5), md(2027, 5, 13), md(2027, 6, 9), md(2027, 9, 15), md(2027, 10, 8)},
	{md(2028, 1, 26), md(2028, 4, 4), md(2028, 5, 2), md(2028, 5, 28), md(2028, 10, 3), md(2028, 10, 26)},
	{md(2029, 2, 13), md(2029, 4, 4), md(2029, 5, 20), md(2029, 6, 16), md(2029, 9, 22), md(2029, 10, 16)},
	{md(2030, 2, 3), md(2030, 4, 5), md(2030, 5, 9), md(2030, 6, 5), md(2030, 9, 12), md(2030, 10, 5)},
}

// easter returns Easter Sunday of the Gregorian year (the anonymous Gregorian
// algorithm, "Meeus/Jones/Butcher").
func easter(y int) Date {
	a := y % 19
	b, c := y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return Date{y, time.Month(month), day}
}

// nthWeekday returns the n-th (1-based) weekday wd of the month; n = -1 is the last.
func nthWeekday(y int, m time.Month, wd time.Weekday, n int) Date {
	if n < 0 {
		last := NewDate(y, m+1, 0)
		return last.AddDays(-((int(last.Weekday()) - int(wd) + 7) % 7))
	}
	first := Date{y, m, 1}
	return first.AddDays((int(wd)-int(first.Weekday())+7)%7 + 7*(n-1))
}
