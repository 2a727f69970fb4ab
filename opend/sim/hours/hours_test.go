package hours_test

import (
	"testing"
	"time"

	"github.com/futugw/gateway/opend/sim/calendar"
	"github.com/futugw/gateway/opend/sim/hours"
)

func at(m calendar.Market, s string) time.Time {
	t, err := time.ParseInLocation(time.DateTime, s, calendar.Location(m))
	if err != nil {
		panic(err)
	}
	return t
}

func TestParseMode(t *testing.T) {
	tests := []struct {
		in      string
		want    hours.Mode
		wantErr bool
	}{
		{"", hours.Always, false},
		{"always", hours.Always, false},
		{" Calendar ", hours.Calendar, false},
		{"sometimes", hours.Always, true},
	}
	for _, tt := range tests {
		got, err := hours.ParseMode(tt.in)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("ParseMode(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
		if err == nil && tt.in != "" {
			if back, _ := hours.ParseMode(got.String()); back != got {
				t.Errorf("%v does not round-trip through String", got)
			}
		}
	}
}

func TestWalksAndFills(t *testing.T) {
	const hk, us = int32(calendar.HK), int32(calendar.US)
	tests := []struct {
		mkt       int32
		at        string // in the market's zone
		walks     bool
		fills     bool // without fillOutsideRTH
		fillsORTH bool // with fillOutsideRTH
	}{
		{hk, "2026-12-07 08:59:00", false, false, false},
		{hk, "2026-12-07 09:10:00", true, false, false}, // opening auction
		{hk, "2026-12-07 09:30:00", true, true, true},
		{hk, "2026-12-07 12:30:00", false, false, false}, // lunch
		{hk, "2026-12-07 13:00:00", true, true, true},
		{hk, "2026-12-07 16:05:00", true, false, false}, // closing auction
		{hk, "2026-12-07 21:00:00", false, false, false},
		{hk, "2026-12-05 10:00:00", false, false, false}, // Saturday
		{us, "2026-12-07 03:59:00", false, false, false},
		{us, "2026-12-07 07:00:00", true, false, true},
		{us, "2026-12-07 09:30:00", true, true, true},
		{us, "2026-12-07 17:00:00", true, false, true},
		{us, "2026-12-07 20:00:00", false, false, false},
		{us, "2026-11-26 12:00:00", false, false, false}, // Thanksgiving
		{2, "2026-12-05 03:00:00", true, true, true},     // no calendar: always
	}
	for _, tt := range tests {
		m := calendar.Market(tt.mkt)
		now := at(m, tt.at)
		if got := hours.Walks(tt.mkt, now); got != tt.walks {
			t.Errorf("Walks(%v, %s) = %v", m, tt.at, got)
		}
		if got := hours.Fills(tt.mkt, now, false); got != tt.fills {
			t.Errorf("Fills(%v, %s, false) = %v", m, tt.at, got)
		}
		if got := hours.Fills(tt.mkt, now, true); got != tt.fillsORTH {
			t.Errorf("Fills(%v, %s, true) = %v", m, tt.at, got)
		}
	}
}

// BenchmarkWalks is the cost calendar hours add to every price step.
func BenchmarkWalks(b *testing.B) {
	now := at(calendar.HK, "2026-12-07 10:00:00")
	b.ReportAllocs()
	for b.Loop() {
		hours.Walks(1, now)
	}
}
