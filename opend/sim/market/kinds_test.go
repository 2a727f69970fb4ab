package market

import (
	"math"
	"regexp"
	"testing"

	"github.com/futugw/gateway/opend/sim/calendar"
)

func kindsMarket(t *testing.T, seed int64) *Market {
	t.Helper()
	return New(Config{Seed: seed, Now: fixedClock, Kinds: true})
}

func TestKindsKeepStocksFirst(t *testing.T) {
	m := kindsMarket(t, 1)
	plain := New(Config{Seed: 1, Now: fixedClock})
	insts := m.Instruments()
	for i, in := range DefaultUniverse() {
		if insts[i] != in {
			t.Fatalf("instrument %d = %+v, want the built-in %+v first", i, insts[i], in)
		}
		a, _ := m.QuoteByKey(in.Key())
		b, _ := plain.QuoteByKey(in.Key())
		if a != b {
			t.Errorf("%s: kinds changed the stock's quote: %+v vs %+v", in.Key(), a, b)
		}
	}
	count := map[int32]int{}
	for _, in := range insts[len(DefaultUniverse()):] {
		count[in.SecType]++
		if in.Name == "" || in.LotSize <= 0 || in.ListTime == "" {
			t.Errorf("incomplete %+v", in)
		}
	}
	if count[SecTypeIndex] < 2 || count[SecTypeTrust] < 2 || count[SecTypeWarrant] < 8 ||
		count[SecTypeDrvt] < 100 || count[SecTypeFuture] != 3 {
		t.Errorf("kinds by type = %v", count)
	}
}

func TestOptionCodes(t *testing.T) {
	tests := []struct {
		root   string
		expiry calendar.Date
		right  int32
		strike float64
		want   string
	}{
		{"AAPL", calendar.NewDate(2026, 12, 18), OptionCall, 200, "AAPL261218C200000"},
		{"TCH", calendar.NewDate(2026, 12, 30), OptionPut, 400, "TCH261230P400000"},
		{"AAPL", calendar.NewDate(2025, 1, 3), OptionCall, 232.5, "AAPL250103C232500"},
	}
	for _, tt := range tests {
		if got := OptionCode(tt.root, tt.expiry, tt.right, tt.strike); got != tt.want {
			t.Errorf("OptionCode = %q, want %q", got, tt.want)
		}
	}
	m := kindsMarket(t, 1)
	re := regexp.MustCompile(`^(AAPL|TCH)\d{6}[CP]\d+$`)
	for _, in := range m.Instruments() {
		if in.SecType == SecTypeDrvt && !re.MatchString(in.Code) {
			t.Errorf("option code %q", in.Code)
		}
	}
}

// TestDerivedFollowUnderlying: calls and bulls rise with the underlying, puts
// and bears fall, futures stay near the index, and every price stays positive.
func TestDerivedFollowUnderlying(t *testing.T) {
	m := kindsMarket(t, 3)
	now := fixedClock()
	for _, in := range m.Instruments() {
		tm := in.Terms
		if tm == nil || tm.Owner == "" {
			continue
		}
		u, _ := m.QuoteByKey(tm.Owner)
		lo, hi := Value(in, u.Cur*0.9, now).Price, Value(in, u.Cur*1.1, now).Price
		up := in.SecType == SecTypeFuture || tm.Right == WarrantCall || tm.Right == WarrantBull
		if in.SecType == SecTypeDrvt {
			up = tm.Right == OptionCall
		}
		if up && hi < lo || !up && hi > lo || lo <= 0 || hi <= 0 {
			t.Errorf("%s: %v at -10%%, %v at +10%% (rising %v)", in.Key(), lo, hi, up)
		}
		q, _ := m.QuoteByKey(in.Key())
		if in.SecType == SecTypeFuture && math.Abs(q.Cur/u.Cur-1) > 0.02 {
			t.Errorf("%s at %v, index at %v", in.Key(), q.Cur, u.Cur)
		}
	}
	for range 50 {
		m.Step("HK.00700")
		m.Step("HK.800000")
	}
	u, _ := m.QuoteByKey("HK.00700")
	for _, key := range []string{"HK.13125", "HK.55123", "HK.HSImain"} {
		q, ok := m.Step(key)
		in, _ := m.Instrument(q.Market, q.Code)
		if !ok || q.Cur <= 0 || q.Low > q.Cur || q.High < q.Cur || q.Volume <= 0 {
			t.Errorf("%s stepped to %+v", key, q)
		}
		if key == "HK.13125" && q.Cur != Value(in, u.Cur, fixedClock()).Price {
			t.Errorf("%s at %v, model says %v", key, q.Cur, Value(in, u.Cur, fixedClock()).Price)
		}
	}
}

func TestKindsDeterministic(t *testing.T) {
	a, b := kindsMarket(t, 9), kindsMarket(t, 9)
	for _, in := range a.Instruments() {
		for range 3 {
			qa, _ := a.Step(in.Key())
			qb, _ := b.Step(in.Key())
			if qa.Cur != qb.Cur || qa.Volume != qb.Volume {
				t.Fatalf("%s: %v/%v vs %v/%v", in.Key(), qa.Cur, qa.Volume, qb.Cur, qb.Volume)
			}
		}
	}
}

func TestBlackScholesParity(t *testing.T) {
	const s, k, y, v = 480.0, 500.0, 0.5, 0.3
	c, p := BlackScholes(OptionCall, s, k, y, v), BlackScholes(OptionPut, s, k, y, v)
	if diff := c.Price - p.Price - (s - k*math.Exp(-riskFree*y)); math.Abs(diff) > 1e-9 {
		t.Errorf("put-call parity off by %v", diff)
	}
	if c.Delta <= 0 || c.Delta >= 1 || p.Delta >= 0 || c.Gamma <= 0 || c.Vega <= 0 || c.Theta >= 0 || p.Rho >= 0 {
		t.Errorf("greeks call %+v put %+v", c, p)
	}
}

// TestCalledCBBCStopsTrading: a bull whose call price the underlying reached
// no longer trades; a bear far from its call price does.
func TestCalledCBBCStopsTrading(t *testing.T) {
	m := New(Config{Seed: 1, Now: fixedClock, Kinds: true, Prices: map[string]float64{"HK.00700": 425}})
	u, _ := m.QuoteByKey("HK.00700")
	for key, called := range map[string]bool{"HK.55123": true, "HK.58810": true, "HK.61234": false} {
		in, _ := m.Instrument(MarketHK, key[3:])
		if in.Terms.Called(u) != called {
			t.Errorf("%s called = %v, want %v (underlying range %v-%v)", key, !called, called, u.Low, u.High)
		}
		before, _ := m.QuoteByKey(key)
		after, _ := m.Step(key)
		if traded := after.Seq != before.Seq; traded == called {
			t.Errorf("%s traded %v, called %v", key, traded, called)
		}
	}
}
