package trade

import (
	"testing"

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
			feeCommission: 14.4, feePlatform: 15, feeStamp: 48, feeTrading: 2.71, feeSFC: 1.30, feeFRC: 0.07, feeSettlement: 2,
		}, 83.48},
		{"HK stamp duty rounds up", execution{hk, sideSell, 400, 38_020}, map[string]float64{
			feeCommission: 11.41, feeStamp: 39, feeTrading: 2.15, feeSFC: 1.03, feeFRC: 0.06, feeSettlement: 2,
		}, 70.65},
		{"HK minimums", execution{hk, sideBuy, 100, 2_000}, map[string]float64{
			feeCommission: 3, feeStamp: 2, feeTrading: 0.11, feeSFC: 0.05, feeFRC: 0.01, feeSettlement: 2,
		}, 22.17},
		{"HK settlement cap", execution{hk, sideBuy, 100_000, 10_000_000}, map[string]float64{
			feeCommission: 3_000, feeStamp: 10_000, feeSettlement: 100,
		}, 13_965},
		{"US buy minimums, no sell fees", execution{us, sideBuy, 10, 2_300}, map[string]float64{
			feeCommission: 0.99, feePlatform: 1, feeSettlement: 0.03, feeSEC: -1, feeTAF: -1,
		}, 2.02},
		{"US sell pays SEC and TAF", execution{us, sideSell, 1_000, 50_000}, map[string]float64{
			feeCommission: 4.9, feePlatform: 5, feeSettlement: 3, feeSEC: 1.39, feeTAF: 0.17,
		}, 14.46},
		{"US short sale pays as a sell, TAF capped", execution{us, sideSellShort, 100_000, 100_000}, map[string]float64{
			feeCommission: 490, feePlatform: 500, feeSettlement: 300, feeSEC: 2.78, feeTAF: 8.30,
		}, 1_301.08},
		{"US buy back pays as a buy", execution{us, sideBuyBack, 1_000, 50_000}, map[string]float64{
			feeSEC: -1, feeTAF: -1,
		}, 12.9},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			items := fees(c.x)
			got := map[string]float64{}
			for _, it := range items {
				got[it.title] = it.value
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
			if tot := feeTotal(items); !near(tot, c.total) {
				t.Errorf("total = %v, want %v (items %v)", tot, c.total, items)
			}
		})
	}
	if items := fees(execution{hk, sideBuy, 0, 0}); items != nil {
		t.Fatalf("unfilled order fees = %v", items)
	}
}
