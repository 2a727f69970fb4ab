package kline

import (
	"time"

	"github.com/futugw/gateway/opend/sim/market"
)

// Session is one continuous trading period of a day, [Start, End).
type Session struct{ Start, End time.Time }

// Calendar says when a market trades. Days are local midnights in Location.
// The calendar package provides the real one; Weekdays is a simple default.
type Calendar interface {
	Location() *time.Location
	// Sessions returns the day's sessions in time order, none on a day
	// without trading.
	Sessions(day time.Time) []Session
}

// Span is a session as minutes after local midnight, [Open, Close).
type Span struct{ Open, Close int }

type weekdays struct {
	loc   *time.Location
	spans []Span
}

// Weekdays is a calendar that trades the spans every Monday to Friday.
func Weekdays(loc *time.Location, spans ...Span) Calendar {
	return weekdays{loc: loc, spans: append([]Span(nil), spans...)}
}

func (w weekdays) Location() *time.Location { return w.loc }

func (w weekdays) Sessions(day time.Time) []Session {
	day = day.In(w.loc)
	if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return nil
	}
	y, m, d := day.Date()
	out := make([]Session, len(w.spans))
	for i, s := range w.spans {
		out[i] = Session{time.Date(y, m, d, 0, s.Open, 0, 0, w.loc), time.Date(y, m, d, 0, s.Close, 0, 0, w.loc)}
	}
	return out
}

// DefaultCalendar is a weekday calendar with the regular sessions of a
// market: HK 09:30-12:00 and 13:00-16:00 (UTC+8), US 09:30-16:00 New York time.
func DefaultCalendar(mkt int32) Calendar {
	if mkt == market.MarketUS {
		loc, err := time.LoadLocation("America/New_York")
		if err != nil {
			loc = time.FixedZone("EST", -5*3600)
		}
		return Weekdays(loc, Span{9*60 + 30, 16 * 60})
	}
	return Weekdays(time.FixedZone("HKT", 8*3600), Span{9*60 + 30, 12 * 60}, Span{13 * 60, 16 * 60})
}

// Midnight returns the local midnight of t's day in loc.
func Midnight(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// maxGap bounds the search for the next or previous trading day.
const maxGap = 31

// PrevTradingDay returns the last trading day before day, false if none lies
// within a month.
func PrevTradingDay(cal Calendar, day time.Time) (time.Time, bool) {
	return stepTradingDay(cal, day, -1)
}

func stepTradingDay(cal Calendar, day time.Time, dir int) (time.Time, bool) {
	d := Midnight(day, cal.Location())
	for range maxGap {
		d = d.AddDate(0, 0, dir)
		if len(cal.Sessions(d)) > 0 {
			return d, true
		}
	}
	return time.Time{}, false
}

// tradingMinutes is the number of whole minutes in sessions.
func tradingMinutes(sessions []Session) int {
	n := 0
	for _, s := range sessions {
		n += int(s.End.Sub(s.Start) / time.Minute)
	}
	return n
}

// minuteStart is the start of the i-th trading minute of the day.
func minuteStart(sessions []Session, i int) time.Time {
	for _, s := range sessions {
		n := int(s.End.Sub(s.Start) / time.Minute)
		if i < n {
			return s.Start.Add(time.Duration(i) * time.Minute)
		}
		i -= n
	}
	return time.Time{}
}

// minuteIndex maps an instant to the trading minute it belongs to: inside a
// session its own minute, before the first session the first minute, in a
// break or after the close the last minute before it.
func minuteIndex(sessions []Session, t time.Time) int {
	idx := 0
	for _, s := range sessions {
		n := int(s.End.Sub(s.Start) / time.Minute)
		switch {
		case t.Before(s.Start):
			return max(idx-1, 0)
		case t.Before(s.End):
			return idx + int(t.Sub(s.Start)/time.Minute)
		}
		idx += n
	}
	return max(idx-1, 0)
}
