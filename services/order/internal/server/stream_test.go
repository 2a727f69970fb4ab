package server

import (
	"context"
	"net"
	"testing"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdupdateorder"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/platform/testkit"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/proto"
)

// TestStreamTradePushesDeliversOrderAndFill places a marketable order and expects
// its 2208 order update and 2218 fill on a StreamTradePushes stream over gRPC.
func TestStreamTradePushesDeliversOrderAndFill(t *testing.T) {
	e := newEnv(t)
	gs := grpc.NewServer()
	gatewayv1.RegisterOrderServiceServer(gs, e.srv)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = gs.Serve(ln) }()
	t.Cleanup(gs.Stop)
	cc, err := grpc.NewClient(ln.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cc.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	stream, err := gatewayv1.NewOrderServiceClient(cc).StreamTradePushes(ctx, &gatewayv1.StreamTradePushesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 20*time.Second, "stream subscribed", func() bool { return e.hub.Len() == 1 })

	mkt := limitOrder()
	mkt.OrderType, mkt.Price = gatewayv1.OrderType_ORDER_TYPE_MARKET, 0
	resp, err := e.srv.PlaceOrder(ctxFor("k-push", nil), mkt)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[uint32]bool{}
	for !seen[protoid.TrdUpdateOrder] || !seen[protoid.TrdUpdateOrderFill] {
		p, err := stream.Recv()
		if err != nil {
			t.Fatalf("recv: %v (seen %v)", err, seen)
		}
		if p.GetAccId() != 1001 || p.GetTrdEnv() != gatewayv1.TrdEnv_TRD_ENV_SIMULATE {
			t.Fatalf("push for acc %d env %v", p.GetAccId(), p.GetTrdEnv())
		}
		if p.GetProtoId() == protoid.TrdUpdateOrder {
			var m trdupdateorder.Response
			if err := proto.Unmarshal(p.GetBody(), &m); err != nil {
				t.Fatal(err)
			}
			if got := m.GetS2C().GetOrder().GetOrderID(); proto.Uint64(got) == nil || formatID(got) != resp.GetOrderId() {
				t.Fatalf("2208 for order %d, placed %s", got, resp.GetOrderId())
			}
		}
		seen[p.GetProtoId()] = true
	}
}
