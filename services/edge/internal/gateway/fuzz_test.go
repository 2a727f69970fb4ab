package gateway

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
)

type okOrders struct {
	gatewayv1.UnimplementedOrderServiceServer
}

func (okOrders) PlaceOrder(context.Context, *gatewayv1.PlaceOrderRequest) (*gatewayv1.PlaceOrderResponse, error) {
	return &gatewayv1.PlaceOrderResponse{OrderId: "1"}, nil
}

type okAuth struct {
	gatewayv1.UnimplementedAuthServiceServer
}

func (okAuth) CreateSession(context.Context, *gatewayv1.CreateSessionRequest) (*gatewayv1.SessionResponse, error) {
	return &gatewayv1.SessionResponse{Key: "k"}, nil
}

// fuzzHandler is the gateway's decode path (body cap, codec, error handler) with
// in-process services that accept anything that decodes.
func fuzzHandler(f *testing.F) http.Handler {
	mux := NewServeMux(nil)
	ctx := context.Background()
	if err := gatewayv1.RegisterOrderServiceHandlerServer(ctx, mux, okOrders{}); err != nil {
		f.Fatal(err)
	}
	if err := gatewayv1.RegisterAuthServiceHandlerServer(ctx, mux, okAuth{}); err != nil {
		f.Fatal(err)
	}
	return limitBody(DefaultMaxBody, withTimeout(10*time.Second, mux))
}

func fuzzBody(f *testing.F, path string, seeds []string) {
	h := fuzzHandler(f)
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("POST", path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("status %d for body %q: %s", rec.Code, body, rec.Body.String())
		}
		if rec.Header().Get("Content-Type") != "application/json" {
			t.Fatalf("Content-Type %q", rec.Header().Get("Content-Type"))
		}
	})
}

func FuzzPlaceOrderBody(f *testing.F) {
	fuzzBody(f, "/api/order", []string{
		``,
		`{}`,
		`{"trd_env":1,"acc_id":"281756457","trd_market":1,"code":"00700","trd_side":1,"order_type":1,"price":320.2,"qty":100}`,
		`{"trd_env":"TRD_ENV_SIMULATE","acc_id":18446744073709551615,"price":"NaN","qty":1e400}`,
		`{"code":"\u0000","remark":"` + "\xff" + `"}`,
		`{"unknown":true}`,
		`[1,2,3]`,
		`{"price":1}{"price":2}`,
		`null`,
	})
}

func FuzzSessionBody(f *testing.F) {
	fuzzBody(f, "/api/auth/session", []string{
		`{"scopes":["qot:read"],"expires_in":"30m"}`,
		`{"limits":{"allowed_markets":["HK"],"max_order_value":50000,"max_orders_per_minute":10}}`,
		`{"limits":{"max_orders_per_minute":2147483648}}`,
		`{"scopes":null,"limits":null}`,
		`{"scopes":[1]}`,
		`"x"`,
	})
}
