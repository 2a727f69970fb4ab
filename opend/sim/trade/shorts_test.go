package trade

import (
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetmarginratio"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetmaxtrdqtys"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdunlocktrade"
	"github.com/futugw/gateway/opend/fees"
	"github.com/futugw/gateway/opend/sim/market"
)

func (f *fixture) unlock() {
	f.t.Helper()
	if _, err := f.eng.unlockTrade(&trdunlocktrade.C2S{Unlock: proto.Bool(true), PwdMD5: proto.String(md5hex(DefaultTradePassword))}); err != nil {
		f.t.Fatal(err)
	}
}

func TestShortSellAndBuyBack(t *testing.T) {
	f := newFixture(t, Config{MaxFillFraction: 1})
	f.unlock()
	us := header(EnvReal, 2002, TrdMarketUS)
	inst, _ := f.mkt.Instrument(market.MarketUS, "TSLA")
	pool := marginOf(inst, 0).pool

	id := f.mustPlace(placeReq(us, sideSellShort, typeMarket, "TSLA", 10, 0))
	sold := f.order(us, id).GetFillAvgPrice()
	pos := f.positions(us)
	if len(pos) != 1 || pos[0].GetQty() != -10 || pos[0].GetPositionSide() != 1 || pos[0].GetCanSellQty() != 0 || !near(pos[0].GetCostPrice(), sold) {
		t.Fatalf("short position = %v", pos)
	}
	fu := f.funds(us)
	fee := fees.Total(charges(execution{market.MarketUS, sideSellShort, 10, round6(10 * sold)}))
	if !near(fu.GetCash(), round6(200_000+10*sold-fee)) || !near(fu.GetMarketVal(), -10*f.cur("US.TSLA")) {
		t.Fatalf("funds after the short sale = %v", fu)
	}
	mr, err := f.eng.getMarginRatio(&trdgetmarginratio.C2S{Header: us, SecurityList: []*qotcommon.Security{
		{Market: proto.Int32(market.MarketUS), Code: proto.String("TSLA")}}})
	if err != nil || mr.GetMarginRatioInfoList()[0].GetShortPoolRemain() != pool-10 {
		t.Fatalf("short pool = %v, want %v (%v)", mr, pool-10, err)
	}
	mq, err := f.eng.getMaxTrdQtys(&trdgetmaxtrdqtys.C2S{Header: us, OrderType: proto.Int32(typeMarket), Code: proto.String("TSLA"), Price: proto.Float64(0)})
	if err != nil || mq.GetMaxTrdQtys().GetMaxBuyBack() != 10 || mq.GetMaxTrdQtys().GetMaxPositionSell() != 0 {
		t.Fatalf("max qtys = %v, %v", mq, err)
	}

	_, err = f.place(placeReq(us, sideBuy, typeMarket, "TSLA", 1, 0))
	wantRefusal(t, err, codePosition, "cover it with BuyBack")

	// A buy back reserves what it covers; more than the short is refused.
	back := f.mustPlace(placeReq(us, sideBuyBack, typeLimit, "TSLA", 4, f.limitAt("US.TSLA", 1.05)))
	f.stepUntilFilled(us, "US.TSLA", back)
	o := f.order(us, back)
	if o.GetOrderStatus() != statusFilledAll {
		t.Fatalf("buy back = %v", o)
	}
	pos = f.positions(us)
	if pos[0].GetQty() != -6 || !near(pos[0].GetRealizedPL(), round6((sold-o.GetFillAvgPrice())*4)) {
		t.Fatalf("after buying back 4: %v", pos)
	}
	_, err = f.place(placeReq(us, sideBuyBack, typeLimit, "TSLA", 7, f.limitAt("US.TSLA", 0.5)))
	wantRefusal(t, err, codePosition, "can buy back 6")
	rest := f.mustPlace(placeReq(us, sideBuyBack, typeLimit, "TSLA", 6, f.limitAt("US.TSLA", 0.5)))
	_, err = f.place(placeReq(us, sideBuyBack, typeLimit, "TSLA", 1, f.limitAt("US.TSLA", 0.5)))
	wantRefusal(t, err, codePosition, "can buy back 0")
	if err := f.modify(us, rest, opCancel, 0, 0); err != nil {
		t.Fatal(err)
	}
	f.mustPlace(placeReq(us, sideBuyBack, typeMarket, "TSLA", 6, 0))
	if pos := f.positions(us); len(pos) != 0 {
		t.Fatalf("positions after covering = %v", pos)
	}

	refusals := []struct {
		name string
		h    *trdcommon.TrdHeader
		code string
		qty  float64
		err  int32
		msg  string
	}{
		{"cash account", header(EnvSimulate, 1002, TrdMarketUS), "AAPL", 1, codeUnsupported, "needs a margin account"},
		{"beyond the pool", us, "AAPL", 10_000_000, codeFunds, "insufficient short capacity"},
	}
	for _, r := range refusals {
		_, err := f.place(placeReq(r.h, sideSellShort, typeMarket, r.code, r.qty, 0))
		wantRefusal(t, err, r.err, r.msg)
	}
	f.mustPlace(placeReq(us, sideBuy, typeMarket, "AAPL", 5, 0))
	_, err = f.place(placeReq(us, sideSellShort, typeMarket, "AAPL", 1, 0))
	wantRefusal(t, err, codePosition, "sell it before selling short")
}
