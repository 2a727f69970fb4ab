package trade

import (
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdplaceorder"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdupdateorder"
	"github.com/futugw/gateway/opend/sim/market"
)

func condReq(h *trdcommon.TrdHeader, side, typ int32, code string, qty, price, aux float64) *trdplaceorder.C2S {
	r := placeReq(h, side, typ, code, qty, price)
	r.AuxPrice = proto.Float64(aux)
	return r
}

func trailReq(h *trdcommon.TrdHeader, side, typ int32, code string, qty float64, trailType int32, value, spread float64) *trdplaceorder.C2S {
	r := placeReq(h, side, typ, code, qty, 0)
	r.TrailType, r.TrailValue, r.TrailSpread = proto.Int32(trailType), proto.Float64(value), proto.Float64(spread)
	return r
}

// stepUntilFilled steps the walk until order id has filled, returning the
// prices seen after placement (the placement price first).
func (f *fixture) stepUntilFilled(h *trdcommon.TrdHeader, key string, id uint64) []float64 {
	f.t.Helper()
	seen := []float64{f.cur(key)}
	for range 20_000 {
		if f.order(h, id).GetOrderStatus() == statusFilledAll {
			return seen
		}
		q, _ := f.mkt.Step(key)
		seen = append(seen, q.Cur)
	}
	f.t.Fatalf("order %d never filled: %v", id, f.order(h, id))
	return nil
}

func TestConditionalOrdersTriggerOnTheWalk(t *testing.T) {
	us := header(EnvSimulate, 1002, TrdMarketUS)
	const key = "US.AAPL"
	cases := []struct {
		name string
		req  func(f *fixture) *trdplaceorder.C2S
		// fires says whether price p triggers the order (given the prices
		// seen so far, for trailing orders); fill checks the fill price.
		fires func(aux float64, seen []float64, p float64) bool
		limit float64 // ratio of the limit to the placement price; 0 = none
	}{
		{"stop buy above the market", func(f *fixture) *trdplaceorder.C2S {
			return condReq(us, sideBuy, typeStop, "AAPL", 5, 0, f.limitAt(key, 1.002))
		}, func(aux float64, _ []float64, p float64) bool { return p >= aux }, 0},
		{"stop sell below the market", func(f *fixture) *trdplaceorder.C2S {
			return condReq(us, sideSell, typeStop, "AAPL", 5, 0, f.limitAt(key, 0.998))
		}, func(aux float64, _ []float64, p float64) bool { return p <= aux }, 0},
		{"market if touched buy below", func(f *fixture) *trdplaceorder.C2S {
			return condReq(us, sideBuy, typeMarketIfTouched, "AAPL", 5, 0, f.limitAt(key, 0.998))
		}, func(aux float64, _ []float64, p float64) bool { return p <= aux }, 0},
		{"market if touched sell above", func(f *fixture) *trdplaceorder.C2S {
			return condReq(us, sideSell, typeMarketIfTouched, "AAPL", 5, 0, f.limitAt(key, 1.002))
		}, func(aux float64, _ []float64, p float64) bool { return p >= aux }, 0},
		{"stop limit buy", func(f *fixture) *trdplaceorder.C2S {
			return condReq(us, sideBuy, typeStopLimit, "AAPL", 1, f.limitAt(key, 1.01), f.limitAt(key, 1.002))
		}, func(aux float64, _ []float64, p float64) bool { return p >= aux }, 1.01},
		{"limit if touched sell", func(f *fixture) *trdplaceorder.C2S {
			return condReq(us, sideSell, typeLimitIfTouched, "AAPL", 1, f.limitAt(key, 1.001), f.limitAt(key, 1.002))
		}, func(aux float64, _ []float64, p float64) bool { return p >= aux }, 1.001},
		{"trailing stop sell, ratio", func(f *fixture) *trdplaceorder.C2S {
			return trailReq(us, sideSell, typeTrailingStop, "AAPL", 5, trailRatio, 0.2, 0)
		}, func(_ float64, seen []float64, p float64) bool {
			return p <= market.Snap(market.MarketUS, maxOf(seen)*(1-0.002))
		}, 0},
		{"trailing stop buy, amount", func(f *fixture) *trdplaceorder.C2S {
			return trailReq(us, sideBuy, typeTrailingStop, "AAPL", 5, trailAmount, 0.4, 0)
		}, func(_ float64, seen []float64, p float64) bool {
			return p >= market.Snap(market.MarketUS, minOf(seen)+0.4)
		}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, Config{MaxFillFraction: 1})
			f.mustPlace(placeReq(us, sideBuy, typeMarket, "AAPL", 10, 0))
			req := c.req(f)
			id := f.mustPlace(req)
			if o := f.order(us, id); o.GetOrderStatus() != statusSubmitted || o.GetOrderType() != req.GetOrderType() {
				t.Fatalf("placed = %v", o)
			}
			seen := f.stepUntilFilled(us, key, id)
			// The order filled on the first step whose price triggered it.
			first := -1
			for i := 1; i < len(seen); i++ {
				if c.fires(req.GetAuxPrice(), seen[:i], seen[i]) {
					first = i
					break
				}
			}
			fl := f.fills(us)
			last := fl[len(fl)-1]
			if c.limit == 0 && (first != len(seen)-1 || last.GetPrice() != seen[first]) {
				t.Fatalf("filled at %v after %d steps; first trigger at step %d (%v)", last.GetPrice(), len(seen)-1, first, seen)
			}
			if c.limit != 0 && (first < 0 || first > len(seen)-1) {
				t.Fatalf("filled before the trigger: %v", seen)
			}
			o := f.order(us, id)
			if c.limit != 0 && !((o.GetTrdSide() == sideBuy && last.GetPrice() <= o.GetPrice()) || (o.GetTrdSide() == sideSell && last.GetPrice() >= o.GetPrice())) {
				t.Fatalf("limit %v filled at %v", o.GetPrice(), last.GetPrice())
			}
			if !(o.GetAuxPrice() > 0) {
				t.Fatalf("order shows no auxPrice: %v", o)
			}
			if fz := f.funds(us).GetFrozenCash(); fz != 0 {
				t.Fatalf("frozen cash after the fill = %v", fz)
			}
		})
	}
}

