package trade

import (
	"testing"

	"github.com/futugw/gateway/opend/fees"
	"github.com/futugw/gateway/opend/sim/market"
)

func TestFeeSchedules(t *testing.T) {
	hk, us := market.MarketHK, market.MarketUS
	cases := []struct {
		name  string
		x     execution
		want  map[string]float64
		total float64
	}{
		{"HK buy 100 @ 480", execution{hk, sideBuy, 100, 48_000}, map[string]float64{
			fees.Commission: 14.4, fees.PlatformFees: 15, fees.StampDuty: 48, fees.TradingFees: 2.71, fees.SFCLevy: 1.30, fees.FRCLevy: 0.07, fees.SettlementFees: 2,
		}, 83.48},
		{"HK stamp duty rounds up", execution{hk, sideSell, 400, 38_020}, map[string]float64{
			fees.Commission: 11.41, fees.StampDuty: 39, fees.TradingFees: 2.15, fees.SFCLevy: 1.03, fees.FRCLevy: 0.06, fees.SettlementFees: 2,
		}, 70.65},
		{"HK minimums", execution{hk, sideBuy, 100, 2_000}, map[string]float64{
			fees.Commission: 3, fees.StampDuty: 2, fees.TradingFees: 0.11, fees.SFCLevy: 0.05, fees.FRCLevy: 0.01, fees.SettlementFees: 2,
		}, 22.17},
		{"HK settlement cap", execution{hk, sideBuy, 100_000, 10_000_000}, map[string]float64{
			fees.Commission: 3_000, fees.StampDuty: 10_000, fees.SettlementFees: 100,
		}, 13_965},
		{"US buy minimums, no sell fees", execution{us, sideBuy, 10, 2_300}, map[string]float64{
			fees.Commission: 0.99, fees.PlatformFees: 1, fees.SettlementFees: 0.03, fees.SECFees: -1, fees.TAF: -1,
		}, 2.02},
		{"US sell pays SEC and TAF", execution{us, sideSell, 1_000, 50_000}, map[string]float64{
			fees.Commission: 4.9, fees.PlatformFees: 5, fees.SettlementFees: 3, fees.SECFees: 1.39, fees.TAF: 0.17,
		}, 14.46},
		{"US short sale pays as a sell, TAF capped", execution{us, sideSellShort, 100_000, 100_000}, map[string]float64{
			fees.Commission: 490, fees.PlatformFees: 500, fees.SettlementFees: 300, fees.SECFees: 2.78, fees.TAF: 8.30,
		}, 1_301.08},
		{"US buy back pays as a buy", execution{us, sideBuyBack, 1_000, 50_000}, map[string]float64{
			fees.SECFees: -1, fees.TAF: -1,
		}, 12.9},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			items := charges(c.x)
			got := map[string]float64{}
			for _, it := range items {
				got[it.Title] = it.Value
			}
			for title, want := range c.want {
				v, ok := got[title]
				if want < 0 {
					if ok {
						t.Errorf("%s charged %v, want none", title, v)
					}
					continue
				}
				if !ok || !near(v, want) {
					t.Errorf("%s = %v (present %v), want %v", title, v, ok, want)
				}
			}
			if tot := fees.Total(items); !near(tot, c.total) {
				t.Errorf("total = %v, want %v (items %v)", tot, c.total, items)
			}
		})
	}
	if items := charges(execution{hk, sideBuy, 0, 0}); items != nil {
		t.Fatalf("unfilled order fees = %v", items)
	}
}
