package freqlimit

import (
	"testing"
	"time"

	"github.com/futugw/gateway/opend/protoid"
)

// Every row names a request protocol of the official table, once, in id
// order, with a usable limit and the page it is quoted from.
func TestTableRowsAreRequestProtocols(t *testing.T) {
	for i, r := range All() {
		p, ok := protoid.Lookup(r.ID)
		switch {
		case !ok:
			t.Errorf("row %d: proto id %d is not in opend/protoid", i, r.ID)
			continue
		case p.Push:
			t.Errorf("%s: a push has no request to limit", p.Name)
		case r.Limit.N <= 0 || r.Limit.Window <= 0:
			t.Errorf("%s: limit %+v", p.Name, r.Limit)
		case r.Doc == "":
			t.Errorf("%s: no source page", p.Name)
		}
		if i > 0 && table[i-1].ID >= r.ID {
			t.Errorf("%s: table not sorted by id, or id twice", p.Name)
		}
		if got, ok := For(r.ID); !ok || got != r.Limit {
			t.Errorf("For(%s) = %+v, %v", p.Name, got, ok)
		}
	}
	if _, ok := For(protoid.QotSub); ok {
		t.Error("Qot_Sub has a row; it is limited by quota, not frequency")
	}
}

// The limits the gateway relies on, as Futu documents them.
func TestDocumentedLimits(t *testing.T) {
	for _, c := range []struct {
		id   uint32
		want Limit
	}{
		{protoid.TrdPlaceOrder, Limit{N: 15, Window: 30 * time.Second, PerAccount: true, MinInterval: 20 * time.Millisecond}},
		{protoid.TrdModifyOrder, Limit{N: 20, Window: 30 * time.Second, PerAccount: true, MinInterval: 40 * time.Millisecond}},
		{protoid.TrdGetOrderList, Limit{N: 10, Window: 30 * time.Second, PerAccount: true, RefreshOnly: true}},
		{protoid.TrdGetPositionList, Limit{N: 10, Window: 30 * time.Second, PerAccount: true, RefreshOnly: true}},
		{protoid.TrdGetFunds, Limit{N: 10, Window: 30 * time.Second, PerAccount: true, RefreshOnly: true}},
		{protoid.TrdGetHistoryOrderList, Limit{N: 10, Window: 30 * time.Second, PerAccount: true}},
		{protoid.TrdGetMaxTrdQtys, Limit{N: 10, Window: 30 * time.Second, PerAccount: true}},
		{protoid.TrdGetMarginRatio, Limit{N: 10, Window: 30 * time.Second}},
		{protoid.TrdGetOrderFee, Limit{N: 10, Window: 30 * time.Second, PerAccount: true}},
		{protoid.TrdFlowSummary, Limit{N: 20, Window: 30 * time.Second, PerAccount: true}},
		{protoid.QotGetOptionChain, Limit{N: 10, Window: 30 * time.Second}},
		{protoid.QotRequestRehab, Limit{N: 60, Window: 30 * time.Second}},
		{protoid.QotStockFilter, Limit{N: 10, Window: 30 * time.Second}},
		{protoid.QotGetMarketState, Limit{N: 10, Window: 30 * time.Second}},
		{protoid.QotRequestTradeDate, Limit{N: 30, Window: 30 * time.Second}},
		{protoid.QotGetFutureInfo, Limit{N: 30, Window: 30 * time.Second}},
		{protoid.QotSetPriceReminder, Limit{N: 60, Window: 30 * time.Second}},
		{protoid.QotGetPriceReminder, Limit{N: 10, Window: 30 * time.Second}},
		{protoid.QotGetCapitalFlow, Limit{N: 30, Window: 30 * time.Second}},
		{protoid.QotGetCapitalDistribution, Limit{N: 30, Window: 30 * time.Second}},
		{protoid.QotGetOptionExpirationDate, Limit{N: 60, Window: 30 * time.Second}},
		{protoid.QotGetSecuritySnapshot, Limit{N: 60, Window: 30 * time.Second}},
		{protoid.QotRequestHistoryKL, Limit{N: 60, Window: 30 * time.Second, FirstPageOnly: true}},
		{protoid.QotGetPlateSet, Limit{N: 10, Window: 30 * time.Second}},
		{protoid.QotGetPlateSecurity, Limit{N: 10, Window: 30 * time.Second}},
		{protoid.QotGetOwnerPlate, Limit{N: 10, Window: 30 * time.Second}},
		{protoid.QotGetWarrant, Limit{N: 60, Window: 30 * time.Second}},
		{protoid.QotGetUserSecurity, Limit{N: 10, Window: 30 * time.Second}},
	} {
		p, _ := protoid.Lookup(c.id)
		if got, ok := For(c.id); !ok || got != c.want {
			t.Errorf("For(%s) = %+v, %v; want %+v", p.Name, got, ok, c.want)
		}
	}
}

func TestParsePolicy(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Policy
		str  string
		bad  bool
	}{
		{in: "", want: Policy{}, str: "default"},
		{in: "default", want: Policy{}, str: "default"},
		{in: " On ", want: Policy{}, str: "default"},
		{in: "off", want: Policy{Off: true}, str: "off"},
		{in: "OFF", want: Policy{Off: true}, str: "off"},
		{in: "2", want: Policy{Scale: 2}, str: "2"},
		{in: "0.5", want: Policy{Scale: 0.5}, str: "0.5"},
		{in: "1", want: Policy{Scale: 1}, str: "default"},
		{in: "0", bad: true},
		{in: "-1", bad: true},
		{in: "inf", bad: true},
		{in: "NaN", bad: true},
		{in: "fast", bad: true},
	} {
		got, err := ParsePolicy(c.in)
		if c.bad {
			if err == nil {
				t.Errorf("ParsePolicy(%q) = %+v, want an error", c.in, got)
			}
			continue
		}
		if err != nil || got != c.want || got.String() != c.str {
			t.Errorf("ParsePolicy(%q) = %+v (%q), %v; want %+v (%q)", c.in, got, got.String(), err, c.want, c.str)
		}
	}
}

func TestPolicyScalesEveryLimit(t *testing.T) {
	for _, c := range []struct {
		scale float64
		n     int
		want  int
	}{
		{0, 15, 15}, {1, 15, 15}, {2, 15, 30}, {0.5, 15, 8}, {0.01, 15, 1},
	} {
		if got := (Policy{Scale: c.scale}).apply(Limit{N: c.n}).N; got != c.want {
			t.Errorf("scale %g of %d = %d, want %d", c.scale, c.n, got, c.want)
		}
	}
}
