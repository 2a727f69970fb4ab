package trade

import (
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetmaxtrdqtys"
	"github.com/futugw/gateway/opend/fees"
	"github.com/futugw/gateway/opend/sim/market"
)

func TestMarginAccountBuysOnMargin(t *testing.T) {
	f := newFixture(t, Config{MaxFillFraction: 1})
	f.unlock()
	hk := header(EnvReal, 2001, TrdMarketHK)
	cur := f.cur("HK.00700")
	inst, _ := f.mkt.Instrument(market.MarketHK, "00700")
	terms := marginOf(inst, 0)

	mq, err := f.eng.getMaxTrdQtys(&trdgetmaxtrdqtys.C2S{Header: hk, OrderType: proto.Int32(typeMarket), Code: proto.String("00700"), Price: proto.Float64(0)})
	if err != nil {
		t.Fatal(err)
	}
	maxMargin := mq.GetMaxTrdQtys().GetMaxCashAndMarginBuy()
	if maxMargin <= mq.GetMaxTrdQtys().GetMaxCashBuy() {
		t.Fatalf("no margin capacity: %v", mq)
	}
	_, err = f.place(placeReq(hk, sideBuy, typeMarket, "00700", maxMargin+100, 0))
	wantRefusal(t, err, codeFunds, "insufficient buying power")

	// Borrow: buy twice what the cash pays for.
	qty := floorLots(2*1_000_000/cur, 100)
	f.mustPlace(placeReq(hk, sideBuy, typeMarket, "00700", qty, 0))
	fu := f.funds(hk)
	val := qty * cur
	// A real account pays the fees out of its cash.
	fee := fees.Total(charges(execution{market.MarketHK, sideBuy, qty, round6(val)}))
	if !near(fu.GetDebtCash(), round6(val+fee-1_000_000)) || !near(fu.GetCash(), round6(1_000_000-val-fee)) ||
		!near(fu.GetInitialMargin(), round6(val*terms.imLong/100)) || !near(fu.GetMaintenanceMargin(), round6(val*terms.mmLong/100)) ||
		!near(fu.GetLongMv(), val) || fu.GetShortMv() != 0 || fu.GetNetCashPower() != 0 {
		t.Fatalf("funds after a margin buy of %v = %v", val, fu)
	}
	excess := 1_000_000 - fee - val*terms.imLong/100
	if !near(fu.GetAvailableFunds(), round6(excess)) || !near(fu.GetPower(), round6(excess/powerLongRate)) {
		t.Fatalf("power = %v, available funds %v, want excess %v", fu.GetPower(), fu.GetAvailableFunds(), excess)
	}

	// A cash account cannot borrow.
	sim := hkSim()
	_, err = f.place(placeReq(sim, sideBuy, typeMarket, "00700", qty, 0))
	wantRefusal(t, err, codeFunds, "insufficient buying power")
	if fs := f.funds(sim); fs.GetDebtCash() != 0 || fs.GetInitialMargin() != 0 {
		t.Fatalf("cash account funds = %v", fs)
	}
}
