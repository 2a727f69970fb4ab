// Package klcal gives package kline the trading calendar of package calendar, so
// the quote half's K-lines and the trade half's history prices share one calendar.
package klcal

import (
	"time"

	"github.com/futugw/gateway/opend/sim/calendar"
	"github.com/futugw/gateway/opend/sim/kline"
)

// klCalendar adapts package calendar to kline.Calendar. K-lines cover the
// continuous sessions only, as Futu's default (non extended-time) K-lines do:
// HK and CN morning and afternoon, the US regular session; auctions,
// pre-market and after-hours trade no bars.
type klCalendar struct{ m calendar.Market }

func (c klCalendar) Location() *time.Location { return calendar.Location(c.m) }

func (c klCalendar) Sessions(day time.Time) []kline.Session {
	var out []kline.Session
	for _, s := range calendar.Sessions(c.m, calendar.DateOf(day.In(c.Location()))) {
		switch s.Kind {
		case calendar.SessionMorning, calendar.SessionAfternoon, calendar.SessionRegular:
			out = append(out, kline.Session{Start: s.Start, End: s.End})
		}
	}
	return out
}

// Of is kline.Config.Calendar: the real calendar where package
// calendar has one, kline's weekday default elsewhere.
func Of(mkt int32) kline.Calendar {
	if m := calendar.Market(mkt); m.Valid() {
		return klCalendar{m}
	}
	return kline.DefaultCalendar(mkt)
}
