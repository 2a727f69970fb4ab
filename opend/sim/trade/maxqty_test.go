package trade

import (
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetmarginratio"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetmaxtrdqtys"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim/market"
)

func maxReq(h *trdcommon.TrdHeader, typ int32, code string, price float64) *trdgetmaxtrdqtys.C2S {
	return &trdgetmaxtrdqtys.C2S{Header: h, OrderType: proto.Int32(typ), Code: proto.String(code), Price: proto.Float64(price)}
}

func TestMaxTrdQtys(t *testing.T) {
	f := newFixture(t, Config{})
	hk, hkMargin := hkSim(), header(EnvReal, 2001, TrdMarketHK)
	f.mustPlace(placeReq(hk, sideBuy, typeMarket, "00700", 300, 0))
	sell := f.mustPlace(placeReq(hk, sideSell, typeLimit, "00700", 100, f.limitAt("HK.00700", 1.5)))
	cash := f.funds(hk).GetPower()
	cur := f.cur("HK.00700")
	inst, _ := f.mkt.Instrument(market.MarketHK, "00700")
	terms := marginOf(inst, 0)

	cases := []struct {
		name string
		c2s  *trdgetmaxtrdqtys.C2S
		want maxTrd
	}{
		{"cash account limit buy", maxReq(hk, typeLimit, "00700", 480),
			maxTrd{cashBuy: floorLots(cash/480, 100), marginBuy: floorLots(cash/480, 100), positionSell: 200}},
		{"market order at the current price", maxReq(hk, typeMarket, "HK.00700", 0),
			maxTrd{cashBuy: floorLots(cash/cur, 100), marginBuy: floorLots(cash/cur, 100), positionSell: 200}},
		{"lot rounding", maxReq(hk, typeLimit, "00005", 95),
			maxTrd{cashBuy: floorLots(cash/95, 400), marginBuy: floorLots(cash/95, 400)}},
		{"modifying a sell frees its shares", func() *trdgetmaxtrdqtys.C2S {
			r := maxReq(hk, typeLimit, "00700", 480)
			r.OrderID = proto.Uint64(sell)
			return r
		}(), maxTrd{cashBuy: floorLots(cash/480, 100), marginBuy: floorLots(cash/480, 100), positionSell: 300}},
		{"margin account finances and shorts", maxReq(hkMargin, typeLimit, "00700", 480), maxTrd{
			cashBuy:   floorLots(1_000_000/480.0, 100),
			marginBuy: floorLots(1_000_000/(480*terms.imLong/100), 100),
			sellShort: min(floorLots(1_000_000/(480*terms.imShort/100), 100), terms.pool)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s2c, err := f.eng.getMaxTrdQtys(c.c2s)
			if err != nil {
				t.Fatal(err)
			}
			m := s2c.GetMaxTrdQtys()
			got := maxTrd{m.GetMaxCashBuy(), m.GetMaxCashAndMarginBuy(), m.GetMaxPositionSell(), m.GetMaxSellShort(), m.GetMaxBuyBack(), 0, 0}
			if got != c.want {
				t.Fatalf("got %+v, want %+v", got, c.want)
			}
			if _, err := proto.Marshal(s2c); err != nil {
				t.Fatal(err)
			}
		})
	}

	refusals := []struct {
		name string
		c2s  *trdgetmaxtrdqtys.C2S
		code int32
		msg  string
	}{
		{"order type", maxReq(hk, 99, "00700", 480), codeUnsupported, "orderType 99"},
		{"no price", maxReq(hk, typeLimit, "00700", 0), codePrice, "positive price"},
		{"off grid", maxReq(hk, typeLimit, "00700", 480.1), codePrice, "tick grid"},
		{"unknown code", maxReq(hk, typeLimit, "99999", 1), codeSecurity, "unknown code"},
		{"other market", maxReq(hk, typeLimit, "US.AAPL", 1), codeSecurity, "not in trdMarket"},
		{"unknown order", func() *trdgetmaxtrdqtys.C2S {
			r := maxReq(hk, typeLimit, "00700", 480)
			r.OrderID = proto.Uint64(42)
			return r
		}(), codeOrder, "not an open order"},
	}
	for _, r := range refusals {
		t.Run(r.name, func(t *testing.T) {
			_, err := f.eng.getMaxTrdQtys(r.c2s)
			wantRefusal(t, err, r.code, r.msg)
		})
	}
}

