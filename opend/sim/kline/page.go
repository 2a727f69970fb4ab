package kline

import (
	"encoding/binary"
	"errors"
	"hash/fnv"
	"time"
)

// Request asks a Series for history bars, as Qot_RequestHistoryKL does.
type Request struct {
	KLType KLType
	Rehab  RehabType
	// Begin and End bound the bar labels (Bar.Time), both inclusive; pass the
	// end of day for a date-only end. A longer period whose label is before
	// Begin (a week that started earlier) is left out.
	Begin, End time.Time
	Max        int    // bars per page; 0 or less = all
	NextKey    []byte // from the previous Page; nil for the first page
}

// Page is one answer: the bars, and the key to ask for the next page (nil on
// the last page).
type Page struct {
	Bars    []Bar
	NextKey []byte
}

// Errors of Request, for the handler to map to a retMsg.
var (
	ErrKLType  = errors.New("kline: unsupported KLType")
	ErrRehab   = errors.New("kline: unsupported RehabType")
	ErrNextKey = errors.New("kline: nextReqKey does not belong to this request")
)

// Request returns one page of history. The next key is opaque: the label of
// the next bar and a fingerprint of the request, so every bar is returned
// exactly once across pages and a key cannot continue another request.
func (s *Series) Request(req Request) (Page, error) {
	if !req.KLType.Valid() {
		return Page{}, ErrKLType
	}
	if !req.Rehab.Valid() {
		return Page{}, ErrRehab
	}
	from := req.Begin
	if req.NextKey != nil {
		t, err := s.decodeKey(req)
		if err != nil {
			return Page{}, err
		}
		from = t
	}
	var out []Bar
	var next []byte
	keep := func(b Bar) bool {
		if b.Time.Before(from) || b.Time.After(req.End) {
			return true
		}
		if req.Max > 0 && len(out) == req.Max {
			next = s.encodeKey(req, b.Time)
			return false
		}
		out = append(out, b)
		return true
	}
	s.stream(req.KLType, req.Rehab, from, req.End, keep)
	return Page{Bars: out, NextKey: next}, nil
}

// stream produces the kl bars of the history days from the period holding
// from up to to, in time order, until emit returns false.
func (s *Series) stream(kl KLType, rt RehabType, from, to time.Time, emit func(Bar) bool) {
	base := KLDay
	if kl.Minutes() > 0 {
		base = KL1Min
	}
	agg := newAggregator(base, kl, s.cal)
	start := periodStart(kl, Midnight(from, s.loc))
	more := true
	s.eachDay(start, to, func(k int) bool {
		var bars []Bar
		if base == KL1Min {
			bars, _ = s.minutesOf(k)
		} else if b, ok := s.dayBar(k); ok {
			bars = []Bar{b}
		}
		for _, b := range Adjust(bars, s.acts, rt) {
			if done, ok := agg.add(b); ok && !emit(done) {
				more = false
				return false
			}
		}
		return true
	})
	if last, ok := agg.flush(); ok && more {
		emit(last)
	}
}

func (s *Series) fingerprint(req Request) uint64 {
	f := fnv.New64a()
	var b [8]byte
	f.Write([]byte(s.sec.Key))
	for _, v := range []int64{int64(req.KLType), int64(req.Rehab), req.Begin.UnixNano(), req.End.UnixNano()} {
		binary.LittleEndian.PutUint64(b[:], uint64(v))
		f.Write(b[:])
	}
	return f.Sum64()
}

func (s *Series) encodeKey(req Request, next time.Time) []byte {
	key := make([]byte, 16)
	binary.LittleEndian.PutUint64(key, s.fingerprint(req))
	binary.LittleEndian.PutUint64(key[8:], uint64(next.UnixNano()))
	return key
}

func (s *Series) decodeKey(req Request) (time.Time, error) {
	if len(req.NextKey) != 16 || binary.LittleEndian.Uint64(req.NextKey) != s.fingerprint(req) {
		return time.Time{}, ErrNextKey
	}
	return time.Unix(0, int64(binary.LittleEndian.Uint64(req.NextKey[8:]))).In(s.loc), nil
}
