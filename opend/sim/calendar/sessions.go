package calendar

import "time"

// SessionKind names a part of a trading day.
type SessionKind int

// Session kinds. HK and CN trade Morning and Afternoon around a lunch break;
// US trades PreMarket, Regular and AfterHours back to back.
const (
	SessionOpeningAuction SessionKind = iota + 1 // HK pre-opening session, CN opening call auction
	SessionMorning                               // HK, CN continuous trading before lunch
	SessionAfternoon                             // HK, CN continuous trading after lunch
	SessionClosingAuction                        // HK closing auction session (CAS)
	SessionPreMarket                             // US 04:00-09:30
	SessionRegular                               // US 09:30-16:00
	SessionAfterHours                            // US 16:00-20:00
)

var sessionNames = [...]string{
	SessionOpeningAuction: "OpeningAuction",
	SessionMorning:        "Morning",
	SessionAfternoon:      "Afternoon",
	SessionClosingAuction: "ClosingAuction",
	SessionPreMarket:      "PreMarket",
	SessionRegular:        "Regular",
	SessionAfterHours:     "AfterHours",
}

func (k SessionKind) String() string {
	if k > 0 && int(k) < len(sessionNames) {
		return sessionNames[k]
	}
	return "SessionKind(?)"
}

// Session is one part of a trading day, [Start, End) in the market's zone.
type Session struct {
	Kind       SessionKind
	Start, End time.Time
}

// Contains reports whether t falls within the session.
func (s Session) Contains(t time.Time) bool { return !t.Before(s.Start) && t.Before(s.End) }

// MarketState is a Futu Qot_Common.QotMarketState value.
type MarketState int32

// Qot_Common.QotMarketState values the calendar reports (and a few neighbours).
const (
	StateNone            MarketState = 0  // QotMarketState_None
	StateAuction         MarketState = 1  // QotMarketState_Auction
	StateWaitingOpen     MarketState = 2  // QotMarketState_WaitingOpen
	StateMorning         MarketState = 3  // QotMarketState_Morning
	StateRest            MarketState = 4  // QotMarketState_Rest
	StateAfternoon       MarketState = 5  // QotMarketState_Afternoon
	StateClosed          MarketState = 6  // QotMarketState_Closed
	StatePreMarketBegin  MarketState = 8  // QotMarketState_PreMarketBegin
	StatePreMarketEnd    MarketState = 9  // QotMarketState_PreMarketEnd
	StateAfterHoursBegin MarketState = 10 // QotMarketState_AfterHoursBegin
	StateAfterHoursEnd   MarketState = 11 // QotMarketState_AfterHoursEnd
	StateHKCAS           MarketState = 19 // QotMarketState_HkCas, the HK closing auction
)

// hm is a local time of day in minutes.
type hm int

func at(h, m int) hm { return hm(h*60 + m) }

type span struct {
	kind       SessionKind
	start, end hm
}

// change is the state from a time of day until the next change.
type change struct {
	from  hm
	state MarketState
}

// schedule is one market's trading day, whole or half.
type schedule struct {
	sessions []span
	states   []change // from 00:00, in order
}

