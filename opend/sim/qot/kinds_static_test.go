package qot

import (
	"testing"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetstaticinfo"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim/market"
	"google.golang.org/protobuf/proto"
)

// TestKindsStaticInfo: each kind reports its security type and exactly its own
// ex-data.
func TestKindsStaticInfo(t *testing.T) {
	e := startKinds(t)
	c := e.dial(t)
	usOpt := e.firstOfKind(t, market.SecTypeDrvt, func(in market.Instrument) bool { return in.Market == market.MarketUS })
	hkOpt := e.firstOfKind(t, market.SecTypeDrvt, func(in market.Instrument) bool { return in.Market == market.MarketHK })
	month := e.firstOfKind(t, market.SecTypeFuture, func(in market.Instrument) bool { return !in.Terms.Main })
	tests := []struct {
		key                     string
		secType                 int32
		warrant, option, future bool
		warrantType             int32
		exch                    int32
	}{
		{"HK.00700", market.SecTypeEqty, false, false, false, 0, 0},
		{"HK.800000", market.SecTypeIndex, false, false, false, 0, exchHKMain},
		{"US..DJI", market.SecTypeIndex, false, false, false, 0, exchUSNYSE},
		{"HK.02800", market.SecTypeTrust, false, false, false, 0, exchHKMain},
		{"US.SPY", market.SecTypeTrust, false, false, false, 0, exchUSNYSE},
		{"HK.13125", market.SecTypeWarrant, true, false, false, market.WarrantCall, exchHKMain},
		{"HK.19210", market.SecTypeWarrant, true, false, false, market.WarrantPut, exchHKMain},
		{"HK.55123", market.SecTypeWarrant, true, false, false, market.WarrantBull, exchHKMain},
		{"HK.61234", market.SecTypeWarrant, true, false, false, market.WarrantBear, exchHKMain},
		{usOpt.Key(), market.SecTypeDrvt, false, true, false, 0, exchUSOption},
		{hkOpt.Key(), market.SecTypeDrvt, false, true, false, 0, exchHKEX},
		{"HK.HSImain", market.SecTypeFuture, false, false, true, 0, exchHKEX},
		{month.Key(), market.SecTypeFuture, false, false, true, 0, exchHKEX},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			info := staticInfos(t, c, tt.key)[0]
			b := info.GetBasic()
			if b.GetSecType() != tt.secType || keyOf(b.GetSecurity()) != tt.key || b.GetExchType() != tt.exch || b.GetName() == "" {
				t.Errorf("basic = %v", b)
			}
			if (info.WarrantExData != nil) != tt.warrant || (info.OptionExData != nil) != tt.option || (info.FutureExData != nil) != tt.future {
				t.Fatalf("ex-data = warrant %v option %v future %v", info.WarrantExData, info.OptionExData, info.FutureExData)
			}
			if tt.warrant && (info.GetWarrantExData().GetType() != tt.warrantType || keyOf(info.GetWarrantExData().GetOwner()) != "HK.00700") {
				t.Errorf("warrant ex-data = %v", info.GetWarrantExData())
			}
			if tt.option {
				in, _ := e.mkt.Instrument(b.GetSecurity().GetMarket(), b.GetSecurity().GetCode())
				o := info.GetOptionExData()
				if o.GetStrikePrice() != in.Terms.Strike || o.GetStrikeTime() != in.Terms.Expiry.String() ||
					o.GetType() != in.Terms.Right || keyOf(o.GetOwner()) != in.Terms.Owner || b.GetLotSize() != 100 ||
					market.OptionCode(map[int32]string{market.MarketUS: "AAPL", market.MarketHK: "TCH"}[in.Market],
						in.Terms.Expiry, in.Terms.Right, in.Terms.Strike) != in.Code {
					t.Errorf("option ex-data %v for %+v", o, in.Terms)
				}
			}
			if tt.future {
				f := info.GetFutureExData()
				main := tt.key == "HK.HSImain"
				if f.GetIsMainContract() != main || (f.GetLastTradeTime() == "") != main || b.GetLotSize() != market.FutureMultiplier {
					t.Errorf("future ex-data = %v", f)
				}
			}
		})
	}
}

// TestKindsStaticInfoByType lists a market's securities of one type.
func TestKindsStaticInfoByType(t *testing.T) {
	e := startKinds(t)
	c := e.dial(t)
	tests := []struct {
		market, secType int32
		want            int
	}{
		{market.MarketHK, market.SecTypeWarrant, 9},
		{market.MarketHK, market.SecTypeFuture, 3},
		{market.MarketHK, market.SecTypeIndex, 1},
		{market.MarketUS, market.SecTypeTrust, 1},
	}
	for _, tt := range tests {
		var resp qotgetstaticinfo.Response
		mustOK(t, call(testCtx(t), t, c, protoid.QotGetStaticInfo, &qotgetstaticinfo.Request{C2S: &qotgetstaticinfo.C2S{
			Market: proto.Int32(tt.market), SecType: proto.Int32(tt.secType)}}, &resp), "Qot_GetStaticInfo")
		if got := len(resp.GetS2C().GetStaticInfoList()); got != tt.want {
			t.Errorf("market %d type %d: %d securities, want %d", tt.market, tt.secType, got, tt.want)
		}
	}
}
