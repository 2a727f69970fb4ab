package calendar

import (
	"testing"
	"time"
)

func local(m Market, s string) time.Time {
	t, err := time.ParseInLocation(time.DateTime, s, Location(m))
	if err != nil {
		panic(err)
	}
	return t
}

func TestState(t *testing.T) {
	tests := []struct {
		m    Market
		at   string // in the market's zone
		want MarketState
	}{
		{HK, "2026-12-07 08:59:59", StateClosed},
		{HK, "2026-12-07 09:00:00", StateAuction},
		{HK, "2026-12-07 09:19:59", StateAuction},
		{HK, "2026-12-07 09:20:00", StateWaitingOpen},
		{HK, "2026-12-07 09:29:59", StateWaitingOpen},
		{HK, "2026-12-07 09:30:00", StateMorning},
		{HK, "2026-12-07 11:59:59", StateMorning},
		{HK, "2026-12-07 12:00:00", StateRest},
		{HK, "2026-12-07 12:59:59", StateRest},
		{HK, "2026-12-07 13:00:00", StateAfternoon},
		{HK, "2026-12-07 15:59:59", StateAfternoon},
		{HK, "2026-12-07 16:00:00", StateHKCAS},
		{HK, "2026-12-07 16:09:59", StateHKCAS},
		{HK, "2026-12-07 16:10:00", StateClosed},
		{HK, "2026-12-05 10:00:00", StateClosed}, // Saturday
		{HK, "2026-12-25 10:00:00", StateClosed}, // Christmas
		{HK, "2026-12-24 11:59:59", StateMorning},
		{HK, "2026-12-24 12:00:00", StateHKCAS}, // half day: closing auction at noon
		{HK, "2026-12-24 12:10:00", StateClosed},
		{HK, "2026-12-24 13:00:00", StateClosed},

		{US, "2026-12-07 03:59:59", StateClosed},
		{US, "2026-12-07 04:00:00", StatePreMarketBegin},
		{US, "2026-12-07 09:29:59", StatePreMarketBegin},
		{US, "2026-12-07 09:30:00", StateAfternoon},
		{US, "2026-12-07 15:59:59", StateAfternoon},
		{US, "2026-12-07 16:00:00", StateAfterHoursBegin},
		{US, "2026-12-07 19:59:59", StateAfterHoursBegin},
		{US, "2026-12-07 20:00:00", StateAfterHoursEnd},
		{US, "2026-12-07 23:59:59", StateAfterHoursEnd},
		{US, "2026-12-06 12:00:00", StateClosed}, // Sunday
		{US, "2026-11-26 12:00:00", StateClosed}, // Thanksgiving
		{US, "2026-11-27 12:59:59", StateAfternoon},
		{US, "2026-11-27 13:00:00", StateAfterHoursBegin}, // early close
		{US, "2026-11-27 17:00:00", StateAfterHoursEnd},

		{CNSH, "2026-12-07 09:14:59", StateClosed},
		{CNSH, "2026-12-07 09:15:00", StateAuction},
		{CNSH, "2026-12-07 09:25:00", StateWaitingOpen},
		{CNSZ, "2026-12-07 09:30:00", StateMorning},
		{CNSZ, "2026-12-07 11:30:00", StateRest},
		{CNSH, "2026-12-07 13:00:00", StateAfternoon},
		{CNSH, "2026-12-07 14:59:59", StateAfternoon},
		{CNSH, "2026-12-07 15:00:00", StateClosed},
		{CNSH, "2026-10-05 10:00:00", StateClosed}, // National Day week
	}
	for _, tt := range tests {
		if got := State(tt.m, local(tt.m, tt.at)); got != tt.want {
			t.Errorf("State(%v, %s) = %d, want %d", tt.m, tt.at, got, tt.want)
		}
	}
}

func TestStateConvertsZones(t *testing.T) {
	tests := []struct {
		m    Market
		utc  string
		want MarketState
	}{
		{HK, "2026-12-07T01:30:00Z", StateMorning},         // 09:30 HKT
		{HK, "2026-12-06T23:59:00Z", StateClosed},          // 07:59 HKT Monday
		{US, "2026-03-09T13:30:00Z", StateAfternoon},       // 09:30 EDT, the day after DST began
		{US, "2026-03-06T13:30:00Z", StatePreMarketBegin},  // 08:30 EST
		{US, "2026-11-02T14:29:59Z", StatePreMarketBegin},  // 09:29:59 EST, the day after DST ended
		{US, "2026-12-08T00:59:59Z", StateAfterHoursBegin}, // 19:59:59 EST Monday
		{US, "2026-12-08T01:00:00Z", StateAfterHoursEnd},   // 20:00 EST Monday
		{CNSH, "2026-12-07T07:00:00Z", StateClosed},        // 15:00 CST
		{Market(2), "2026-12-07T07:00:00Z", StateNone},     // no calendar
	}
	for _, tt := range tests {
		at, err := time.Parse(time.RFC3339, tt.utc)
		if err != nil {
			t.Fatal(err)
		}
		if got := State(tt.m, at); got != tt.want {
			t.Errorf("State(%v, %s) = %d, want %d", tt.m, tt.utc, got, tt.want)
		}
	}
}

