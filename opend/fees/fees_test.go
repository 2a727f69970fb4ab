package fees

import (
	"math"
	"slices"
	"testing"
)

// The expected numbers are worked by hand from the published rates (fees.go), so a
// changed rate or rounding rule shows here rather than being copied into the test.
func TestFor(t *testing.T) {
	type it = Item
	cases := []struct {
		name     string
		x        Execution
		currency string
		want     []Item
		total    float64
	}{
		{
			// 48,000: commission 0.03% = 14.40; stamp 0.1% = 48; trading 0.00565% =
			// 2.712; SFC 0.0027% = 1.296; FRC 0.00015% = 0.072; settlement 0.002% =
			// 0.96, raised to the HKD 2 floor.
			"HK buy 100 @ 480", Execution{MarketHK, false, 100, 48_000}, "HKD",
			[]Item{{Commission, 14.40}, {PlatformFees, 15}, {StampDuty, 48}, {TradingFees, 2.71},
				{SFCLevy, 1.30}, {FRCLevy, 0.07}, {SettlementFees, 2}},
			83.48,
		},
		{
			// 2,000: commission 0.60 raised to HKD 3; stamp 2.00; trading 0.113; SFC
			// 0.054; FRC 0.003 raised to 0.01; settlement 0.04 raised to 2.
			"HK minimum commission", Execution{MarketHK, false, 100, 2_000}, "HKD",
			[]Item{{Commission, 3}, {PlatformFees, 15}, {StampDuty, 2}, {TradingFees, 0.11},
				{SFCLevy, 0.05}, {FRCLevy, 0.01}, {SettlementFees, 2}},
			22.17,
		},
		{
			// A sell pays stamp duty too. 200 @ 38.15 = 7,630: stamp 7.63 rounds up
			// to 8; commission 2.289 raised to 3; trading 0.431; SFC 0.206; FRC 0.011.
			"HK stamp duty rounds up to a dollar", Execution{MarketHK, true, 200, 7_630}, "HKD",
			[]Item{{Commission, 3}, {PlatformFees, 15}, {StampDuty, 8}, {TradingFees, 0.43},
				{SFCLevy, 0.21}, {FRCLevy, 0.01}, {SettlementFees, 2}},
			28.65,
		},
		{
			// 1,000,000: settlement 20 is inside HKD 2..100; commission 300; stamp
			// 1,000; trading 56.50; SFC 27; FRC 1.50.
			"HK settlement inside its clamp", Execution{MarketHK, false, 10_000, 1_000_000}, "HKD",
			[]Item{{Commission, 300}, {PlatformFees, 15}, {StampDuty, 1_000}, {TradingFees, 56.5},
				{SFCLevy, 27}, {FRCLevy, 1.5}, {SettlementFees, 20}},
			1_420,
		},
		{
			// 10,000,000: settlement 200 capped at HKD 100.
			"HK settlement cap", Execution{MarketHK, false, 100_000, 10_000_000}, "HKD",
			[]Item{{Commission, 3_000}, {PlatformFees, 15}, {StampDuty, 10_000}, {TradingFees, 565},
				{SFCLevy, 270}, {FRCLevy, 15}, {SettlementFees, 100}},
			13_965,
		},
		{
			// 10 shares: commission 0.049 raised to USD 0.99, platform 0.05 raised to
			// 1.00, settlement 0.03; a buy pays no SEC fee or TAF.
			"US buy per-share minimums", Execution{MarketUS, false, 10, 2_300}, "USD",
			[]Item{{Commission, 0.99}, {PlatformFees, 1}, {SettlementFees, 0.03}},
			2.02,
		},
		{
			// 1,000 @ 50: commission 4.90, platform 5.00, settlement 3.00; SEC
			// 50,000 x 0.00278% = 1.39 exactly (not raised a cent); TAF 0.166 up to 0.17.
			"US sell pays SEC and TAF", Execution{MarketUS, true, 1_000, 50_000}, "USD",
			[]Item{{Commission, 4.9}, {PlatformFees, 5}, {SettlementFees, 3}, {SECFees, 1.39}, {TAF, 0.17}},
			14.46,
		},
		{
			// SEC 36,000 x 0.00278% = 1.0008, rounded up (not to nearest) to 1.01;
			// commission 400 x 0.0049 = 1.96; platform 2.00; settlement 1.20; TAF 0.0664
			// up to 0.07.
			"US SEC fee rounds up", Execution{MarketUS, true, 400, 36_000}, "USD",
			[]Item{{Commission, 1.96}, {PlatformFees, 2}, {SettlementFees, 1.2}, {SECFees, 1.01}, {TAF, 0.07}},
			6.24,
		},
		{
			// 1,000 @ 0.50 = 500: commission 4.90 and platform 5.00 both capped at
			// 0.5% = 2.50; settlement 3.00 (7% cap is 35); SEC 0.0139 up to 0.02.
			"US 0.5% cap", Execution{MarketUS, true, 1_000, 500}, "USD",
			[]Item{{Commission, 2.5}, {PlatformFees, 2.5}, {SettlementFees, 3}, {SECFees, 0.02}, {TAF, 0.17}},
			8.19,
		},
		{
			// 10,000 @ 0.02 = 200: settlement 30 capped at 7% = 14; commission 49 and
			// platform 50 capped at 1.00 (0.5%), below their own minimums.
			"US settlement 7% cap", Execution{MarketUS, false, 10_000, 200}, "USD",
			[]Item{{Commission, 1}, {PlatformFees, 1}, {SettlementFees, 14}},
			16,
		},
		{
			// 60,000 @ 10: TAF 60,000 x 0.000166 = 9.96 capped at USD 8.30; SEC 16.68;
			// commission 294; platform 300; settlement 180.
			"US TAF max", Execution{MarketUS, true, 60_000, 600_000}, "USD",
			[]Item{{Commission, 294}, {PlatformFees, 300}, {SettlementFees, 180}, {SECFees, 16.68}, {TAF, 8.3}},
			798.98,
		},
		{
			// 100 @ 0.01 = 1: SEC 0.0000278 and TAF 0.0166 are at least a cent each.
			"US sell fee floors", Execution{MarketUS, true, 100, 1}, "USD",
			[]Item{{Commission, 0.01}, {PlatformFees, 0.01}, {SettlementFees, 0.07}, {SECFees, 0.01}, {TAF, 0.02}},
			0.12,
		},
		{"nothing filled costs nothing", Execution{MarketHK, false, 0, 0}, "HKD", nil, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			items, cur, ok := For(c.x)
			if !ok || cur != c.currency {
				t.Fatalf("currency %q ok %v, want %q", cur, ok, c.currency)
			}
			if !slices.EqualFunc(items, c.want, func(a, b it) bool { return a.Title == b.Title && near(a.Value, b.Value) }) {
				t.Fatalf("items\n got %v\nwant %v", items, c.want)
			}
			if tot := Total(items); !near(tot, c.total) {
				t.Fatalf("total = %v, want %v", tot, c.total)
			}
		})
	}
}

// A market without a published schedule (SH, SZ, HK futures' own market id) gets
// nothing rather than another market's rates.
func TestForNoSchedule(t *testing.T) {
	for _, m := range []int32{0, 2, 21, 22, 31} {
		if items, cur, ok := For(Execution{Market: m, Shares: 100, Value: 10_000}); ok || items != nil || cur != "" {
			t.Errorf("market %d: %v %q %v, want no schedule", m, items, cur, ok)
		}
	}
}

func TestCents(t *testing.T) {
	for _, c := range []struct{ in, want float64 }{{2.675, 2.68}, {2.674999, 2.67}, {0.005, 0.01}, {83.48, 83.48}} {
		if got := Cents(c.in); got != c.want {
			t.Errorf("Cents(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
