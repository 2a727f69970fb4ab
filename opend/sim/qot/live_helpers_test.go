package qot

import (
	"context"
	"testing"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetbroker"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetorderbook"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetrt"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetticker"
	"github.com/futugw/gateway/opend/envelope"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim/market"
	"github.com/futugw/gateway/opend/sim/rawclient"
	"google.golang.org/protobuf/proto"
)

// nextPushAs waits for the next push of protoID on c and decodes it into msg.
func nextPushAs(ctx context.Context, t *testing.T, c *rawclient.Client, protoID uint32, msg proto.Message) {
	t.Helper()
	f, err := c.NextPush(ctx, protoID)
	if err != nil {
		t.Fatalf("waiting for push %d: %v", protoID, err)
	}
	if err := proto.Unmarshal(f.Body, msg); err != nil {
		t.Fatalf("push %d: %v", protoID, err)
	}
}

func getTicker(ctx context.Context, t *testing.T, c *rawclient.Client, key string, n int32) (*qotgetticker.S2C, envelope.Status) {
	t.Helper()
	var resp qotgetticker.Response
	st := call(ctx, t, c, protoid.QotGetTicker, &qotgetticker.Request{C2S: &qotgetticker.C2S{
		Security: securityOf(key), MaxRetNum: proto.Int32(n)}}, &resp)
	return resp.GetS2C(), st
}

func getBook(ctx context.Context, t *testing.T, c *rawclient.Client, key string, n, typ int32) (*qotgetorderbook.S2C, envelope.Status) {
	t.Helper()
	var resp qotgetorderbook.Response
	st := call(ctx, t, c, protoid.QotGetOrderBook, &qotgetorderbook.Request{C2S: &qotgetorderbook.C2S{
		Security: securityOf(key), Num: proto.Int32(n), OrderBookType: proto.Int32(typ)}}, &resp)
	return resp.GetS2C(), st
}

func getRT(ctx context.Context, t *testing.T, c *rawclient.Client, key string) (*qotgetrt.S2C, envelope.Status) {
	t.Helper()
	var resp qotgetrt.Response
	st := call(ctx, t, c, protoid.QotGetRT, &qotgetrt.Request{C2S: &qotgetrt.C2S{Security: securityOf(key)}}, &resp)
	return resp.GetS2C(), st
}

func getBroker(ctx context.Context, t *testing.T, c *rawclient.Client, key string) (*qotgetbroker.S2C, envelope.Status) {
	t.Helper()
	var resp qotgetbroker.Response
	st := call(ctx, t, c, protoid.QotGetBroker, &qotgetbroker.Request{C2S: &qotgetbroker.C2S{Security: securityOf(key)}}, &resp)
	return resp.GetS2C(), st
}

func quoteSeq(seq int64) market.Quote { return market.Quote{Seq: seq} }
