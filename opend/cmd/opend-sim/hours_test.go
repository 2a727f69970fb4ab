package main

import (
	"testing"

	"github.com/futugw/gateway/opend/sim/hours"
)

// TestParseFlagsMarketHours: -market-hours, its OPEND_SIM_MARKET_HOURS
// fallback, the always default, and refusal of other values.
func TestParseFlagsMarketHours(t *testing.T) {
	tests := []struct {
		name    string
		env     string // "" = unset
		args    []string
		want    hours.Mode
		wantErr bool
	}{
		{"default", "", nil, hours.Always, false},
		{"flag", "", []string{"-market-hours", "calendar"}, hours.Calendar, false},
		{"env", "calendar", nil, hours.Calendar, false},
		{"flag wins", "calendar", []string{"-market-hours", "always"}, hours.Always, false},
		{"bad flag", "", []string{"-market-hours", "weekdays"}, 0, true},
		{"bad env", "nightly", nil, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.env != "" {
				t.Setenv("OPEND_SIM_MARKET_HOURS", tt.env)
			}
			o, err := parseFlags(tt.args)
			if tt.wantErr {
				if err == nil {
					t.Errorf("accepted, market hours %v", o.marketHours)
				}
				return
			}
			if err != nil || o.marketHours != tt.want {
				t.Errorf("market hours %v, %v; want %v", o.marketHours, err, tt.want)
			}
		})
	}
}