func TestMarginTermsAreOrdered(t *testing.T) {
	for _, inst := range market.DefaultUniverse() {
		for _, seed := range []uint64{0, 1, 99} {
			m := marginOf(inst, seed)
			if !m.longOK || !m.shortOK || !(m.imLong > m.alertLong && m.alertLong > m.mcmLong && m.mcmLong > m.mmLong && m.mmLong > 0) ||
				!(m.imShort > m.alertShort && m.alertShort > m.mcmShort && m.mcmShort > m.mmShort) || m.imShort <= m.imLong ||
				m.pool <= 0 || m.feeRate <= 0 {
				t.Fatalf("%s seed %d: %+v", inst.Key(), seed, m)
			}
		}
	}
	gen := market.Instrument{Market: market.MarketHK, Code: "80001", LotSize: 100}
	if m := marginOf(gen, 0); m.longOK || m.shortOK || m.imLong != 100 {
		t.Fatalf("generated security is financed: %+v", m)
	}
}

func TestTCPMarginRatioAndMaxQtys(t *testing.T) {
	_, m, addr := startSim(t, Config{})
	wc := dialSim(t, addr)
	h := header(EnvReal, 2001, TrdMarketHK)
	sec := func(mk int32, code string) *qotcommon.Security {
		return &qotcommon.Security{Market: proto.Int32(mk), Code: proto.String(code)}
	}
	ask := func(secs ...*qotcommon.Security) ([]*trdgetmarginratio.MarginRatioInfo, error) {
		var resp trdgetmarginratio.Response
		err := wc.call(protoid.TrdGetMarginRatio, &trdgetmarginratio.Request{C2S: &trdgetmarginratio.C2S{Header: h, SecurityList: secs}}, &resp)
		return resp.GetS2C().GetMarginRatioInfoList(), err
	}
	got, err := ask(sec(market.MarketHK, "00700"), sec(market.MarketHK, "09988"))
	if err != nil || len(got) != 2 {
		t.Fatalf("margin ratio: %v, %v", got, err)
	}
	for i, code := range []string{"00700", "09988"} {
		inst, _ := m.Instrument(market.MarketHK, code)
		want := marginOf(inst, 0)
		g := got[i]
		if g.GetSecurity().GetCode() != code || g.GetImLongRatio() != want.imLong || g.GetImShortRatio() != want.imShort ||
			g.GetShortPoolRemain() != want.pool || !g.GetIsShortPermit() || g.GetMmLongRatio() != want.mmLong {
			t.Fatalf("%s: %v, want %+v", code, g, want)
		}
	}
	many := make([]*qotcommon.Security, maxMarginSecurities+1)
	for i := range many {
		many[i] = sec(market.MarketHK, "00700")
	}
	for _, c := range []struct {
		name string
		secs []*qotcommon.Security
		code int32
		msg  string
	}{
		{"empty", nil, codeInvalidRequest, "securityList is empty"},
		{"too many", many, codeInvalidRequest, "at most 100"},
		{"unknown", []*qotcommon.Security{sec(market.MarketHK, "99999")}, codeSecurity, "unknown security HK.99999"},
		{"other market", []*qotcommon.Security{sec(market.MarketUS, "AAPL")}, codeSecurity, "not traded by account 2001"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ask(c.secs...)
			wantWireRefusal(t, err, c.code, c.msg)
		})
	}

	var resp trdgetmaxtrdqtys.Response
	if err := wc.call(protoid.TrdGetMaxTrdQtys, &trdgetmaxtrdqtys.Request{C2S: maxReq(h, typeLimit, "00700", 400)}, &resp); err != nil {
		t.Fatal(err)
	}
	q := resp.GetS2C().GetMaxTrdQtys()
	inst, _ := m.Instrument(market.MarketHK, "00700")
	terms := marginOf(inst, 0)
	if q.GetMaxCashBuy() != 2500 || q.GetMaxCashAndMarginBuy() <= q.GetMaxCashBuy() || q.GetMaxSellShort() <= 0 ||
		q.GetLongRequiredIM() != 400*terms.imLong/100 || q.GetShortRequiredIM() != 400*terms.imShort/100 {
		t.Fatalf("max qtys = %v", q)
	}
}
