package trade

import (
	"math"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/api/gen/go/futu/opend/trdplaceorder"
)

func TestPlaceOrderRefusals(t *testing.T) {
	f := newFixture(t, Config{})
	p := f.limitAt("HK.00700", 0.9) // a valid price that does not fill
	hk := hkSim()
	tests := []struct {
		name  string
		req   *trdplaceorder.C2S
		code  int32
		inMsg string
	}{
		{"unknown account", placeReq(header(EnvSimulate, 9999, TrdMarketHK), sideBuy, typeLimit, "00700", 100, p), codeAccount, "unknown account id 9999"},
		{"env mismatch", placeReq(header(EnvReal, 1001, TrdMarketHK), sideBuy, typeLimit, "00700", 100, p), codeAccount, "simulate account"},
		{"market mismatch", placeReq(header(EnvSimulate, 1001, TrdMarketUS), sideBuy, typeLimit, "AAPL", 1, 100), codeAccount, "no access to trdMarket 2"},
		{"real account locked", placeReq(header(EnvReal, 2001, TrdMarketHK), sideBuy, typeLimit, "00700", 100, p), codeLocked, "unlock trade first"},
		{"unknown code", placeReq(hk, sideBuy, typeLimit, "99999", 100, p), codeSecurity, `unknown code "99999"`},
		{"code of another market", placeReq(hk, sideBuy, typeLimit, "AAPL", 100, p), codeSecurity, `unknown code "AAPL" in market HK`},
		{"keyed code of another market", placeReq(hk, sideBuy, typeLimit, "US.AAPL", 100, p), codeSecurity, "not in trdMarket 1"},
		{"empty code", placeReq(hk, sideBuy, typeLimit, "", 100, p), codeSecurity, "missing code"},
		{"secMarket mismatch", func() *trdplaceorder.C2S {
			r := placeReq(hk, sideBuy, typeLimit, "00700", 100, p)
			r.SecMarket = proto.Int32(2)
			return r
		}(), codeSecurity, "secMarket 2 does not match"},
		{"zero qty", placeReq(hk, sideBuy, typeLimit, "00700", 0, p), codeQty, "qty must be positive"},
		{"negative qty", placeReq(hk, sideBuy, typeLimit, "00700", -100, p), codeQty, "qty must be positive"},
		{"NaN qty", placeReq(hk, sideBuy, typeLimit, "00700", math.NaN(), p), codeQty, "qty must be positive"},
		{"infinite qty", placeReq(hk, sideBuy, typeLimit, "00700", math.Inf(1), p), codeQty, "not a multiple of the lot size"},
		{"odd lot", placeReq(hk, sideBuy, typeLimit, "00700", 150, p), codeQty, "not a multiple of the lot size 100"},
		{"fractional qty", placeReq(hk, sideBuy, typeLimit, "00700", 100.5, p), codeQty, "not a multiple"},
		{"limit without price", placeReq(hk, sideBuy, typeLimit, "00700", 100, 0), codePrice, "needs a positive price"},
		{"negative price", placeReq(hk, sideBuy, typeLimit, "00700", 100, -5), codePrice, "needs a positive price"},
		{"price off the tick grid", placeReq(hk, sideBuy, typeLimit, "00700", 100, p+0.001), codePrice, "not on the tick grid"},
		{"unknown side", placeReq(hk, 0, typeLimit, "00700", 100, p), codeInvalidRequest, "invalid trdSide 0"},
		{"side out of range", placeReq(hk, 9, typeLimit, "00700", 100, p), codeInvalidRequest, "invalid trdSide 9"},
		{"sell short", placeReq(hk, sideSellShort, typeLimit, "00700", 100, p), codeUnsupported, "short selling"},
		{"buy back without a short", placeReq(hk, sideBuyBack, typeLimit, "00700", 100, p), codePosition, "insufficient short position"},
		{"unsupported order type", placeReq(hk, sideBuy, 5, "00700", 100, p), codeUnsupported, "unsupported orderType 5"},
		{"not enough cash", placeReq(hk, sideBuy, typeLimit, "00700", 100_000, p), codeFunds, "insufficient buying power"},
		{"not enough cash market", placeReq(hk, sideBuy, typeMarket, "00700", 100_000, 0), codeFunds, "insufficient buying power"},
		{"sell without position", placeReq(hk, sideSell, typeLimit, "00700", 100, p), codePosition, "can sell 0"},
		{"missing packet id", &trdplaceorder.C2S{Header: hk, TrdSide: proto.Int32(sideBuy), OrderType: proto.Int32(typeLimit),
			Code: proto.String("00700"), Qty: proto.Float64(100), Price: proto.Float64(p)}, codeInvalidRequest, "missing packetID"},
	}
	before := f.funds(hk)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name != "missing packet id" {
				tc.req.PacketID = f.packet()
			}
			_, err := f.eng.placeOrder(tc.req)
			wantRefusal(t, err, tc.code, tc.inMsg)
		})
	}
	if n := len(f.orders(hk)); n != 0 {
		t.Fatalf("refusals booked %d orders", n)
	}
	if after := f.funds(hk); !proto.Equal(before, after) {
		t.Fatalf("refusals changed funds: %v -> %v", before, after)
	}
	if len(f.eng.seen) != 0 {
		t.Fatalf("refusals recorded %d packet ids", len(f.eng.seen))
	}
	// US lots are 1 share and US prices tick at 0.01.
	us := header(EnvSimulate, 1002, TrdMarketUS)
	f.mustPlace(placeReq(us, sideBuy, typeLimit, "AAPL", 3, f.limitAt("US.AAPL", 0.9)))
	_, err := f.place(placeReq(us, sideBuy, typeLimit, "AAPL", 3, 100.005))
	wantRefusal(t, err, codePrice, "tick 0.01")
}

