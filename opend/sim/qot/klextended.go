package qot

import (
	"encoding/binary"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/common"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotrequesthistorykl"
	"github.com/futugw/gateway/opend/sim/calendar"
	"github.com/futugw/gateway/opend/sim/kline"
	"github.com/futugw/gateway/opend/sim/market"
)

// US extended hours in Qot_RequestHistoryKL. Futu serves the pre-market
// (04:00-09:30 New York) and after-hours (16:00-20:00) bars of US securities
// when the request sets extendedTime or session ETH / ALL, for K-lines of 60
// minutes and finer; otherwise, and for day and longer K-lines, the regular
// session only. OVERNIGHT is refused (the docs: use ALL for 24-hour data).
//
// Limits of the simulation: package kline generates the regular session
// only, so the extended bars are made here, per history day, from the day's
// bar: the pre-market walks from the previous close to the day's open, the
// after-hours walk starts at the close, both thin (a few percent of the day's
// volume). The overnight session (20:00-04:00) is not simulated, so ALL gives
// what ETH gives; and the live day's bars stay regular only. Extended answers
// are paged by offset over the whole range (keyExtended).

// keyExtended starts the nextReqKey of an extended-hours answer: + 8-byte
// request fingerprint + 4-byte offset.
const keyExtended byte = 'x'

// Shares of the day's volume traded in the extended sessions.
const (
	preMarketShare  = 0.02
	afterHoursShare = 0.015
)

// wantsExtended reads extendedTime and session: true when the answer carries
// the pre-market and after-hours bars.
func wantsExtended(c2s *qotrequesthistorykl.C2S, mkt int32, kl kline.KLType) (bool, error) {
	ext := c2s.GetExtendedTime()
	switch common.Session(c2s.GetSession()) {
	case common.Session_Session_NONE:
	case common.Session_Session_RTH:
		ext = false
	case common.Session_Session_ETH, common.Session_Session_ALL:
		ext = true
	case common.Session_Session_OVERNIGHT:
		return false, failf(codeInvalid, "session OVERNIGHT is not allowed for history K-lines; use ALL for 24-hour data")
	default:
		return false, failf(codeInvalid, "unknown session %d (Qot_Common.Session 0-4)", c2s.GetSession())
	}
	return ext && mkt == market.MarketUS && kl.Minutes() > 0 && kl.Minutes() <= 60, nil
}

// extendedPage answers one page of an extended-hours request: the regular
// bars (history and today's) merged with the extended bars of the history
// days, paged by offset.
func (b *klineBook) extendedPage(s *kline.Series, r kline.Request) (kline.Page, error) {
	fp := fingerprint(s.Security().Key, r) ^ 0xe7
	offset := 0
	switch {
	case len(r.NextKey) == 0:
	case r.NextKey[0] == keyExtended && len(r.NextKey) == 13 && binary.LittleEndian.Uint64(r.NextKey[1:]) == fp:
		offset = int(binary.LittleEndian.Uint32(r.NextKey[9:]))
	default:
		return kline.Page{}, kline.ErrNextKey
	}
	all := r
	all.Max, all.NextKey = 0, nil
	regular, err := b.page(s, all)
	if err != nil {
		return kline.Page{}, err
	}
	bars := append(regular.Bars, extendedBars(s, r, b.seed)...)
	slices.SortStableFunc(bars, func(x, y kline.Bar) int { return x.Time.Compare(y.Time) })
	bars = bars[min(offset, len(bars)):]
	if r.Max > 0 && len(bars) > r.Max {
		key := make([]byte, 13)
		key[0] = keyExtended
		binary.LittleEndian.PutUint64(key[1:], fp)
		binary.LittleEndian.PutUint32(key[9:], uint32(offset+r.Max))
		return kline.Page{Bars: bars[:r.Max], NextKey: key}, nil
	}
	return kline.Page{Bars: bars}, nil
}

