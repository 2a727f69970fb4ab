package loadgen

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"

	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/api/gen/go/futu/opend/common"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdplaceorder"
	"github.com/futugw/gateway/opend/protoid"
)

// RestingOrderJSON is the order benchmarks' order as the panel posts it: 100
// HK.00700 at 0.01 on simulated account 1001. It rests unfilled and costs 1 HKD, so
// the account never runs dry however many are placed.
const RestingOrderJSON = `{"trd_env":"TRD_ENV_SIMULATE","acc_id":"1001","trd_market":"TRD_MARKET_HK",` +
	`"code":"00700","trd_side":"TRD_SIDE_BUY","order_type":"ORDER_TYPE_NORMAL","price":0.01,"qty":100}`

// PostOrder posts body to url (the edge's /api/order) with key as the bearer and,
// unless idemKey is empty, an Idempotency-Key; any answer but 200 is an error.
func PostOrder(c *http.Client, url, key, idemKey string, body []byte) error {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	if idemKey != "" {
		req.Header.Set("Idempotency-Key", idemKey)
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("POST %s: %d %s", url, resp.StatusCode, msg)
	}
	return nil
}

// OpenDCaller is an OpenD client connection (opend/client.Conn).
type OpenDCaller interface {
	NextPacketID() (connID uint64, serial uint32)
	Call(ctx context.Context, protoID uint32, req, resp proto.Message) error
}

// PlaceRestingOrder places the benchmarks' order (RestingOrderJSON) straight to
// OpenD with Trd_PlaceOrder: the direct path the gateway is compared with.
func PlaceRestingOrder(ctx context.Context, c OpenDCaller) error {
	connID, serial := c.NextPacketID()
	return c.Call(ctx, protoid.TrdPlaceOrder, &trdplaceorder.Request{C2S: &trdplaceorder.C2S{
		PacketID: &common.PacketID{ConnID: proto.Uint64(connID), SerialNo: proto.Uint32(serial)},
		Header:   &trdcommon.TrdHeader{TrdEnv: proto.Int32(0), AccID: proto.Uint64(1001), TrdMarket: proto.Int32(1)},
		TrdSide:  proto.Int32(1), OrderType: proto.Int32(1), Code: proto.String("00700"),
		Qty: proto.Float64(100), Price: proto.Float64(0.01),
	}}, &trdplaceorder.Response{})
}
