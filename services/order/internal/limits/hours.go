package limits

import (
	"fmt"
	"strings"
	"time"
)

// Window is a daily time window [Start, End) in minutes after midnight of some time
// zone. End < Start means the window crosses midnight (e.g. 22:00-02:00).
type Window struct {
	Start, End int
}

// ParseWindow parses "HH:MM-HH:MM". Equal ends are refused: such a window is empty
// or the whole day, and a key's author should say which by leaving it out.
func ParseWindow(s string) (Window, error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), "-")
	if !ok {
		return Window{}, fmt.Errorf("hours window %q: want HH:MM-HH:MM", s)
	}
	start, err := parseClock(a)
	if err != nil {
		return Window{}, fmt.Errorf("hours window %q: %w", s, err)
	}
	end, err := parseClock(b)
	if err != nil {
		return Window{}, fmt.Errorf("hours window %q: %w", s, err)
	}
	if start == end {
		return Window{}, fmt.Errorf("hours window %q: start equals end", s)
	}
	return Window{Start: start, End: end}, nil
}

func parseClock(s string) (int, error) {
	s = strings.TrimSpace(s)
	if len(s) != 5 || s[2] != ':' {
		return 0, fmt.Errorf("time %q: want HH:MM", s)
	}
	h, m := digits2(s[0:2]), digits2(s[3:5])
	if h < 0 || h > 23 || m < 0 || m > 59 {
		return 0, fmt.Errorf("time %q: want 00:00 to 23:59", s)
	}
	return h*60 + m, nil
}

func digits2(s string) int {
	if s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' {
		return -1
	}
	return int(s[0]-'0')*10 + int(s[1]-'0')
}

// Contains reports whether t, read on the wall clock of loc, lies in the window.
func (w Window) Contains(t time.Time, loc *time.Location) bool {
	lt := t.In(loc)
	m := lt.Hour()*60 + lt.Minute()
	if w.Start < w.End {
		return m >= w.Start && m < w.End
	}
	return m >= w.Start || m < w.End
}
