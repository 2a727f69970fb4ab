package keypolicy

import (
	"fmt"
	"strings"
	"time"
)

// minutesPerDay is the length of the hours-window clock.
const minutesPerDay = 24 * 60

// HoursWindow is a daily trading window [Start, End) in minutes after midnight of the
// order service's time zone. End < Start crosses midnight (22:00-02:00).
type HoursWindow struct {
	Start, End int
}

// ParseHoursWindow parses "HH:MM-HH:MM" (24-hour clock, two digits each).
//
// Whitespace around the whole value and around the dash is ignored
// (" 09:30 - 16:00 " is 09:30-16:00); whitespace anywhere else ("09: 30") is refused.
// Start and end must differ: a window of zero length would forbid every order, and a
// full day is expressed by no window at all.
func ParseHoursWindow(s string) (HoursWindow, error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return HoursWindow{}, fmt.Errorf("hours window %q is not HH:MM-HH:MM (e.g. 09:30-16:00)", s)
	}
	start, err := parseClock(strings.TrimSpace(a))
	if err != nil {
		return HoursWindow{}, fmt.Errorf("hours window %q: start %w", s, err)
	}
	end, err := parseClock(strings.TrimSpace(b))
	if err != nil {
		return HoursWindow{}, fmt.Errorf("hours window %q: end %w", s, err)
	}
	if start == end {
		return HoursWindow{}, fmt.Errorf("hours window %q: start and end are equal (omit the window to allow all day)", s)
	}
	return HoursWindow{Start: start, End: end}, nil
}

// parseClock parses exactly "HH:MM".
func parseClock(s string) (int, error) {
	if len(s) != 5 || s[2] != ':' || !isDigit(s[0]) || !isDigit(s[1]) || !isDigit(s[3]) || !isDigit(s[4]) {
		return 0, fmt.Errorf("%q is not HH:MM", s)
	}
	h := int(s[0]-'0')*10 + int(s[1]-'0')
	m := int(s[3]-'0')*10 + int(s[4]-'0')
	if h > 23 || m > 59 {
		return 0, fmt.Errorf("%q is not a time of day (00:00-23:59)", s)
	}
	return h*60 + m, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// Contains reports whether minute (0..1439 after midnight) lies in the window.
func (w HoursWindow) Contains(minute int) bool {
	if w.Start < w.End {
		return minute >= w.Start && minute < w.End
	}
	return minute >= w.Start || minute < w.End
}

// ContainsTime reports whether t, read on the wall clock of loc, lies in the window.
func (w HoursWindow) ContainsTime(t time.Time, loc *time.Location) bool {
	lt := t.In(loc)
	return w.Contains(lt.Hour()*60 + lt.Minute())
}

// Within reports whether every minute of w lies in outer, i.e. w is no wider.
func (w HoursWindow) Within(outer HoursWindow) bool {
	for m := w.Start; m != w.End; m = (m + 1) % minutesPerDay {
		if !outer.Contains(m) {
			return false
		}
	}
	return true
}

// String is the canonical form, "HH:MM-HH:MM" without spaces.
func (w HoursWindow) String() string {
	return fmt.Sprintf("%02d:%02d-%02d:%02d", w.Start/60, w.Start%60, w.End/60, w.End%60)
}
