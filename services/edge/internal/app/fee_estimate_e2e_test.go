package app

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/futugw/gateway/platform/testkit"
)

// TestOrderFeeEstimateEndToEnd estimates a real account's limit order through the
// edge, places it, lets the simulator fill it and asks OpenD's Trd_GetOrderFee
// (/api/order-fee) what it cost: the charged fee and items are the estimate's.
//
// The simulator fills a marketable limit order at the market, not at its limit. A
// US buy's charges are per share (the value only caps them, at 0.5%), so the
// estimate at the limit price and the charge at the fill prices must agree to the
// cent; the schedule's value-dependent items are checked by opend/fees' tables.
func TestOrderFeeEstimateEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs five binaries")
	}
	// New York's regular session of a Monday, so the order fills; real trading
	// unlocked with the simulator's trade password.
	s := startFullStackEnv(t, []string{"ORDER_TRADE_PASSWORD=123456"},
		"-push-interval", "20ms", "-clock-start", "2026-12-07T10:00:00-05:00")
	key := s.issueWith(t, "fee-trader", `"trade:real","acc:read","qot:read"`, `{"allowed_acc_ids":["2002"]}`)

	limit := cents(s.lastPrice(t, key) * 1.05) // above the market: fills at once
	order := `{"trd_env":"TRD_ENV_REAL","acc_id":2002,"trd_market":"TRD_MARKET_US","code":"AAPL",` +
		`"trd_side":"TRD_SIDE_BUY","order_type":"ORDER_TYPE_NORMAL","qty":100,"price":` + limit + `}`
	resp, raw := testkit.Send(t, "POST", s.base+"/api/order-fee-estimate", order,
		map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + key})
	t.Logf("POST /api/order-fee-estimate %s\n-> %d %s", order, resp.StatusCode, raw)
	var est struct {
		FeeAmount  float64          `json:"fee_amount"`
		FeeList    []map[string]any `json:"fee_list"`
		Currency   string           `json:"currency"`
		OrderValue float64          `json:"order_value"`
		Price      float64          `json:"price"`
		Basis      string           `json:"basis"`
	}
	if err := json.Unmarshal([]byte(raw), &est); err != nil || resp.StatusCode != 200 {
		t.Fatalf("estimate: %d %s (%v)", resp.StatusCode, raw, err)
	}
	var shape map[string]any
	_ = json.Unmarshal([]byte(raw), &shape)
	for _, f := range []string{"fee_amount", "fee_list", "currency", "order_value", "price", "basis"} {
		if _, ok := shape[f]; !ok {
			t.Errorf("estimate lacks %s: %s", f, raw)
		}
	}
	if est.Basis != "FEE_BASIS_STANDARD_SCHEDULE" || est.Currency != "USD" || fmt.Sprint(est.Price) != fmt.Sprint(mustFloat(t, limit)) ||
		est.OrderValue != 100*est.Price || len(est.FeeList) != 3 || est.FeeAmount != 2.29 {
		// 100 shares: commission 0.49 raised to USD 0.99, platform 0.50 raised to
		// 1.00, settlement 0.30; a buy pays no SEC fee or TAF.
		t.Fatalf("estimate = %+v", est)
	}

	code, b := s.call(t, "POST", "/api/order", key, order)
	id, _ := b["order_id"].(string)
	if code != 200 || id == "" {
		t.Fatalf("order: %d %v", code, b)
	}
	testkit.Eventually(t, 30*time.Second, "the order filled in full", func() bool {
		code, b := s.call(t, "POST", "/api/orders", key, `{"trd_env":1,"acc_id":2002,"trd_market":2}`)
		if code != 200 {
			t.Fatalf("orders: %d %v", code, b)
		}
		list, _ := b["orders"].([]any)
		for _, o := range list {
			if m, _ := o.(map[string]any); m["order_id"] == id {
				return m["order_status"] == "ORDER_STATUS_FILLED_ALL"
			}
		}
		return false
	})

	// The simulator names its orders SIM<order id> (orderIDEx, what Trd_GetOrderFee takes).
	code, b = s.call(t, "POST", "/api/order-fee", key,
		`{"header":{"trd_env":1,"acc_id":2002,"trd_market":2},"order_id_ex_list":["SIM`+id+`"]}`)
	t.Logf("POST /api/order-fee -> %d %v", code, b)
	fl, _ := b["order_fee_list"].([]any)
	if code != 200 || len(fl) != 1 {
		t.Fatalf("order fee: %d %v", code, b)
	}
	charged, _ := fl[0].(map[string]any)
	items, _ := charged["fee_list"].([]any)
	got := make([]map[string]any, 0, len(items))
	for _, it := range items {
		got = append(got, it.(map[string]any))
	}
	if charged["fee_amount"] != est.FeeAmount || !reflect.DeepEqual(got, est.FeeList) {
		t.Fatalf("charged %v %v, estimated %v %v", charged["fee_amount"], got, est.FeeAmount, est.FeeList)
	}

	// A key without trade:real is refused the estimate as it is refused the order.
	simKey := s.issueWith(t, "fee-sim", `"trade:simulate","acc:read","qot:read"`, "")
	for _, path := range []string{"/api/order-fee-estimate", "/api/order"} {
		if code, b := s.call(t, "POST", path, simKey, order); code != 403 || b["reason"] != "scope_denied" {
			t.Fatalf("%s with trade:simulate only: %d %v", path, code, b)
		}
	}
	// A simulated account trades free; the value and price are still the order's.
	simOrder := strings.Replace(order, `"trd_env":"TRD_ENV_REAL","acc_id":2002`, `"trd_env":"TRD_ENV_SIMULATE","acc_id":1002`, 1)
	code, b = s.call(t, "POST", "/api/order-fee-estimate", simKey, simOrder)
	t.Logf("simulated account: %d %v", code, b)
	if list, _ := b["fee_list"].([]any); code != 200 || b["basis"] != "FEE_BASIS_SIMULATED" || b["fee_amount"] != 0.0 ||
		list == nil || len(list) != 0 || b["currency"] != "USD" || b["price"] != est.Price || b["order_value"] != est.OrderValue {
		t.Fatalf("simulated estimate: %d %v", code, b)
	}
}

func mustFloat(t *testing.T, s string) float64 {
	t.Helper()
	var f float64
	if _, err := fmt.Sscan(s, &f); err != nil {
		t.Fatal(err)
	}
	return f
}
