package qot

import (
	"fmt"
	"math"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/opend/sim/calendar"
	"github.com/futugw/gateway/opend/sim/market"
)

// reminder is one price reminder (到价提醒) of a user on a security.
type reminder struct {
	key      int64
	sec      string // "HK.00700"
	typ      int32  // Qot_Common.PriceReminderType
	freq     int32  // Qot_Common.PriceReminderFreq
	value    float64
	note     string
	enabled  bool
	sessions []int32 // Qot_Common.PriceReminderMarketStatus
	// armed is false while the condition holds: a reminder fires when the walk
	// crosses into its condition, not on every step spent inside it.
	armed   bool
	firedOn calendar.Date // last day it fired, for OnceADay
	// recent holds the prices seen over the last window, for the 3- and
	// 5-minute change rates.
	recent []pricePoint
}

// pricePoint is one traded price at a sim-clock instant.
type pricePoint struct {
	at    time.Time
	price float64
}

// Qot_Common.PriceReminderFreq values.
const (
	freqAlways   = int32(qotcommon.PriceReminderFreq_PriceReminderFreq_Always)
	freqOnceADay = int32(qotcommon.PriceReminderFreq_PriceReminderFreq_OnceADay)
	freqOnlyOnce = int32(qotcommon.PriceReminderFreq_PriceReminderFreq_OnlyOnce)
)

// Qot_Common.PriceReminderMarketStatus values.
const (
	sessionOpen      = int32(qotcommon.PriceReminderMarketStatus_PriceReminderMarketStatus_Open)
	sessionUSPre     = int32(qotcommon.PriceReminderMarketStatus_PriceReminderMarketStatus_USPre)
	sessionUSAfter   = int32(qotcommon.PriceReminderMarketStatus_PriceReminderMarketStatus_USAfter)
	sessionOvernight = int32(qotcommon.PriceReminderMarketStatus_PriceReminderMarketStatus_USOverNight)
)

// maxRemindersPerSecurity bounds one user's reminders on one security. OpenD
// has a per-account cap it does not document; this is the simulator's.
const maxRemindersPerSecurity = 50

// maxNoteRunes is OpenD's limit on a note: 20 characters.
const maxNoteRunes = 20

// reminderRule says what a PriceReminderType watches and which way it fires.
type reminderRule struct {
	what string // for the push's content
	// measure reads the watched value from a quote; nil for the windowed
	// change rates, which read the reminder's recent prices.
	measure func(q market.Quote) (float64, bool)
	window  time.Duration // 3 or 5 minutes for the windowed change rates
	falls   bool          // a windowed rate that watches a fall
	below   bool          // fires when the measure falls to the value, not rises to it
	percent bool          // the value is a percentage
}

func measurePrice(q market.Quote) (float64, bool) { return q.Cur, true }

// changeRate is today's change in percent against the previous close.
func changeRate(q market.Quote) float64 {
	if q.LastClose <= 0 {
		return 0
	}
	return (q.Cur - q.LastClose) / q.LastClose * 100
}

// bestLevel reads the top of the synthetic book the quote handlers serve.
func bestLevel(q market.Quote, ask bool) level {
	asks, bids := book(q)
	side := bids
	if ask {
		side = asks
	}
	if len(side) == 0 {
		return level{}
	}
	return side[0]
}

var reminderRules = map[int32]reminderRule{
	int32(qotcommon.PriceReminderType_PriceReminderType_PriceUp):   {what: "Price up to", measure: measurePrice},
	int32(qotcommon.PriceReminderType_PriceReminderType_PriceDown): {what: "Price down to", measure: measurePrice, below: true},
	int32(qotcommon.PriceReminderType_PriceReminderType_ChangeRateUp): {what: "Day change up over",
		measure: func(q market.Quote) (float64, bool) { return changeRate(q), true }, percent: true},
	int32(qotcommon.PriceReminderType_PriceReminderType_ChangeRateDown): {what: "Day change down over",
		measure: func(q market.Quote) (float64, bool) { return -changeRate(q), true }, percent: true},
	int32(qotcommon.PriceReminderType_PriceReminderType_5MinChangeRateUp):   {what: "5-min change up over", window: 5 * time.Minute, percent: true},
	int32(qotcommon.PriceReminderType_PriceReminderType_5MinChangeRateDown): {what: "5-min change down over", window: 5 * time.Minute, falls: true, percent: true},
	int32(qotcommon.PriceReminderType_PriceReminderType_3MinChangeRateUp):   {what: "3-min change up over", window: 3 * time.Minute, percent: true},
	int32(qotcommon.PriceReminderType_PriceReminderType_3MinChangeRateDown): {what: "3-min change down over", window: 3 * time.Minute, falls: true, percent: true},
	int32(qotcommon.PriceReminderType_PriceReminderType_VolumeUp): {what: "Volume over",
		measure: func(q market.Quote) (float64, bool) { return float64(q.Volume), true }},
	int32(qotcommon.PriceReminderType_PriceReminderType_TurnoverUp): {what: "Turnover over",
		measure: func(q market.Quote) (float64, bool) { return q.Turnover, true }},
	// The simulator reports a turnover rate of 0, so this never fires.
	int32(qotcommon.PriceReminderType_PriceReminderType_TurnoverRateUp): {what: "Turnover rate over",
		measure: func(market.Quote) (float64, bool) { return 0, true }, percent: true},
	int32(qotcommon.PriceReminderType_PriceReminderType_BidPriceUp): {what: "Bid price up to",
		measure: func(q market.Quote) (float64, bool) { return bestLevel(q, false).price, true }},
	int32(qotcommon.PriceReminderType_PriceReminderType_AskPriceDown): {what: "Ask price down to",
		measure: func(q market.Quote) (float64, bool) { return bestLevel(q, true).price, true }, below: true},
	int32(qotcommon.PriceReminderType_PriceReminderType_BidVolUp): {what: "Bid volume over",
		measure: func(q market.Quote) (float64, bool) { return float64(bestLevel(q, false).volume), true }},
	int32(qotcommon.PriceReminderType_PriceReminderType_AskVolUp): {what: "Ask volume over",
		measure: func(q market.Quote) (float64, bool) { return float64(bestLevel(q, true).volume), true }},
}

