package trade

import (
	"strings"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/opend/sim/calendar"
)

// defaultHistorySpan is how far a history query reaches when beginTime or
// endTime is missing: Futu's SDKs fill in 90 days either side.
const defaultHistorySpan = 90 * 24 * time.Hour

// opendTimeLayouts are the two forms OpenD accepts for beginTime and endTime
// ("strictly YYYY-MM-DD HH:MM:SS or YYYY-MM-DD HH:MM:SS.MS").
var opendTimeLayouts = []string{"2006-01-02 15:04:05", "2006-01-02 15:04:05.000"}

// parseOpenDTime reads a filter time in the market's own zone, as OpenD does
// for HK and US securities.
func parseOpenDTime(field, s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range opendTimeLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, refuse(codeInvalidRequest,
		"invalid %s %q: use YYYY-MM-DD HH:MM:SS or YYYY-MM-DD HH:MM:SS.MS", field, s)
}

// timeRange resolves a history filter's [begin, end] window in loc: a missing
// end is 90 days after begin, a missing begin 90 days before end, and with
// neither the window is the last 90 days up to now.
func timeRange(f *trdcommon.TrdFilterConditions, loc *time.Location, now time.Time) (time.Time, time.Time, error) {
	var begin, end time.Time
	var err error
	if s := f.GetBeginTime(); s != "" {
		if begin, err = parseOpenDTime("beginTime", s, loc); err != nil {
			return begin, end, err
		}
	}
	if s := f.GetEndTime(); s != "" {
		if end, err = parseOpenDTime("endTime", s, loc); err != nil {
			return begin, end, err
		}
	}
	switch {
	case begin.IsZero() && end.IsZero():
		end = now
		begin = now.Add(-defaultHistorySpan)
	case begin.IsZero():
		begin = end.Add(-defaultHistorySpan)
	case end.IsZero():
		end = begin.Add(defaultHistorySpan)
	}
	if end.Before(begin) {
		return begin, end, refuse(codeInvalidRequest, "endTime %s is before beginTime %s",
			f.GetEndTime(), f.GetBeginTime())
	}
	return begin, end, nil
}

// marketLoc is the time zone OpenD writes a security's times in.
func marketLoc(qotMarket int32) *time.Location { return calendar.Location(calendar.Market(qotMarket)) }

// accountLoc is the zone of an account's (first) trading market.
func accountLoc(a *account) *time.Location {
	if len(a.cfg.Markets) > 0 {
		if qm, ok := qotMarket(a.cfg.Markets[0]); ok {
			return marketLoc(qm)
		}
	}
	return marketLoc(1)
}