func TestSessions(t *testing.T) {
	type want struct {
		kind       SessionKind
		start, end string // in the market's zone
	}
	tests := []struct {
		m    Market
		date string
		want []want
	}{
		{HK, "2026-12-07", []want{
			{SessionOpeningAuction, "09:00", "09:30"},
			{SessionMorning, "09:30", "12:00"},
			{SessionAfternoon, "13:00", "16:00"},
			{SessionClosingAuction, "16:00", "16:10"},
		}},
		{HK, "2026-12-24", []want{
			{SessionOpeningAuction, "09:00", "09:30"},
			{SessionMorning, "09:30", "12:00"},
			{SessionClosingAuction, "12:00", "12:10"},
		}},
		{US, "2026-07-01", []want{
			{SessionPreMarket, "04:00", "09:30"},
			{SessionRegular, "09:30", "16:00"},
			{SessionAfterHours, "16:00", "20:00"},
		}},
		{US, "2026-11-27", []want{
			{SessionPreMarket, "04:00", "09:30"},
			{SessionRegular, "09:30", "13:00"},
			{SessionAfterHours, "13:00", "17:00"},
		}},
		{CNSZ, "2026-12-07", []want{
			{SessionOpeningAuction, "09:15", "09:25"},
			{SessionMorning, "09:30", "11:30"},
			{SessionAfternoon, "13:00", "15:00"},
		}},
		{HK, "2026-12-25", nil},
		{US, "2026-12-05", nil},
	}
	for _, tt := range tests {
		got := Sessions(tt.m, d(tt.date))
		if len(got) != len(tt.want) {
			t.Errorf("Sessions(%v, %s) = %v, want %d sessions", tt.m, tt.date, got, len(tt.want))
			continue
		}
		for i, w := range tt.want {
			s := got[i]
			start, end := local(tt.m, tt.date+" "+w.start+":00"), local(tt.m, tt.date+" "+w.end+":00")
			if s.Kind != w.kind || !s.Start.Equal(start) || !s.End.Equal(end) || s.Start.Location() != Location(tt.m) {
				t.Errorf("Sessions(%v, %s)[%d] = %v %v-%v, want %v %s-%s", tt.m, tt.date, i, s.Kind, s.Start, s.End, w.kind, w.start, w.end)
			}
		}
	}
	// Summer time: the US regular session opens at 13:30 UTC in July.
	if got := Sessions(US, d("2026-07-01"))[1].Start.UTC(); got != time.Date(2026, 7, 1, 13, 30, 0, 0, time.UTC) {
		t.Errorf("US regular open in July = %v UTC", got)
	}
	s := Sessions(HK, d("2026-12-07"))[1]
	if !s.Contains(s.Start) || s.Contains(s.End) {
		t.Error("Session.Contains is not [Start, End)")
	}
}

// TestStatesMatchSessions checks the two tables agree: inside every session
// the state is a trading state, and it is the session's own.
func TestStatesMatchSessions(t *testing.T) {
	want := map[SessionKind][]MarketState{
		SessionOpeningAuction: {StateAuction, StateWaitingOpen},
		SessionMorning:        {StateMorning},
		SessionAfternoon:      {StateAfternoon},
		SessionClosingAuction: {StateHKCAS},
		SessionPreMarket:      {StatePreMarketBegin},
		SessionRegular:        {StateAfternoon},
		SessionAfterHours:     {StateAfterHoursBegin},
	}
	for _, m := range []Market{HK, US, CNSH} {
		for _, date := range []string{"2026-12-07", "2026-12-24", "2026-11-27"} {
			for _, s := range Sessions(m, d(date)) {
				for at := s.Start; at.Before(s.End); at = at.Add(time.Minute) {
					st := State(m, at)
					ok := false
					for _, w := range want[s.Kind] {
						ok = ok || st == w
					}
					if !ok {
						t.Fatalf("%v %v in %v session: state %d", m, at, s.Kind, st)
					}
				}
			}
		}
	}
}

func TestLocation(t *testing.T) {
	for m, name := range map[Market]string{HK: "Asia/Hong_Kong", US: "America/New_York", CNSH: "Asia/Shanghai", CNSZ: "Asia/Shanghai", 99: "UTC"} {
		if got := Location(m).String(); got != name {
			t.Errorf("Location(%v) = %s, want %s", m, got, name)
		}
	}
}

func TestSessionAt(t *testing.T) {
	tests := []struct {
		m    Market
		at   string // in the market's zone
		want SessionKind
		ok   bool
	}{
		{HK, "2026-12-07 08:59:59", 0, false},
		{HK, "2026-12-07 09:00:00", SessionOpeningAuction, true},
		{HK, "2026-12-07 09:30:00", SessionMorning, true},
		{HK, "2026-12-07 12:00:00", 0, false}, // lunch
		{HK, "2026-12-07 13:00:00", SessionAfternoon, true},
		{HK, "2026-12-07 16:05:00", SessionClosingAuction, true},
		{HK, "2026-12-07 16:10:00", 0, false},
		{HK, "2026-12-05 10:00:00", 0, false}, // Saturday
		{HK, "2026-12-24 12:05:00", SessionClosingAuction, true},
		{US, "2026-12-07 03:59:59", 0, false},
		{US, "2026-12-07 04:00:00", SessionPreMarket, true},
		{US, "2026-12-07 09:30:00", SessionRegular, true},
		{US, "2026-12-07 16:00:00", SessionAfterHours, true},
		{US, "2026-12-07 20:00:00", 0, false},
		{US, "2026-11-27 13:00:00", SessionAfterHours, true}, // early close
		{CNSZ, "2026-12-07 11:30:00", 0, false},
		{CNSZ, "2026-12-07 14:00:00", SessionAfternoon, true},
		{Market(2), "2026-12-07 10:00:00", 0, false},
	}
	for _, tt := range tests {
		got, ok := SessionAt(tt.m, local(tt.m, tt.at))
		if got != tt.want || ok != tt.ok {
			t.Errorf("SessionAt(%v, %s) = %v, %v; want %v, %v", tt.m, tt.at, got, ok, tt.want, tt.ok)
		}
	}
}
