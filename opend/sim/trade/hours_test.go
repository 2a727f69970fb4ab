package trade

import (
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/opend/sim/calendar"
	"github.com/futugw/gateway/opend/sim/hours"
)

// TestFillsOnlyInSession: with Config.Fills set to the calendar's hours,
// orders placed outside their session wait, fill at the first tick inside it,
// and US market orders are refused outside the regular session.
func TestFillsOnlyInSession(t *testing.T) {
	ny, hk := calendar.Location(calendar.US), calendar.Location(calendar.HK)
	preMarket := time.Date(2026, 12, 7, 7, 0, 0, 0, ny)
	regular := time.Date(2026, 12, 7, 9, 31, 0, 0, ny)
	lunch := time.Date(2026, 12, 7, 12, 30, 0, 0, hk)
	afternoon := time.Date(2026, 12, 7, 13, 1, 0, 0, hk)
	usSim := header(EnvSimulate, 1002, TrdMarketUS)

	tests := []struct {
		name       string
		key        string
		typ        int32
		outsideRTH bool
		placeAt    time.Time
		thenAt     time.Time
		wantErr    int32 // refusal code; 0 = accepted
		wantAtOnce int32 // status right after placing
	}{
		{"US limit waits for the regular session", "US.AAPL", typeLimit, false, preMarket, regular, 0, statusSubmitted},
		{"US limit with fillOutsideRTH fills in pre-market", "US.AAPL", typeLimit, true, preMarket, regular, 0, statusFilledAll},
		{"US market order refused in pre-market", "US.AAPL", typeMarket, false, preMarket, regular, codeUnsupported, 0},
		{"US market order fills in the regular session", "US.AAPL", typeMarket, false, regular, regular, 0, statusFilledAll},
		{"HK limit waits out the lunch break", "HK.00700", typeLimit, false, lunch, afternoon, 0, statusSubmitted},
		{"HK market order queues over lunch", "HK.00700", typeMarket, false, lunch, afternoon, 0, statusSubmitted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, Config{Fills: hours.Fills, MaxFillFraction: 1})
			f.clock.now = tt.placeAt
			h, qty := hkSim(), 100.0
			if tt.key == "US.AAPL" {
				h, qty = usSim, 1
			}
			code := tt.key[3:]
			req := placeReq(h, sideBuy, tt.typ, code, qty, 0)
			if tt.typ == typeLimit {
				req.Price = proto.Float64(f.limitAt(tt.key, 1.05)) // marketable throughout
			}
			req.FillOutsideRTH = proto.Bool(tt.outsideRTH)
			id, err := f.place(req)
			if tt.wantErr != 0 {
				wantRefusal(t, err, tt.wantErr, "regular session")
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := f.order(h, id).GetOrderStatus(); got != tt.wantAtOnce {
				t.Fatalf("status after placing = %d, want %d", got, tt.wantAtOnce)
			}
			f.mkt.Step(tt.key) // a tick while still outside: nothing changes
			if got := f.order(h, id).GetOrderStatus(); got != tt.wantAtOnce {
				t.Fatalf("status after a tick at %v = %d, want %d", tt.placeAt, got, tt.wantAtOnce)
			}
			f.clock.Advance(tt.thenAt.Sub(tt.placeAt))
			f.mkt.Step(tt.key)
			if got := f.order(h, id).GetOrderStatus(); got != statusFilledAll {
				t.Errorf("status after a tick at %v = %d, want filled", tt.thenAt, got)
			}
		})
	}
}

// TestStopWaitsForSession: a US buy stop whose trigger the pre-market price
// crosses neither fires nor fills before 09:30; in the regular session it does.
func TestStopWaitsForSession(t *testing.T) {
	ny := calendar.Location(calendar.US)
	f := newFixture(t, Config{Fills: hours.Fills})
	f.clock.now = time.Date(2026, 12, 7, 7, 0, 0, 0, ny)
	h := header(EnvSimulate, 1002, TrdMarketUS)
	aux := f.cur("US.AAPL") + 0.01
	req := placeReq(h, sideBuy, typeStop, "AAPL", 1, 0)
	req.AuxPrice = proto.Float64(aux)
	req.FillOutsideRTH = proto.Bool(true) // a stop is no limit order: it still waits
	id := f.mustPlace(req)

	crossed := false
	for range 1000 {
		if q, _ := f.mkt.Step("US.AAPL"); q.Cur >= aux {
			crossed = true
			break
		}
	}
	if !crossed {
		t.Fatal("the walk never reached the trigger")
	}
	if got := f.order(h, id).GetOrderStatus(); got != statusSubmitted {
		t.Fatalf("status in pre-market after the price crossed %g = %d, want still waiting", aux, got)
	}

	f.clock.now = time.Date(2026, 12, 7, 9, 30, 0, 0, ny)
	for range 1000 {
		if f.mkt.Step("US.AAPL"); f.order(h, id).GetOrderStatus() == statusFilledAll {
			return
		}
	}
	t.Errorf("stop never filled in the regular session; status %d", f.order(h, id).GetOrderStatus())
}
