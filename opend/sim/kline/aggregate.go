package kline

import "time"

// Aggregate builds bars of period kl from finer bars of period base (KL1Min
// or KLDay), in time order. Every period of this package is made by it, so
// periods agree by construction. Intraday periods restart at each session's
// start and are cut by its end. A kl finer than base returns nil.
func Aggregate(bars []Bar, base, kl KLType, cal Calendar) []Bar {
	if !canAggregate(base, kl) {
		return nil
	}
	a := newAggregator(base, kl, cal)
	var out []Bar
	for _, b := range bars {
		if done, ok := a.add(b); ok {
			out = append(out, done)
		}
	}
	if last, ok := a.flush(); ok {
		out = append(out, last)
	}
	return out
}

func canAggregate(base, kl KLType) bool {
	switch base {
	case KL1Min:
		return kl.Valid()
	case KLDay:
		return kl.Valid() && kl.Minutes() == 0
	}
	return false
}

// aggregator folds a stream of base bars into kl bars: one group per period
// key, labelled as Bar documents, the first bar's Open and LastClose kept.
type aggregator struct {
	base, kl KLType
	cal      Calendar
	loc      *time.Location

	day      time.Time // cached sessions of day
	sessions []Session

	cur Bar
	key time.Time
	has bool
}

func newAggregator(base, kl KLType, cal Calendar) *aggregator {
	return &aggregator{base: base, kl: kl, cal: cal, loc: cal.Location()}
}

// add folds b in; when b starts a new period it returns the finished one.
func (a *aggregator) add(b Bar) (Bar, bool) {
	key, label := a.period(b)
	if a.has && key.Equal(a.key) {
		a.cur = merge(a.cur, b)
		return Bar{}, false
	}
	done, had := a.cur, a.has
	a.cur, a.key, a.has = b, key, true
	a.cur.Time = label
	return done, had
}

// current is the unfinished period, if any.
func (a *aggregator) current() (Bar, bool) { return a.cur, a.has }

// flush returns the last period and resets the aggregator.
func (a *aggregator) flush() (Bar, bool) {
	done, had := a.cur, a.has
	a.cur, a.has = Bar{}, false
	return done, had
}

// period returns the key that groups b and the label of a group b starts.
func (a *aggregator) period(b Bar) (key, label time.Time) {
	start := b.Time
	if a.base == KL1Min {
		start = start.Add(-time.Minute)
	}
	if n := a.kl.Minutes(); n > 0 {
		l := a.intraday(start, n)
		return l, l
	}
	day := Midnight(start, a.loc)
	return periodStart(a.kl, day), day
}

// intraday labels the n-minute bucket holding the minute that starts at start.
func (a *aggregator) intraday(start time.Time, n int) time.Time {
	day := Midnight(start, a.loc)
	if !day.Equal(a.day) || a.sessions == nil {
		a.day, a.sessions = day, a.cal.Sessions(day)
	}
	span := time.Duration(n) * time.Minute
	for _, s := range a.sessions {
		if !start.Before(s.Start) && start.Before(s.End) {
			end := s.Start.Add((start.Sub(s.Start)/span + 1) * span)
			if end.After(s.End) {
				end = s.End
			}
			return end
		}
	}
	return start.Add(time.Minute)
}

// periodStart is the local midnight that starts the day, week (Monday),
// month, quarter or year holding day.
func periodStart(kl KLType, day time.Time) time.Time {
	y, m, d := day.Date()
	loc := day.Location()
	switch kl {
	case KLWeek:
		back := (int(day.Weekday()) + 6) % 7
		return time.Date(y, m, d-back, 0, 0, 0, 0, loc)
	case KLMonth:
		return time.Date(y, m, 1, 0, 0, 0, 0, loc)
	case KLQuarter:
		return time.Date(y, (m-1)/3*3+1, 1, 0, 0, 0, 0, loc)
	case KLYear:
		return time.Date(y, 1, 1, 0, 0, 0, 0, loc)
	}
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}
