package qot

import (
	"encoding/binary"
	"hash/fnv"
	"time"

	"github.com/futugw/gateway/opend/sim/kline"
)

// A Qot_RequestHistoryKL answer runs through the history days (paged by
// kline's own key) and then today's bars (paged by offset). The first byte
// of our nextReqKey says which part the next page starts in.
const (
	keyHistory byte = 'h' // + kline's 16-byte key
	keyToday   byte = 't' // + 8-byte request fingerprint + 4-byte offset in today's bars
)

// periodStart is the local midnight that starts the period of kl holding day
// (the day itself for intraday and day bars); weeks start on Monday.
func periodStart(kl kline.KLType, day time.Time) time.Time {
	y, m, d := day.Date()
	loc := day.Location()
	switch kl {
	case kline.KLWeek:
		return time.Date(y, m, d-(int(day.Weekday())+6)%7, 0, 0, 0, 0, loc)
	case kline.KLMonth:
		return time.Date(y, m, 1, 0, 0, 0, 0, loc)
	case kline.KLQuarter:
		return time.Date(y, (m-1)/3*3+1, 1, 0, 0, 0, 0, loc)
	case kline.KLYear:
		return time.Date(y, 1, 1, 0, 0, 0, 0, loc)
	}
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// historyCut is the last instant a history bar of kl may be labelled: before
// today, or for week and longer periods before the current period, whose bar
// is today's (it folds the period's history days with the live day).
func historyCut(s *kline.Series, kl kline.KLType) time.Time {
	return periodStart(kl, s.Today()).Add(-time.Nanosecond)
}

// today returns the bars of kl that include the live day, oldest first: the
// Builder's once the security has traded today; before that (or on a day
// without trading) only the current week/month/quarter/year bar made of its
// history days, as that bar is left out of history by historyCut.
func (b *klineBook) today(s *kline.Series, kl kline.KLType, rt kline.RehabType) []kline.Bar {
	if bars := b.ensure(s).Bars(kl, rt); len(bars) > 0 {
		return bars
	}
	if kl.Minutes() > 0 || kl == kline.KLDay {
		return nil
	}
	p, err := s.Request(kline.Request{KLType: kl, Rehab: rt,
		Begin: periodStart(kl, s.Today()), End: s.Today().Add(-time.Nanosecond)})
	if err != nil {
		return nil
	}
	return p.Bars
}

// page answers one page of Qot_RequestHistoryKL: the bars labelled within
// [r.Begin, r.End], history first, then today's, at most r.Max (0 = all).
func (b *klineBook) page(s *kline.Series, r kline.Request) (kline.Page, error) {
	fp := fingerprint(s.Security().Key, r)
	hr := r
	hr.End = minTime(r.End, historyCut(s, r.KLType))
	hr.NextKey = nil
	offset := 0
	var out []kline.Bar
	inHistory := true
	switch {
	case len(r.NextKey) == 0:
	case r.NextKey[0] == keyHistory:
		hr.NextKey = r.NextKey[1:]
	case r.NextKey[0] == keyToday && len(r.NextKey) == 13 && binary.LittleEndian.Uint64(r.NextKey[1:]) == fp:
		inHistory = false
		offset = int(binary.LittleEndian.Uint32(r.NextKey[9:]))
	default:
		return kline.Page{}, kline.ErrNextKey
	}
	if inHistory {
		p, err := s.Request(hr)
		if err != nil {
			return kline.Page{}, err
		}
		if p.NextKey != nil {
			return kline.Page{Bars: p.Bars, NextKey: append([]byte{keyHistory}, p.NextKey...)}, nil
		}
		out = p.Bars
	}
	var live []kline.Bar
	if !r.End.Before(periodStart(r.KLType, s.Today())) { // the range reaches today's bars
		for _, bar := range b.today(s, r.KLType, r.Rehab) {
			if !bar.Time.Before(r.Begin) && !bar.Time.After(r.End) {
				live = append(live, bar)
			}
		}
	}
	live = live[min(offset, len(live)):]
	if r.Max > 0 && len(out)+len(live) > r.Max {
		room := r.Max - len(out)
		key := make([]byte, 13)
		key[0] = keyToday
		binary.LittleEndian.PutUint64(key[1:], fp)
		binary.LittleEndian.PutUint32(key[9:], uint32(offset+room))
		return kline.Page{Bars: append(out, live[:room]...), NextKey: key}, nil
	}
	return kline.Page{Bars: append(out, live...)}, nil
}

// latest returns the last n bars of kl up to now, history then today's,
// widening the history window until it holds enough bars or reaches the
// first history day.
func (b *klineBook) latest(s *kline.Series, kl kline.KLType, rt kline.RehabType, n int) []kline.Bar {
	live := b.today(s, kl, rt)
	if len(live) >= n {
		return live[len(live)-n:]
	}
	need := n - len(live)
	first, _, ok := s.Span()
	if !ok {
		return live
	}
	cut := historyCut(s, kl)
	for days := calendarDays(kl, need); ; days *= 2 {
		from := cut.AddDate(0, 0, -days)
		p, err := s.Request(kline.Request{KLType: kl, Rehab: rt, Begin: from, End: cut})
		if err != nil {
			return live
		}
		if len(p.Bars) >= need || !from.After(first) {
			hist := p.Bars[max(len(p.Bars)-need, 0):]
			return append(hist, live...)
		}
	}
}

// calendarDays estimates the calendar days that hold n bars of kl.
func calendarDays(kl kline.KLType, n int) int {
	switch kl {
	case kline.KLDay:
		return n*7/5 + 10
	case kline.KLWeek:
		return n*7 + 7
	case kline.KLMonth:
		return n*31 + 31
	case kline.KLQuarter:
		return n*92 + 92
	case kline.KLYear:
		return n*366 + 366
	}
	// At least 200 trading minutes a day, 5 trading days a week.
	return n*kl.Minutes()*7/(200*5) + 10
}

func fingerprint(key string, r kline.Request) uint64 {
	f := fnv.New64a()
	f.Write([]byte(key))
	var b [8]byte
	for _, v := range []int64{int64(r.KLType), int64(r.Rehab), r.Begin.UnixNano(), r.End.UnixNano()} {
		binary.LittleEndian.PutUint64(b[:], uint64(v))
		f.Write(b[:])
	}
	return f.Sum64()
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
