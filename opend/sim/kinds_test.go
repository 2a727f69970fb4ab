package sim

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatebasicqot"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim/market"
	"github.com/futugw/gateway/opend/sim/rawclient"
	"google.golang.org/protobuf/proto"
)

// TestKindsPushWithUnderlying: with Kinds on, a warrant's and a future's basic
// quotes are pushed like a stock's, and the warrant keeps following HK.00700:
// its last pushed price is the model value at some underlying price between the
// underlying's low and high of the day.
func TestKindsPushWithUnderlying(t *testing.T) {
	s, err := New(Config{Seed: 3, PushInterval: 2 * time.Millisecond, Kinds: true,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	c := serveAndDial(t, s, rawclient.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for _, code := range []string{"13125", "HSImain"} {
		subscribeBasic(t, ctx, c, &qotcommon.Security{Market: proto.Int32(market.MarketHK), Code: proto.String(code)})
	}
	seen := map[string]float64{}
	for len(seen) < 2 {
		f, err := c.NextPush(ctx, protoid.QotUpdateBasicQot)
		if err != nil {
			t.Fatal(err)
		}
		var p qotupdatebasicqot.Response
		if err := proto.Unmarshal(f.Body, &p); err != nil {
			t.Fatal(err)
		}
		for _, b := range p.GetS2C().GetBasicQotList() {
			if b.GetCurPrice() <= 0 || b.GetVolume() <= 0 {
				t.Errorf("push %v", b)
			}
			seen[b.GetSecurity().GetCode()] = b.GetCurPrice()
		}
	}
	w, _ := s.Market().QuoteByKey("HK.13125")
	u, _ := s.Market().QuoteByKey("HK.00700")
	lo := market.Value(w.Instrument, u.Low, w.Updated).Price
	hi := market.Value(w.Instrument, u.High, w.Updated).Price
	if w.Cur < lo-0.01 || w.Cur > hi+0.01 { // a tick of slack: the clock moved between the two valuations
		t.Errorf("warrant at %v outside its model range %v-%v for the underlying's day range %v-%v", w.Cur, lo, hi, u.Low, u.High)
	}
}
