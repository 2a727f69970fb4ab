package gateway

import (
	"context"
	"encoding/json"
	"net"
	"net/http/httptest"
	"strings"
	"testing"

	"google.golang.org/grpc"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/testkit"
)

// fakeOrders lists fixed orders.
type fakeOrders struct {
	gatewayv1.UnimplementedOrderServiceServer
}

func (fakeOrders) ListOrders(context.Context, *gatewayv1.ListOrdersRequest) (*gatewayv1.ListOrdersResponse, error) {
	return &gatewayv1.ListOrdersResponse{Orders: []*gatewayv1.Order{
		{OrderId: "1", Code: "00700", TrdSide: gatewayv1.TrdSide_TRD_SIDE_BUY, OrderType: gatewayv1.OrderType_ORDER_TYPE_NORMAL,
			OrderStatus: gatewayv1.OrderStatus_ORDER_STATUS_SUBMITTED, Qty: 100, Price: 300},
		{OrderId: "2", OrderStatus: gatewayv1.OrderStatus_ORDER_STATUS_FILLED_ALL},
		{OrderId: "3", OrderStatus: gatewayv1.OrderStatus_ORDER_STATUS_UNKNOWN},
		{OrderId: "4"}, // the zero value, unsubmitted, is still a name
	}}, nil
}

// REST renders an order's status by name, like every other enum.
func TestOrderStatusJSONNames(t *testing.T) {
	authAddr, _ := startFake(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	gatewayv1.RegisterOrderServiceServer(srv, fakeOrders{})
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Stop(); <-done })

	g, err := New(context.Background(), Options{AuthAddr: authAddr, QuoteAddr: deadAddr(t), OrderAddr: ln.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(g.Handler())
	t.Cleanup(func() { hs.Close(); _ = g.Close() })

	resp, raw := testkit.Send(t, "POST", hs.URL+"/api/orders",
		`{"trd_env":"TRD_ENV_SIMULATE","acc_id":"1001","trd_market":"TRD_MARKET_HK"}`,
		map[string]string{"Authorization": "Bearer good", "Content-Type": "application/json"})
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, raw)
	}
	compact := strings.Join(strings.Fields(string(raw)), "")
	if !strings.Contains(compact, `"order_status":"ORDER_STATUS_SUBMITTED"`) {
		t.Errorf("body lacks the status name: %s", raw)
	}
	var body struct {
		Orders []map[string]any `json:"orders"`
	}
	if err := json.Unmarshal([]byte(raw), &body); err != nil {
		t.Fatal(err)
	}
	want := []string{"ORDER_STATUS_SUBMITTED", "ORDER_STATUS_FILLED_ALL", "ORDER_STATUS_UNKNOWN", "ORDER_STATUS_UNSUBMITTED"}
	if len(body.Orders) != len(want) {
		t.Fatalf("orders %v", body.Orders)
	}
	for i, o := range body.Orders {
		if o["order_status"] != want[i] {
			t.Errorf("order %v: order_status = %#v, want %q", o["order_id"], o["order_status"], want[i])
		}
	}
	if o := body.Orders[0]; o["trd_side"] != "TRD_SIDE_BUY" || o["order_type"] != "ORDER_TYPE_NORMAL" {
		t.Errorf("other enums: %v", o)
	}
}
