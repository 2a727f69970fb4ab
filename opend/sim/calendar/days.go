package calendar

// Day is one trading day and how much of it trades.
type Day struct {
	Date Date
	Type TradeDateType
}

// TradingDay returns the trading day d of market m, false when m does not
// trade on d (weekend, holiday, or a market without a calendar).
func TradingDay(m Market, d Date) (Day, bool) {
	if !m.Valid() || weekend(d) {
		return Day{}, false
	}
	ds := calendars()[m]
	if ds.closed[d] {
		return Day{}, false
	}
	if ds.half[d] {
		return Day{d, TradeDateMorning}, true
	}
	return Day{d, TradeDateWhole}, true
}

// IsTradingDay reports whether market m trades on d.
func IsTradingDay(m Market, d Date) bool {
	_, ok := TradingDay(m, d)
	return ok
}

// TradingDays returns the trading days of m from from to to, both included,
// in order; nil when to is before from.
func TradingDays(m Market, from, to Date) []Day {
	var out []Day
	for d := from; !d.After(to); d = d.AddDays(1) {
		if day, ok := TradingDay(m, d); ok {
			out = append(out, day)
		}
	}
	return out
}

// NextTradingDay returns the first trading day of m after d; d itself when m
// has no calendar.
func NextTradingDay(m Market, d Date) Date { return step(m, d, 1) }

// PrevTradingDay returns the last trading day of m before d; d itself when m
// has no calendar.
func PrevTradingDay(m Market, d Date) Date { return step(m, d, -1) }

func step(m Market, d Date, dir int) Date {
	if !m.Valid() {
		return d
	}
	for d = d.AddDays(dir); !IsTradingDay(m, d); d = d.AddDays(dir) {
	}
	return d
}