// HK: pre-opening 09:00-09:30 (order input and matching to 09:20, then
// blocking), morning, lunch, afternoon, closing auction. Half days end with
// the morning and hold the closing auction at 12:00.
// US: pre-market, regular (Futu reports it as Afternoon), after-hours; half
// days close at 13:00 with after-hours to 17:00. Before 04:00 the state is
// Closed, after the after-hours session AfterHoursEnd.
// CN: opening call auction 09:15-09:25, then waiting, morning, lunch, afternoon.
var (
	hkWhole = schedule{
		sessions: []span{
			{SessionOpeningAuction, at(9, 0), at(9, 30)},
			{SessionMorning, at(9, 30), at(12, 0)},
			{SessionAfternoon, at(13, 0), at(16, 0)},
			{SessionClosingAuction, at(16, 0), at(16, 10)},
		},
		states: []change{
			{0, StateClosed}, {at(9, 0), StateAuction}, {at(9, 20), StateWaitingOpen},
			{at(9, 30), StateMorning}, {at(12, 0), StateRest}, {at(13, 0), StateAfternoon},
			{at(16, 0), StateHKCAS}, {at(16, 10), StateClosed},
		},
	}
	hkHalf = schedule{
		sessions: []span{
			{SessionOpeningAuction, at(9, 0), at(9, 30)},
			{SessionMorning, at(9, 30), at(12, 0)},
			{SessionClosingAuction, at(12, 0), at(12, 10)},
		},
		states: []change{
			{0, StateClosed}, {at(9, 0), StateAuction}, {at(9, 20), StateWaitingOpen},
			{at(9, 30), StateMorning}, {at(12, 0), StateHKCAS}, {at(12, 10), StateClosed},
		},
	}
	usWhole = schedule{
		sessions: []span{
			{SessionPreMarket, at(4, 0), at(9, 30)},
			{SessionRegular, at(9, 30), at(16, 0)},
			{SessionAfterHours, at(16, 0), at(20, 0)},
		},
		states: []change{
			{0, StateClosed}, {at(4, 0), StatePreMarketBegin}, {at(9, 30), StateAfternoon},
			{at(16, 0), StateAfterHoursBegin}, {at(20, 0), StateAfterHoursEnd},
		},
	}
	usHalf = schedule{
		sessions: []span{
			{SessionPreMarket, at(4, 0), at(9, 30)},
			{SessionRegular, at(9, 30), at(13, 0)},
			{SessionAfterHours, at(13, 0), at(17, 0)},
		},
		states: []change{
			{0, StateClosed}, {at(4, 0), StatePreMarketBegin}, {at(9, 30), StateAfternoon},
			{at(13, 0), StateAfterHoursBegin}, {at(17, 0), StateAfterHoursEnd},
		},
	}
	cnWhole = schedule{
		sessions: []span{
			{SessionOpeningAuction, at(9, 15), at(9, 25)},
			{SessionMorning, at(9, 30), at(11, 30)},
			{SessionAfternoon, at(13, 0), at(15, 0)},
		},
		states: []change{
			{0, StateClosed}, {at(9, 15), StateAuction}, {at(9, 25), StateWaitingOpen},
			{at(9, 30), StateMorning}, {at(11, 30), StateRest}, {at(13, 0), StateAfternoon},
			{at(15, 0), StateClosed},
		},
	}
)

func scheduleOf(m Market, t TradeDateType) schedule {
	half := t != TradeDateWhole
	switch m {
	case HK:
		if half {
			return hkHalf
		}
		return hkWhole
	case US:
		if half {
			return usHalf
		}
		return usWhole
	}
	return cnWhole // CN has no half days
}

// Sessions returns the sessions of market m on d, in order, in the market's
// zone; nil when m does not trade on d.
func Sessions(m Market, d Date) []Session {
	day, ok := TradingDay(m, d)
	if !ok {
		return nil
	}
	loc := Location(m)
	spans := scheduleOf(m, day.Type).sessions
	out := make([]Session, len(spans))
	for i, s := range spans {
		out[i] = Session{
			Kind:  s.kind,
			Start: d.At(int(s.start)/60, int(s.start)%60, loc),
			End:   d.At(int(s.end)/60, int(s.end)%60, loc),
		}
	}
	return out
}

// State returns the Futu market state of m at t: Closed on days m does not
// trade, StateNone for a market without a calendar.
func State(m Market, t time.Time) MarketState {
	if !m.Valid() {
		return StateNone
	}
	local := t.In(Location(m))
	day, ok := TradingDay(m, DateOf(local))
	if !ok {
		return StateClosed
	}
	// Minutes since local midnight by the wall clock; DST changes happen at
	// 02:00 New York time, outside every session.
	now := at(local.Hour(), local.Minute())
	state := StateClosed
	for _, c := range scheduleOf(m, day.Type).states {
		if c.from > now {
			break
		}
		state = c.state
	}
	return state
}

// SessionAt returns the kind of the session of m in progress at t; false
// between sessions, on days m does not trade and for a market without a
// calendar. Like State it reads the market's wall clock to the minute.
func SessionAt(m Market, t time.Time) (SessionKind, bool) {
	if !m.Valid() {
		return 0, false
	}
	local := t.In(Location(m))
	day, ok := TradingDay(m, DateOf(local))
	if !ok {
		return 0, false
	}
	now := at(local.Hour(), local.Minute())
	for _, s := range scheduleOf(m, day.Type).sessions {
		if s.start <= now && now < s.end {
			return s.kind, true
		}
	}
	return 0, false
}
