package qot

import (
	"math"
	"time"

	"github.com/futugw/gateway/opend/sim/calendar"
)

// synthSeed is a per-security seed for the synthetic reference data
// (suspensions, capital flows, code changes, holders): the market's seed
// mixed with the security, so one simulator seed gives one set of answers.
func (s *Service) synthSeed(key string) uint64 {
	return mix(uint64(s.cfg.Seed) ^ uint64(staticID(key)))
}

// unit maps a hash to [0, 1).
func unit(h uint64) float64 { return float64(h>>11) / (1 << 53) }

// dayHash mixes a seed with a calendar date.
func dayHash(seed uint64, d calendar.Date) uint64 {
	return mix(seed ^ uint64(d.In(time.UTC).Unix()/86400)*0x9e3779b97f4a7c15)
}

// marketToday returns the sim clock's date in the market's zone, and the zone.
func (s *Service) marketToday(qotMarket int32) (calendar.Date, *time.Location) {
	cal, _ := calendarOf(qotMarket)
	loc := calendar.Location(cal)
	return calendar.DateOf(s.cfg.Now().In(loc)), loc
}

// dateRange reads an optional begin/end pair of "yyyy-MM-dd" strings, with
// defaults when empty, and checks order and span.
func dateRange(begin, end string, defBegin, defEnd calendar.Date) (calendar.Date, calendar.Date, error) {
	from, to := defBegin, defEnd
	var err error
	if begin != "" {
		if from, err = parseTradeDate("beginTime", begin); err != nil {
			return from, to, err
		}
	}
	if end != "" {
		if to, err = parseTradeDate("endTime", end); err != nil {
			return from, to, err
		}
	}
	if to.Before(from) {
		return from, to, failf(codeInvalid, "endTime %s is before beginTime %s", to, from)
	}
	if from.AddDays(maxTradeDateSpan).Before(to) {
		return from, to, failf(codeInvalid, "range %s to %s is longer than %d days", from, to, maxTradeDateSpan)
	}
	return from, to, nil
}

// round4 in convert.go rounds half up for positive values only; flows are
// signed.
func roundSigned4(v float64) float64 { return math.Round(v*1e4) / 1e4 }