func orderOf(p pushed) *trdcommon.Order {
	if m, ok := p.msg.(*trdupdateorder.Response); ok {
		return m.GetS2C().GetOrder()
	}
	return nil
}

func maxOf(xs []float64) float64 {
	m := xs[0]
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

func minOf(xs []float64) float64 {
	m := xs[0]
	for _, x := range xs {
		m = min(m, x)
	}
	return m
}

func TestTrailingStopLimitTakesItsLimitAtTheTrigger(t *testing.T) {
	f := newFixture(t, Config{MaxFillFraction: 1})
	us := header(EnvSimulate, 1002, TrdMarketUS)
	f.mustPlace(placeReq(us, sideBuy, typeMarket, "AAPL", 10, 0))
	id := f.mustPlace(trailReq(us, sideSell, typeTrailingStopLimit, "AAPL", 1, trailAmount, 0.3, 0.05))
	o := f.order(us, id)
	if o.GetTrailType() != trailAmount || o.GetTrailValue() != 0.3 || o.GetTrailSpread() != 0.05 || !near(o.GetAuxPrice(), market.Snap(market.MarketUS, f.cur("US.AAPL")-0.3)) {
		t.Fatalf("placed = %v", o)
	}
	f.stepUntilFilled(us, "US.AAPL", id)
	o = f.order(us, id)
	if !near(o.GetPrice(), o.GetAuxPrice()-0.05) || o.GetFillAvgPrice() < o.GetPrice() {
		t.Fatalf("filled = %v: want limit = stop - spread and a fill at or above it", o)
	}
}

func TestConditionalRefusals(t *testing.T) {
	f := newFixture(t, Config{})
	us := header(EnvSimulate, 1002, TrdMarketUS)
	const key = "US.AAPL"
	above, below := f.limitAt(key, 1.01), f.limitAt(key, 0.99)
	gtcMarket := placeReq(us, sideBuy, typeMarket, "AAPL", 1, 0)
	gtcMarket.TimeInForce = proto.Int32(tifGTC)
	ioc := placeReq(us, sideBuy, typeLimit, "AAPL", 1, below)
	ioc.TimeInForce = proto.Int32(2)
	cases := []struct {
		name string
		req  *trdplaceorder.C2S
		code int32
		msg  string
	}{
		{"stop buy below the market", condReq(us, sideBuy, typeStop, "AAPL", 1, 0, below), codePrice, "must be above the current price"},
		{"stop sell above the market", condReq(us, sideSell, typeStop, "AAPL", 1, 0, above), codePrice, "must be below the current price"},
		{"touched buy above the market", condReq(us, sideBuy, typeMarketIfTouched, "AAPL", 1, 0, above), codePrice, "must be below"},
		{"stop without trigger", condReq(us, sideBuy, typeStop, "AAPL", 1, 0, 0), codePrice, "positive auxPrice"},
		{"trigger off the grid", condReq(us, sideBuy, typeStop, "AAPL", 1, 0, above+0.001), codePrice, "auxPrice"},
		{"stop limit without limit", condReq(us, sideBuy, typeStopLimit, "AAPL", 1, 0, above), codePrice, "positive price"},
		{"trail type", trailReq(us, sideBuy, typeTrailingStop, "AAPL", 1, 0, 1, 0), codeInvalidRequest, "invalid trailType 0"},
		{"trail ratio 100", trailReq(us, sideBuy, typeTrailingStop, "AAPL", 1, trailRatio, 100, 0), codeInvalidRequest, "percentage"},
		{"trail amount 0", trailReq(us, sideBuy, typeTrailingStop, "AAPL", 1, trailAmount, 0, 0), codeInvalidRequest, "must be positive"},
		{"negative spread", trailReq(us, sideBuy, typeTrailingStopLimit, "AAPL", 1, trailAmount, 1, -1), codeInvalidRequest, "trailSpread"},
		{"market GTC", gtcMarket, codeInvalidRequest, "DAY orders only"},
		{"IOC", ioc, codeUnsupported, "timeInForce 2"},
		{"auction order", placeReq(us, sideBuy, 6, "AAPL", 1, below), codeUnsupported, "orderType 6"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.place(c.req)
			wantRefusal(t, err, c.code, c.msg)
		})
	}
	if fz := f.funds(us).GetFrozenCash(); fz != 0 {
		t.Fatalf("refusals froze %v", fz)
	}
}