// extendedBars returns the pre-market and after-hours bars of kl labelled
// within [r.Begin, r.End] on the history days, adjusted as r asks.
func extendedBars(s *kline.Series, r kline.Request, seed int64) []kline.Bar {
	cal := extendedCalendar{}
	var minutes []kline.Bar
	// A bar is labelled by its end, so the day of r.Begin may hold bars in range.
	for _, day := range s.DayBars(r.Begin.Add(-24*time.Hour), minTime(r.End, historyCut(s, kline.KLDay))) {
		minutes = append(minutes, extendedMinutes(s.Security(), cal, day, seed)...)
	}
	bars := kline.Adjust(kline.Aggregate(minutes, kline.KL1Min, r.KLType, cal), s.Actions(), r.Rehab)
	out := bars[:0]
	for _, b := range bars {
		if !b.Time.Before(r.Begin) && !b.Time.After(r.End) {
			out = append(out, b)
		}
	}
	return out
}

// extendedMinutes makes the 1-minute bars of day's pre-market and after-hours
// sessions from its (unadjusted) day bar, the same for the same seed,
// security and day.
func extendedMinutes(sec kline.Security, cal extendedCalendar, day kline.Bar, seed int64) []kline.Bar {
	sessions := cal.Sessions(day.Time)
	if len(sessions) != 2 {
		return nil
	}
	f := fnv.New64a()
	f.Write([]byte(sec.Key))
	rng := rand.New(rand.NewPCG(uint64(day.Time.Unix())^uint64(seed), f.Sum64()))
	lot := int64(max(sec.LotSize, 1))
	var out []kline.Bar
	walk := func(ses kline.Session, from, to float64, share float64, last float64) {
		n := int(ses.End.Sub(ses.Start) / time.Minute)
		if n <= 0 {
			return
		}
		step := math.Max(math.Abs(to-from), from*0.002) / math.Sqrt(float64(n))
		lots := max(int64(float64(day.Volume/lot)*share), int64(n))
		w, end := 0.0, 0.0
		path := make([]float64, n+1)
		for i := 1; i <= n; i++ {
			w += step * rng.NormFloat64()
			path[i] = w
		}
		end = path[n]
		prev := from
		for i := range n {
			// A bridge from `from` to `to` when to is set, a free walk otherwise.
			x := float64(i+1) / float64(n)
			p := from + path[i+1]
			if !math.IsNaN(to) {
				p = from + (to-from)*x + path[i+1] - end*x
			}
			c := market.Snap(sec.Market, math.Max(p, from*0.5))
			hi := market.Snap(sec.Market, math.Max(prev, c)+math.Abs(rng.NormFloat64())*step*0.3)
			lo := market.Snap(sec.Market, math.Max(math.Min(prev, c)-math.Abs(rng.NormFloat64())*step*0.3, from*0.5))
			vol := max(lots/int64(n)+rng.Int64N(lots/int64(n)+1)-lots/int64(2*n), 1) * lot
			out = append(out, kline.Bar{Time: ses.Start.Add(time.Duration(i+1) * time.Minute),
				Open: prev, High: math.Max(hi, math.Max(prev, c)), Low: math.Min(lo, math.Min(prev, c)), Close: c,
				LastClose: last, Volume: vol, Turnover: float64(vol) * (prev + c) / 2})
			prev, last = c, c
		}
	}
	walk(sessions[0], day.LastClose, day.Open, preMarketShare, day.LastClose)
	walk(sessions[1], day.Close, math.NaN(), afterHoursShare, day.Close)
	return out
}

// extendedCalendar is the US pre-market and after-hours sessions as a
// kline.Calendar, for aggregating their minutes.
type extendedCalendar struct{}

func (extendedCalendar) Location() *time.Location { return calendar.Location(calendar.US) }

func (c extendedCalendar) Sessions(day time.Time) []kline.Session {
	var out []kline.Session
	for _, s := range calendar.Sessions(calendar.US, calendar.DateOf(day.In(c.Location()))) {
		if s.Kind == calendar.SessionPreMarket || s.Kind == calendar.SessionAfterHours {
			out = append(out, kline.Session{Start: s.Start, End: s.End})
		}
	}
	return out
}
