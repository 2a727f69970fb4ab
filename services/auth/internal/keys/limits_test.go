package keys

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func f64(v float64) *float64 { return &v }
func i32(v int32) *int32     { return &v }

func TestLimitsCheck(t *testing.T) {
	tests := []struct {
		name    string
		l       Limits
		wantErr string // substring; "" = valid
	}{
		{"zero is unlimited", Limits{}, ""},
		{"full", Limits{Markets: []string{"HK", "US"}, Symbols: []string{"HK.00700", "US.AAPL"},
			TrdSides: []string{"BUY", "SELL", "SELL_SHORT", "BUY_BACK"}, AccIDs: []string{"281756460288"},
			MaxOrderValue: f64(50000), MaxDailyValue: f64(1e6), MaxOrdersPerMinute: i32(10), HoursWindow: "09:30-16:00"}, ""},
		{"every market", Limits{Markets: []string{"HK", "US", "CN", "HKCC", "SG", "JP", "AU", "MY", "CA"}}, ""},
		{"unknown market", Limits{Markets: []string{"HK", "EU"}}, `allowed_markets: unknown market "EU"`},
		{"lowercase market", Limits{Markets: []string{"hk"}}, "unknown market"},
		{"duplicate market", Limits{Markets: []string{"HK", "HK"}}, "given twice"},
		{"bad symbol", Limits{Symbols: []string{"HK.700"}}, "allowed_symbols: symbol \"HK.700\": HK codes are 5 digits"},
		{"symbol outside markets", Limits{Markets: []string{"US"}, Symbols: []string{"HK.00700"}}, "outside allowed_markets"},
		{"symbol without markets", Limits{Symbols: []string{"HK.00700"}}, ""},
		{"bad side", Limits{TrdSides: []string{"SHORT"}}, "unknown side"},
		{"acc id letters", Limits{AccIDs: []string{"12a"}}, "not numeric"},
		{"acc id empty", Limits{AccIDs: []string{""}}, "not numeric"},
		{"acc id negative", Limits{AccIDs: []string{"-1"}}, "not numeric"},
		{"acc id too big", Limits{AccIDs: []string{"99999999999999999999999"}}, "out of range"},
		{"value zero", Limits{MaxOrderValue: f64(0)}, "max_order_value"},
		{"value negative", Limits{MaxDailyValue: f64(-1)}, "max_daily_value"},
		{"value NaN", Limits{MaxOrderValue: f64(math.NaN())}, "finite"},
		{"value Inf", Limits{MaxDailyValue: f64(math.Inf(1))}, "finite"},
		{"value tiny ok", Limits{MaxOrderValue: f64(0.01)}, ""},
		{"rate 0", Limits{MaxOrdersPerMinute: i32(0)}, "outside 1..10000"},
		{"rate 10001", Limits{MaxOrdersPerMinute: i32(10001)}, "outside 1..10000"},
		{"rate bounds", Limits{MaxOrdersPerMinute: i32(10000)}, ""},
		{"rate 1", Limits{MaxOrdersPerMinute: i32(1)}, ""},
		{"window bad", Limits{HoursWindow: "9-17"}, "hours_window"},
		{"window midnight", Limits{HoursWindow: "22:00-02:00"}, ""},
		{"window empty length", Limits{HoursWindow: "10:00-10:00"}, "equal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.l.Check("limits")
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Check = %v", err)
				}
				return
			}
			var ie *InvalidError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Check = %v, want InvalidError containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestLimitsCheckReportsAll(t *testing.T) {
	err := Limits{Markets: []string{"EU"}, MaxOrdersPerMinute: i32(0), HoursWindow: "x"}.Check("limits")
	var ie *InvalidError
	if !errors.As(err, &ie) || len(ie.Problems) != 3 {
		t.Fatalf("Check = %v, want 3 problems", err)
	}
}