// holds reports whether r's condition is met by q at now, and the measured
// value. Windowed rates first record q's price.
func (r *reminder) holds(q market.Quote, now time.Time) (cur float64, ok bool) {
	rule := reminderRules[r.typ]
	if rule.window > 0 {
		cur = r.windowChange(q.Cur, now, rule.window)
		if rule.falls {
			cur = -cur
		}
	} else if cur, ok = rule.measure(q); !ok {
		return cur, false
	}
	if rule.below {
		return cur, cur <= r.value
	}
	return cur, cur >= r.value
}

// windowChange records price at now and returns its change in percent
// against the price a window ago: the last one seen at or before now-window,
// or the first seen when the reminder is younger than the window.
func (r *reminder) windowChange(price float64, now time.Time, window time.Duration) float64 {
	r.recent = append(r.recent, pricePoint{now, price})
	cutoff := now.Add(-window)
	base := 0
	for i, p := range r.recent {
		if p.at.After(cutoff) {
			break
		}
		base = i
	}
	r.recent = r.recent[base:] // older points can never be the base again
	ref := r.recent[0].price
	if ref <= 0 {
		return 0
	}
	return (price - ref) / ref * 100
}

func isCN(mkt int32) bool { return slices.Contains(cnMarkets, mkt) }

// reminderValue applies OpenD's precision: turnover down to a multiple of 10,
// volume of 10 shares (1000 for A-shares), A-share best-level volume of 100,
// everything else truncated to 3 decimals.
func reminderValue(typ int32, mkt int32, v float64) float64 {
	floorTo := func(step float64) float64 { return math.Floor(v/step) * step }
	switch qotcommon.PriceReminderType(typ) {
	case qotcommon.PriceReminderType_PriceReminderType_TurnoverUp:
		return floorTo(10)
	case qotcommon.PriceReminderType_PriceReminderType_VolumeUp:
		if isCN(mkt) {
			return floorTo(1000)
		}
		return floorTo(10)
	case qotcommon.PriceReminderType_PriceReminderType_BidVolUp, qotcommon.PriceReminderType_PriceReminderType_AskVolUp:
		if isCN(mkt) {
			return floorTo(100)
		}
	}
	return math.Trunc(v*1000+1e-7) / 1000
}

// reminderSpec is the settable part of a reminder, checked.
type reminderSpec struct {
	typ, freq int32
	value     float64
	note      string
	sessions  []int32
}

// checkSpec validates what Add and Modify set. US reminders watch the
// sessions they list (default regular, pre- and after-hours, as OpenD);
// other markets have only the regular session.
func checkSpec(inst market.Instrument, typ, freq int32, value float64, note string, sessions []int32) (reminderSpec, error) {
	if _, ok := reminderRules[typ]; !ok {
		return reminderSpec{}, failf(codeInvalid, "type %d is not a PriceReminderType (1-15)", typ)
	}
	if freq != freqAlways && freq != freqOnceADay && freq != freqOnlyOnce {
		return reminderSpec{}, failf(codeInvalid, "freq %d: want 1 Always, 2 OnceADay or 3 OnlyOnce", freq)
	}
	if !(value > 0) || math.IsInf(value, 0) {
		return reminderSpec{}, failf(codeInvalid, "value %v: want a positive number", value)
	}
	if n := utf8.RuneCountInString(note); n > maxNoteRunes {
		return reminderSpec{}, failf(codeInvalid, "note has %d characters, at most %d", n, maxNoteRunes)
	}
	spec := reminderSpec{typ: typ, freq: freq, value: reminderValue(typ, inst.Market, value), note: note}
	if inst.Market != market.MarketUS {
		spec.sessions = []int32{sessionOpen}
		return spec, nil
	}
	if len(sessions) == 0 {
		sessions = []int32{sessionOpen, sessionUSPre, sessionUSAfter}
	}
	for _, s := range sessions {
		if s < sessionOpen || s > sessionOvernight {
			return reminderSpec{}, failf(codeInvalid, "reminder session %d is not a PriceReminderMarketStatus (1-4)", s)
		}
		if !slices.Contains(spec.sessions, s) {
			spec.sessions = append(spec.sessions, s)
		}
	}
	slices.Sort(spec.sessions)
	return spec, nil
}

// reminderSession is the PriceReminderMarketStatus of a security's market at
// an instant: US pre-market, after-hours and overnight are their own sessions,
// everything else counts as Open (the walk never stops, so neither do reminders).
func reminderSession(mkt int32, st calendar.MarketState) int32 {
	if mkt != market.MarketUS {
		return sessionOpen
	}
	switch st {
	case calendar.StatePreMarketBegin, calendar.StatePreMarketEnd:
		return sessionUSPre
	case calendar.StateAfterHoursBegin:
		return sessionUSAfter
	case calendar.StateAfterHoursEnd, calendar.StateClosed:
		return sessionOvernight
	}
	return sessionOpen
}

// content is the push's text, such as "Price up to 480.200 (now 480.400)".
func (r *reminder) content(cur float64) string {
	rule := reminderRules[r.typ]
	if rule.percent {
		return fmt.Sprintf("%s %.3f%% (now %.3f%%)", rule.what, r.value, cur)
	}
	return fmt.Sprintf("%s %.3f (now %.3f)", rule.what, r.value, cur)
}
