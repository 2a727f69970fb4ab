package qot

import (
	"math"
	"testing"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/opend/sim/calendar"
	"github.com/futugw/gateway/opend/sim/market"
)

func TestReminderValuePrecision(t *testing.T) {
	const sz = int32(22)
	tests := []struct {
		typ  qotcommon.PriceReminderType
		mkt  int32
		in   float64
		want float64
	}{
		{qotcommon.PriceReminderType_PriceReminderType_PriceUp, market.MarketHK, 480.12345, 480.123},
		{qotcommon.PriceReminderType_PriceReminderType_ChangeRateUp, market.MarketUS, 2.9999, 2.999},
		{qotcommon.PriceReminderType_PriceReminderType_TurnoverUp, market.MarketHK, 102, 100},
		{qotcommon.PriceReminderType_PriceReminderType_TurnoverUp, market.MarketHK, 8, 0},
		{qotcommon.PriceReminderType_PriceReminderType_VolumeUp, market.MarketUS, 1005, 1000},
		{qotcommon.PriceReminderType_PriceReminderType_VolumeUp, sz, 2500, 2000},
		{qotcommon.PriceReminderType_PriceReminderType_BidVolUp, sz, 250, 200},
		{qotcommon.PriceReminderType_PriceReminderType_BidVolUp, market.MarketHK, 250.5, 250.5},
	}
	for _, tt := range tests {
		if got := reminderValue(int32(tt.typ), tt.mkt, tt.in); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("%s in market %d: %v -> %v, want %v", tt.typ, tt.mkt, tt.in, got, tt.want)
		}
	}
}

func TestReminderSession(t *testing.T) {
	tests := []struct {
		mkt   int32
		state calendar.MarketState
		want  int32
	}{
		{market.MarketHK, calendar.StateMorning, sessionOpen},
		{market.MarketHK, calendar.StateClosed, sessionOpen},
		{market.MarketUS, calendar.StatePreMarketBegin, sessionUSPre},
		{market.MarketUS, calendar.StateAfternoon, sessionOpen},
		{market.MarketUS, calendar.StateAfterHoursBegin, sessionUSAfter},
		{market.MarketUS, calendar.StateAfterHoursEnd, sessionOvernight},
		{market.MarketUS, calendar.StateClosed, sessionOvernight},
	}
	for _, tt := range tests {
		if got := reminderSession(tt.mkt, tt.state); got != tt.want {
			t.Errorf("market %d state %d: session %d, want %d", tt.mkt, tt.state, got, tt.want)
		}
	}
}

func TestWindowChange(t *testing.T) {
	t0 := time.Date(2025, 3, 3, 2, 0, 0, 0, time.UTC)
	r := &reminder{}
	steps := []struct {
		after time.Duration
		price float64
		want  float64
	}{
		{0, 100, 0},
		{2 * time.Minute, 101, 1}, // younger than the window: against the first price
		{6 * time.Minute, 102, 2}, // five minutes ago was t0
		{8 * time.Minute, 103, (103.0 - 101) / 101 * 100}, // now t0+2m is the base
		{20 * time.Minute, 99, (99.0 - 103) / 103 * 100},  // the last price before the window
	}
	for _, s := range steps {
		if got := r.windowChange(s.price, t0.Add(s.after), 5*time.Minute); math.Abs(got-s.want) > 1e-9 {
			t.Errorf("at +%v price %v: change %v, want %v", s.after, s.price, got, s.want)
		}
	}
	if len(r.recent) > 2 {
		t.Errorf("window keeps %d points, want the base and the latest", len(r.recent))
	}
}