func TestPacketIDReplay(t *testing.T) {
	f := newFixture(t, Config{})
	hk := hkSim()
	p := f.limitAt("HK.00700", 0.9)
	req := placeReq(hk, sideBuy, typeLimit, "00700", 100, p)
	req.PacketID = f.packet()
	f.mustPlace(req)
	_, err := f.place(req) // same PacketID
	wantRefusal(t, err, codeDuplicate, "duplicate packet id")
	if n := len(f.orders(hk)); n != 1 {
		t.Fatalf("orders = %d after replay, want 1", n)
	}
	// The same serial from another connection is a different packet.
	other := placeReq(hk, sideBuy, typeLimit, "00700", 100, p)
	other.PacketID = proto.CloneOf(req.PacketID)
	other.PacketID.ConnID = proto.Uint64(2)
	f.mustPlace(other)
	// A replayed modify is refused too and changes nothing.
	id := f.orders(hk)[0].GetOrderID()
	mod := f.packet()
	cancel := func() error {
		_, err := f.eng.modifyOrder(modReq(hk, id, opCancel, mod))
		return err
	}
	if err := cancel(); err != nil {
		t.Fatal(err)
	}
	wantRefusal(t, cancel(), codeDuplicate, "duplicate packet id")
}

func TestPacketIDsExpire(t *testing.T) {
	f := newFixture(t, Config{})
	hk := hkSim()
	p := f.limitAt("HK.00700", 0.9)
	req := placeReq(hk, sideBuy, typeLimit, "00700", 100, p)
	req.PacketID = f.packet()
	f.mustPlace(req)
	f.clock.Advance(2 * seenTTL)
	f.mustPlace(placeReq(hk, sideBuy, typeLimit, "00700", 100, p)) // expires the first
	if len(f.eng.seen) != 1 || len(f.eng.seenLog) != 1 {
		t.Fatalf("replay set holds %d/%d ids, want 1", len(f.eng.seen), len(f.eng.seenLog))
	}
}
