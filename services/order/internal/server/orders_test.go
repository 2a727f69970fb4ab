package server

import (
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
)

// Futu's Trd_Common.OrderStatus numbers map to the API's names (which the panel
// reads); a number Futu may add later becomes ORDER_STATUS_UNKNOWN.
func TestOrderStatusOut(t *testing.T) {
	tests := []struct {
		futu int32
		want string
	}{
		{0, "ORDER_STATUS_UNSUBMITTED"},
		{-1, "ORDER_STATUS_UNKNOWN"},
		{1, "ORDER_STATUS_WAITING_SUBMIT"},
		{2, "ORDER_STATUS_SUBMITTING"},
		{3, "ORDER_STATUS_SUBMIT_FAILED"},
		{4, "ORDER_STATUS_TIMEOUT"},
		{5, "ORDER_STATUS_SUBMITTED"},
		{10, "ORDER_STATUS_FILLED_PART"},
		{11, "ORDER_STATUS_FILLED_ALL"},
		{12, "ORDER_STATUS_CANCELLING_PART"},
		{13, "ORDER_STATUS_CANCELLING_ALL"},
		{14, "ORDER_STATUS_CANCELLED_PART"},
		{15, "ORDER_STATUS_CANCELLED_ALL"},
		{21, "ORDER_STATUS_FAILED"},
		{22, "ORDER_STATUS_DISABLED"},
		{23, "ORDER_STATUS_DELETED"},
		{24, "ORDER_STATUS_FILL_CANCELLED"},
		// Not Futu statuses (today): answered as unknown, never as a bare number.
		{6, "ORDER_STATUS_UNKNOWN"},
		{20, "ORDER_STATUS_UNKNOWN"},
		{25, "ORDER_STATUS_UNKNOWN"},
		{-2, "ORDER_STATUS_UNKNOWN"},
		{1 << 30, "ORDER_STATUS_UNKNOWN"},
	}
	for _, tt := range tests {
		if got := orderStatusOut(tt.futu).String(); got != tt.want {
			t.Errorf("orderStatusOut(%d) = %s, want %s", tt.futu, got, tt.want)
		}
	}
	// Every Futu status has its name here: the table and the enum agree.
	if n := len(gatewayv1.OrderStatus_name); n != 17 {
		t.Errorf("the API's OrderStatus has %d values, Futu's 17", n)
	}
	for num, name := range gatewayv1.OrderStatus_name {
		if got := orderStatusOut(num); int32(got) != num || got.String() != name {
			t.Errorf("orderStatusOut(%d) = %v, want %s", num, got, name)
		}
	}
}

// An order's status leaves the service as the enum, which JSON renders by name.
func TestOrderOutStatusJSON(t *testing.T) {
	o := orderOut(&trdcommon.Order{OrderID: proto.Uint64(7), OrderStatus: proto.Int32(11), Code: proto.String("00700")})
	if o.GetOrderStatus() != gatewayv1.OrderStatus_ORDER_STATUS_FILLED_ALL {
		t.Fatalf("status = %v", o.GetOrderStatus())
	}
	b, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	if s := strings.ReplaceAll(string(b), " ", ""); !strings.Contains(s, `"order_status":"ORDER_STATUS_FILLED_ALL"`) {
		t.Errorf("JSON %s", b)
	}
}

// ListOrders through the simulator: a resting limit order is submitted.
func TestListOrdersStatus(t *testing.T) {
	e := newEnv(t)
	ctx := ctxFor("k-status", nil)
	placed, err := e.srv.PlaceOrder(ctx, limitOrder())
	if err != nil {
		t.Fatal(err)
	}
	list, err := e.srv.ListOrders(ctx, &gatewayv1.ListOrdersRequest{TrdEnv: gatewayv1.TrdEnv_TRD_ENV_SIMULATE,
		AccId: 1001, TrdMarket: gatewayv1.TrdMarket_TRD_MARKET_HK})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range list.GetOrders() {
		if o.GetOrderId() == placed.GetOrderId() {
			if o.GetOrderStatus() != gatewayv1.OrderStatus_ORDER_STATUS_SUBMITTED {
				t.Errorf("status = %v, want ORDER_STATUS_SUBMITTED", o.GetOrderStatus())
			}
			return
		}
	}
	t.Fatalf("order %s not listed: %v", placed.GetOrderId(), list)
}

// TestListOrdersEchoesTerms: the conditional terms /api/order takes (a stop's trigger,
// a trailing stop's trail, time in force) come back in /api/orders, as the simulator
// reports them.
func TestListOrdersEchoesTerms(t *testing.T) {
	e := newEnv(t)
	ctx := ctxFor("k-terms", nil)
	stop := limitOrder()
	stop.OrderType, stop.Price, stop.AuxPrice = gatewayv1.OrderType_ORDER_TYPE_STOP, 0, 900 // far above the market: waits
	stop.TimeInForce = gatewayv1.TimeInForce_TIME_IN_FORCE_GTC
	trail := limitOrder()
	trail.OrderType, trail.Price = gatewayv1.OrderType_ORDER_TYPE_TRAILING_STOP, 0
	trail.TrailType, trail.TrailValue = gatewayv1.TrailType_TRAIL_TYPE_RATIO, 5
	ids := map[string]*gatewayv1.PlaceOrderRequest{}
	for _, req := range []*gatewayv1.PlaceOrderRequest{stop, trail} {
		resp, err := e.srv.PlaceOrder(ctx, req)
		if err != nil {
			t.Fatalf("%v: %v", req.GetOrderType(), err)
		}
		ids[resp.GetOrderId()] = req
	}
	list, err := e.srv.ListOrders(ctx, &gatewayv1.ListOrdersRequest{TrdEnv: gatewayv1.TrdEnv_TRD_ENV_SIMULATE,
		AccId: 1001, TrdMarket: gatewayv1.TrdMarket_TRD_MARKET_HK})
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, o := range list.GetOrders() {
		req, ok := ids[o.GetOrderId()]
		if !ok {
			continue
		}
		seen++
		// A trailing order's aux_price is its trigger so far, which follows the market.
		wantAux := o.GetAuxPrice() == req.GetAuxPrice()
		if req.GetOrderType() == gatewayv1.OrderType_ORDER_TYPE_TRAILING_STOP {
			wantAux = o.GetAuxPrice() > 0
		}
		if o.GetOrderType() != req.GetOrderType() || !wantAux ||
			o.GetTrailType() != req.GetTrailType() || o.GetTrailValue() != req.GetTrailValue() ||
			o.GetTrailSpread() != req.GetTrailSpread() || o.GetTimeInForce() != req.GetTimeInForce() ||
			o.GetFillOutsideRth() != req.GetFillOutsideRth() {
			t.Errorf("order %s listed as %v, placed as %v", o.GetOrderId(), o, req)
		}
	}
	if seen != len(ids) {
		t.Fatalf("%d of %d orders listed: %v", seen, len(ids), list)
	}
	// REST answers the terms by name.
	for _, o := range list.GetOrders() {
		if ids[o.GetOrderId()] == trail {
			b, _ := protojson.MarshalOptions{UseProtoNames: true}.Marshal(o)
			if s := strings.ReplaceAll(string(b), " ", ""); !strings.Contains(s, `"trail_type":"TRAIL_TYPE_RATIO"`) {
				t.Errorf("JSON %s", b)
			}
		}
	}
}
