package qot

import (
	"math"
	"testing"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetsecuritysnapshot"
	"github.com/futugw/gateway/opend/sim/market"
)

// exKinds names which ex-data parts a snapshot carries.
func exKinds(s *qotgetsecuritysnapshot.Snapshot) []string {
	var out []string
	for name, set := range map[string]bool{
		"equity": s.EquityExData != nil, "warrant": s.WarrantExData != nil, "option": s.OptionExData != nil,
		"index": s.IndexExData != nil, "plate": s.PlateExData != nil, "future": s.FutureExData != nil,
		"trust": s.TrustExData != nil,
	} {
		if set {
			out = append(out, name)
		}
	}
	return out
}

func TestKindsSnapshotExData(t *testing.T) {
	e := startKinds(t)
	c := e.dial(t)
	opt := e.firstOfKind(t, market.SecTypeDrvt, func(in market.Instrument) bool { return in.Market == market.MarketHK })
	tests := []struct {
		key, ex string
		secType int32
	}{
		{"HK.00700", "equity", market.SecTypeEqty},
		{"US.AAPL", "equity", market.SecTypeEqty},
		{"HK.02800", "trust", market.SecTypeTrust},
		{"HK.800000", "index", market.SecTypeIndex},
		{"HK.13125", "warrant", market.SecTypeWarrant},
		{"HK.67890", "warrant", market.SecTypeWarrant},
		{opt.Key(), "option", market.SecTypeDrvt},
		{"HK.HSImain", "future", market.SecTypeFuture},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			s := snapshots(t, c, tt.key)[0]
			if got := exKinds(s); len(got) != 1 || got[0] != tt.ex {
				t.Fatalf("ex-data %v, want only %s", got, tt.ex)
			}
			b := s.GetBasic()
			if b.GetType() != tt.secType || b.GetCurPrice() <= 0 || b.GetHighest52WeeksPrice() < b.GetHighPrice() ||
				b.GetLowest52WeeksPrice() > b.GetLowPrice() || b.GetPriceSpread() <= 0 {
				t.Errorf("basic = %v", b)
			}
			if grid := tt.secType == market.SecTypeDrvt || tt.secType == market.SecTypeFuture || tt.secType == market.SecTypeIndex; grid &&
				!near(b.GetAskPrice()-b.GetBidPrice(), b.GetPriceSpread(), 1e-9) {
				t.Errorf("book %v / %v, want one spread %v apart", b.GetBidPrice(), b.GetAskPrice(), b.GetPriceSpread())
			}
		})
	}
}

// TestKindsSnapshotCoherent checks the figures against each other and the
// underlying.
func TestKindsSnapshotCoherent(t *testing.T) {
	e := startKinds(t)
	c := e.dial(t)
	for range 20 { // move the underlyings, then the derived prices, off their opening state
		e.mkt.Step("HK.00700")
		e.mkt.Step("US.AAPL")
		e.mkt.Step("HK.800000")
	}
	owner := snapshots(t, c, "HK.00700")[0]
	spot := owner.GetBasic().GetCurPrice()
	eq := owner.GetEquityExData()
	if !near(eq.GetIssuedMarketVal(), float64(eq.GetIssuedShares())*spot, 1) ||
		!near(eq.GetPeRate()*eq.GetEarningsPershare(), spot, 0.01) || eq.GetOutstandingShares() > eq.GetIssuedShares() {
		t.Errorf("equity ex-data %v at %v", eq, spot)
	}

	for _, key := range []string{"HK.13125", "HK.19210", "HK.55123", "HK.61234"} {
		e.mkt.Step(key)
		s := snapshots(t, c, key)[0]
		w, p := s.GetWarrantExData(), s.GetBasic().GetCurPrice()
		if keyOf(w.GetOwner()) != "HK.00700" || !near(w.GetConversionPrice(), p*w.GetConversionRate(), 1e-6) ||
			!near(w.GetLeverage(), spot/(p*w.GetConversionRate()), 0.01) || w.GetStreetVolumn() > w.GetIssueVolumn() {
			t.Errorf("%s: warrant ex-data %v at %v (spot %v)", key, w, p, spot)
		}
		bull := w.GetWarrantType() == market.WarrantCall || w.GetWarrantType() == market.WarrantBull
		wantBE := w.GetStrikePrice() - w.GetConversionPrice()
		if bull {
			wantBE = w.GetStrikePrice() + w.GetConversionPrice()
		}
		if !near(w.GetBreakEvenPoint(), wantBE, 0.01) {
			t.Errorf("%s: break-even %v, want %v", key, w.GetBreakEvenPoint(), wantBE)
		}
		cbbc := w.GetWarrantType() >= market.WarrantBull
		if cbbc != (w.GetRecoveryPrice() > 0) || cbbc == (w.GetImpliedVolatility() > 0) || !cbbc && bull != (w.GetDelta() > 0) {
			t.Errorf("%s: recovery %v volatility %v delta %v", key, w.GetRecoveryPrice(), w.GetImpliedVolatility(), w.GetDelta())
		}
	}

	for _, in := range e.mkt.Instruments() {
		if in.SecType != market.SecTypeDrvt || in.Market != market.MarketHK {
			continue
		}
		e.mkt.Step(in.Key())
		s := snapshots(t, c, in.Key())[0]
		o := s.GetOptionExData()
		call := in.Terms.Right == market.OptionCall
		if call != (o.GetDelta() > 0) || o.GetGamma() < 0 || o.GetVega() < 0 || o.GetContractSize() != 100 ||
			o.GetExpiryDateDistance() < 0 || o.GetImpliedVolatility() <= 0 || o.GetOwnerLotMultiplier() != 1 {
			t.Errorf("%s: option ex-data %v", in.Key(), o)
		}
		if intrinsic := math.Max(0, spot-in.Terms.Strike); call && s.GetBasic().GetCurPrice() < intrinsic*0.95 {
			t.Errorf("%s at %v below intrinsic %v", in.Key(), s.GetBasic().GetCurPrice(), intrinsic)
		}
	}

	idx := snapshots(t, c, "HK.800000")[0].GetIndexExData()
	hkStocks := 0
	for _, in := range e.mkt.Instruments() {
		if in.Market == market.MarketHK && in.SecType == market.SecTypeEqty {
			hkStocks++
		}
	}
	if int(idx.GetRaiseCount()+idx.GetFallCount()+idx.GetEqualCount()) != hkStocks {
		t.Errorf("index breadth %v, want %d stocks", idx, hkStocks)
	}

	fut := snapshots(t, c, "HK.HSImain")[0]
	hsi := snapshots(t, c, "HK.800000")[0].GetBasic().GetCurPrice()
	if f := fut.GetFutureExData(); !f.GetIsMainContract() || f.GetLastSettlePrice() != fut.GetBasic().GetLastClosePrice() ||
		f.GetPosition() <= 0 || math.Abs(fut.GetBasic().GetCurPrice()/hsi-1) > 0.02 {
		t.Errorf("future %v (index %v)", fut, hsi)
	}
}
