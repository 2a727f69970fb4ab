package trade

import (
	"errors"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetmarginratio"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetmaxtrdqtys"
	"github.com/futugw/gateway/opend/envelope"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim/market"
)

func TestTCPQueryFrequencyLimits(t *testing.T) {
	hkReal, usReal := header(EnvReal, 2001, TrdMarketHK), header(EnvReal, 2002, TrdMarketUS)
	cases := []struct {
		name    string
		perUser bool
		call    func(wc *wireClient, h *trdcommon.TrdHeader) error
	}{
		{"history orders", false, func(wc *wireClient, h *trdcommon.TrdHeader) error {
			_, err := wc.historyOrders(h, nil)
			return err
		}},
		{"history fills", false, func(wc *wireClient, h *trdcommon.TrdHeader) error {
			_, err := wc.historyFills(h, nil)
			return err
		}},
		{"max qtys", false, func(wc *wireClient, h *trdcommon.TrdHeader) error {
			code := "00700"
			if h.GetTrdMarket() == TrdMarketUS {
				code = "AAPL"
			}
			return wc.call(protoid.TrdGetMaxTrdQtys, &trdgetmaxtrdqtys.Request{C2S: maxReq(h, typeMarket, code, 0)}, &trdgetmaxtrdqtys.Response{})
		}},
		{"order fee", false, func(wc *wireClient, h *trdcommon.TrdHeader) error {
			_, err := wc.orderFees(h, "SIM1")
			if isCode(err, codeOrder) { // the order is unknown, but the request counted
				return nil
			}
			return err
		}},
		{"margin ratio", true, func(wc *wireClient, h *trdcommon.TrdHeader) error {
			sec := &qotcommon.Security{Market: proto.Int32(market.MarketHK), Code: proto.String("00700")}
			if h.GetTrdMarket() == TrdMarketUS {
				sec = &qotcommon.Security{Market: proto.Int32(market.MarketUS), Code: proto.String("AAPL")}
			}
			return wc.call(protoid.TrdGetMarginRatio, &trdgetmarginratio.Request{C2S: &trdgetmarginratio.C2S{Header: h,
				SecurityList: []*qotcommon.Security{sec}}}, &trdgetmarginratio.Response{})
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clock := &fakeClock{now: histNow}
			_, _, addr := startSim(t, Config{Now: clock.Now})
			wc := dialSim(t, addr)
			for i := range 10 {
				if err := c.call(wc, hkReal); err != nil {
					t.Fatalf("request %d: %v", i+1, err)
				}
			}
			wantWireRefusal(t, c.call(wc, hkReal), codeRateLimit, "at most 10 requests per 30s")
			err := c.call(wc, usReal)
			if c.perUser {
				wantWireRefusal(t, err, codeRateLimit, "per user")
			} else if err != nil {
				t.Fatalf("another account is limited too: %v", err)
			}
			clock.Advance(30 * time.Second)
			if err := c.call(wc, hkReal); err != nil {
				t.Fatalf("after the window: %v", err)
			}
		})
	}
}

func isCode(err error, code int32) bool {
	var ee *envelope.Error
	return errors.As(err, &ee) && ee.ErrCode == code
}
