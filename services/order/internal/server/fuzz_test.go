package server

import (
	"math"
	"strings"
	"testing"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/services/order/internal/limits"
	"google.golang.org/protobuf/encoding/protojson"
)

// FuzzOrderRequest feeds REST bodies of POST /api/order through the same decoding
// the edge does (protojson, unknown fields refused, enums by name or number) and
// this service's validation: nothing may panic, and whatever passes validation must
// be a sane order.
func FuzzOrderRequest(f *testing.F) {
	for _, s := range []string{
		`{"trd_env":0,"acc_id":"1001","trd_market":1,"code":"00700","trd_side":1,"order_type":1,"price":480.2,"qty":100}`,
		`{"trd_env":"TRD_ENV_REAL","acc_id":"2002","trd_market":"TRD_MARKET_US","code":"US.AAPL","trd_side":2,"order_type":2,"qty":1}`,
		`{"trd_env":1,"acc_id":"1","trd_market":3,"code":"SH.600519","sec_market":31,"trd_side":1,"order_type":1,"price":1500.01,"qty":100,"remark":"hi"}`,
		`{"qty":-1}`, `{"price":"NaN","qty":"Infinity"}`, `{"unknown":1}`, `{"code":"HK.00700.X"}`, `{}`, `[]`, `null`,
	} {
		f.Add([]byte(s), int32(100))
	}
	f.Fuzz(func(t *testing.T, body []byte, lot int32) {
		var req gatewayv1.PlaceOrderRequest
		if err := (protojson.UnmarshalOptions{}).Unmarshal(body, &req); err != nil {
			return
		}
		n, err := normalize(&req)
		if err != nil || n.problem != nil {
			return
		}
		if err := limits.CheckInput(n.order, lot); err != nil {
			return
		}
		o := n.order
		if !(o.Qty > 0) || math.IsInf(o.Qty, 0) || math.IsNaN(o.Qty) {
			t.Fatalf("accepted qty %v", o.Qty)
		}
		if !o.IsMarket && (!(o.Price > 0) || math.IsInf(o.Price, 0)) {
			t.Fatalf("accepted limit price %v", o.Price)
		}
		if n.code == "" || strings.ContainsAny(n.code, " .") || len(n.place.Remark) > maxRemark {
			t.Fatalf("accepted code %q remark %q", n.code, n.place.Remark)
		}
		if v := limits.Value(o, 1); math.IsNaN(v) || v < 0 {
			t.Fatalf("value %v", v)
		}
	})
}