func TestDayOrdersExpireAtTheCloseGTCSurvive(t *testing.T) {
	f := newFixture(t, Config{})
	hk := hkSim()
	sub := &fakeSub{id: 1}
	subscribe(t, f.eng, sub, 1001)
	low := f.limitAt("HK.00700", 0.8)
	day := f.mustPlace(placeReq(hk, sideBuy, typeLimit, "00700", 100, low))
	gtcReq := placeReq(hk, sideBuy, typeLimit, "00700", 100, low)
	gtcReq.TimeInForce = proto.Int32(tifGTC)
	gtc := f.mustPlace(gtcReq)

	// The fixture's clock is 18:00 HKT on Monday 2025-03-03, after the close:
	// the Day order works until Tuesday's close (16:10 after the closing auction).
	f.clock.Advance(21*time.Hour + 9*time.Minute) // Tuesday 15:09 HKT
	f.mkt.Step("HK.00700")
	if o := f.order(hk, day); o.GetOrderStatus() != statusSubmitted {
		t.Fatalf("Day order before the close = %v", o)
	}
	f.clock.Advance(time.Hour + time.Minute) // 16:10
	f.mkt.Step("HK.00700")
	o := f.order(hk, day)
	if o.GetOrderStatus() != statusCancelledAll || o.GetLastErrMsg() == "" || o.GetTimeInForce() != tifDay {
		t.Fatalf("Day order after the close = %v", o)
	}
	if g := f.order(hk, gtc); g.GetOrderStatus() != statusSubmitted || g.GetTimeInForce() != tifGTC {
		t.Fatalf("GTC order = %v", g)
	}
	if fz := f.funds(hk).GetFrozenCash(); !near(fz, 100*low) {
		t.Fatalf("frozen = %v, want only the GTC order's %v", fz, 100*low)
	}
	var expiredPush bool
	for _, p := range sub.pushes() {
		if ord := orderOf(p); ord != nil && ord.GetOrderID() == day && ord.GetOrderStatus() == statusCancelledAll {
			expiredPush = true
		}
	}
	if !expiredPush {
		t.Fatal("no push for the expired order")
	}

	// An order placed after the close works through the next day's session.
	next := f.mustPlace(placeReq(hk, sideBuy, typeLimit, "00700", 100, low))
	f.clock.Advance(23 * time.Hour) // Wednesday 15:10 HKT
	f.mkt.Step("HK.00700")
	if o := f.order(hk, next); o.GetOrderStatus() != statusSubmitted {
		t.Fatalf("next-day order before its close = %v", o)
	}
	f.clock.Advance(time.Hour)
	f.mkt.Step("HK.00700")
	if o := f.order(hk, next); o.GetOrderStatus() != statusCancelledAll {
		t.Fatalf("next-day order after its close = %v", o)
	}
}

func TestDayCloseTable(t *testing.T) {
	hkt := marketLoc(market.MarketHK)
	et := marketLoc(market.MarketUS)
	cases := []struct {
		name       string
		mkt        int32
		at         time.Time
		outsideRTH bool
		want       time.Time
	}{
		{"HK morning", market.MarketHK, time.Date(2025, 3, 4, 10, 0, 0, 0, hkt), false, time.Date(2025, 3, 4, 16, 10, 0, 0, hkt)},
		{"HK after the close", market.MarketHK, time.Date(2025, 3, 4, 17, 0, 0, 0, hkt), false, time.Date(2025, 3, 5, 16, 10, 0, 0, hkt)},
		{"HK Friday night", market.MarketHK, time.Date(2025, 3, 7, 20, 0, 0, 0, hkt), false, time.Date(2025, 3, 10, 16, 10, 0, 0, hkt)},
		{"US regular", market.MarketUS, time.Date(2025, 3, 4, 10, 0, 0, 0, et), false, time.Date(2025, 3, 4, 16, 0, 0, 0, et)},
		{"US outside RTH", market.MarketUS, time.Date(2025, 3, 4, 10, 0, 0, 0, et), true, time.Date(2025, 3, 4, 20, 0, 0, 0, et)},
		{"US pre-market", market.MarketUS, time.Date(2025, 3, 4, 5, 0, 0, 0, et), false, time.Date(2025, 3, 4, 16, 0, 0, 0, et)},
	}
	for _, c := range cases {
		if got := dayClose(c.mkt, c.at, c.outsideRTH); !got.Equal(c.want) {
			t.Errorf("%s: dayClose = %v, want %v", c.name, got, c.want)
		}
	}
}
