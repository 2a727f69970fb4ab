package app

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/futugw/gateway/platform/testkit"
	"github.com/futugw/gateway/platform/testkit/proctest"
)

// startTradeStack is startFullStack with opend-sim's clock in New York's regular
// session of a Monday (so orders fill and the price walks) and OpenD's order rate
// raised for a test that places many orders.
func startTradeStack(t *testing.T) *stack {
	t.Helper()
	return startFullStack(t, "-push-interval", "20ms", "-order-rate-limit", "500",
		"-clock-start", "2026-12-07T10:00:00-05:00")
}

// issueWith mints a key with scopes and a limits object (JSON, may be empty).
func (s *stack) issueWith(t *testing.T, id, scopes, limits string) string {
	t.Helper()
	if limits != "" {
		limits = `,"limits":` + limits
	}
	code, b := s.call(t, "POST", "/api/admin/keys", s.adminKey, `{"id":"`+id+`","scopes":[`+scopes+`],"expires_in":"1h"`+limits+`}`)
	if code != 200 {
		t.Fatalf("issue %s: %d %v", id, code, b)
	}
	return b["key"].(string)
}

// callIdem is call with an Idempotency-Key header.
func (s *stack) callIdem(t *testing.T, path, key, idemKey, body string) (int, map[string]any) {
	t.Helper()
	resp, b := testkit.Send(t, "POST", s.base+path, body, map[string]string{
		"Content-Type": "application/json", "Authorization": "Bearer " + key, "Idempotency-Key": idemKey})
	var m map[string]any
	if err := json.Unmarshal([]byte(b), &m); err != nil {
		t.Fatalf("%s: %d, body not JSON: %q", path, resp.StatusCode, b)
	}
	return resp.StatusCode, m
}

// lastPrice is AAPL's current price from the catalog's snapshot route.
func (s *stack) lastPrice(t *testing.T, key string) float64 {
	t.Helper()
	code, b := s.call(t, "POST", "/api/snapshot", key, `{"security_list":[{"market":11,"code":"AAPL"}]}`)
	if code != 200 {
		t.Fatalf("snapshot: %d %v", code, b)
	}
	list, _ := b["snapshot_list"].([]any)
	if len(list) == 0 {
		t.Fatalf("snapshot: %v", b)
	}
	basic, _ := list[0].(map[string]any)["basic"].(map[string]any)
	p, _ := basic["cur_price"].(float64)
	if !(p > 0) {
		t.Fatalf("snapshot without a price: %v", b)
	}
	return p
}

// orderStatus is the status of order id of account 1002 (US), "" when not listed.
func (s *stack) orderStatus(t *testing.T, key, id string) string {
	t.Helper()
	code, b := s.call(t, "POST", "/api/orders", key, `{"trd_env":0,"acc_id":1002,"trd_market":2}`)
	if code != 200 {
		t.Fatalf("orders: %d %v", code, b)
	}
	list, _ := b["orders"].([]any)
	for _, o := range list {
		m, _ := o.(map[string]any)
		if m["order_id"] == id {
			return fmt.Sprint(m["order_status"])
		}
	}
	return ""
}

func cents(p float64) string { return fmt.Sprintf("%.2f", math.Round(p*100)/100) }

// usOrder is a PlaceOrderRequest body for account 1002: AAPL, with extra fields.
func usOrder(side, typ, qty string, extra string) string {
	b := `{"trd_env":0,"acc_id":1002,"trd_market":2,"code":"AAPL","trd_side":"` + side + `","order_type":"` + typ + `","qty":` + qty
	if extra != "" {
		b += "," + extra
	}
	return b + "}"
}

// TestWritesEndToEnd drives the write routes through the edge, the order service and
// opend-sim with keys of each scope: every order type the simulator serves, GTC and
// fill_outside_rth, max_order_value at the price that can fill, every ModifyOrderOp,
// and cancel-all (scope, account, the per-minute window, idempotency, audit).
func TestWritesEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs five binaries")
	}
	s := startTradeStack(t)
	const both = `"trade:simulate","acc:read","qot:read"`
	trader := s.issueWith(t, "w-trader", both, `{"allowed_acc_ids":["1002"]}`)
	reader := s.issueWith(t, "w-reader", `"acc:read","qot:read"`, `{"allowed_acc_ids":["1002"]}`)
	realOnly := s.issueWith(t, "w-real", `"trade:real","acc:read","qot:read"`, "")
	other := s.issueWith(t, "w-other", both, `{"allowed_acc_ids":["1001"]}`)
	capped := s.issueWith(t, "w-capped", both, `{"max_order_value":1000}`)

	cur := s.lastPrice(t, trader)
	t.Logf("AAPL at %v", cur)
	place := func(key, body string) (int, map[string]any) { return s.call(t, "POST", "/api/order", key, body) }
	mustPlace := func(name, body string) string {
		t.Helper()
		code, b := place(trader, body)
		id, _ := b["order_id"].(string)
		if code != 200 || id == "" || id == "0" {
			t.Fatalf("%s: %d %v", name, code, b)
		}
		return id
	}

	// Every order type the simulator serves is accepted, with its terms.
	below, above := cents(cur*0.8), cents(cur*1.2)
	placed := map[string]string{
		"stop limit":        mustPlace("stop limit", usOrder("TRD_SIDE_BUY", "ORDER_TYPE_STOP_LIMIT", "1", `"price":`+above+`,"aux_price":`+above)),
		"market if touched": mustPlace("market if touched", usOrder("TRD_SIDE_BUY", "ORDER_TYPE_MARKET_IF_TOUCHED", "1", `"aux_price":`+below)),
		"limit if touched":  mustPlace("limit if touched", usOrder("TRD_SIDE_BUY", "ORDER_TYPE_LIMIT_IF_TOUCHED", "1", `"price":`+below+`,"aux_price":`+below)),
		"trailing stop":     mustPlace("trailing stop", usOrder("TRD_SIDE_BUY", "ORDER_TYPE_TRAILING_STOP", "1", `"trail_type":"TRAIL_TYPE_RATIO","trail_value":20`)),
		"trailing stop limit": mustPlace("trailing stop limit", usOrder("TRD_SIDE_BUY", "ORDER_TYPE_TRAILING_STOP_LIMIT", "1",
			`"trail_type":"TRAIL_TYPE_AMOUNT","trail_value":`+cents(cur*0.2)+`,"trail_spread":0.05`)),
		"gtc limit, outside rth": mustPlace("gtc", usOrder("TRD_SIDE_BUY", "ORDER_TYPE_NORMAL", "1", `"price":`+below+`,"time_in_force":"TIME_IN_FORCE_GTC","fill_outside_rth":true`)),
	}
	for name, id := range placed {
		if st := s.orderStatus(t, trader, id); st != "ORDER_STATUS_SUBMITTED" {
			t.Errorf("%s %s: status %q, want it waiting (submitted)", name, id, st)
		}
	}

	// A GTC order is listed as GTC by the account's catalog order list (OpenD's own fields).
	code, b := s.call(t, "POST", "/api/history-orders", trader,
		`{"header":{"trd_env":0,"acc_id":1002,"trd_market":2},"filter_conditions":{"begin_time":"2026-11-01 00:00:00","end_time":"2026-12-31 00:00:00"}}`)
	if code != 200 {
		t.Errorf("history orders: %d %v", code, b)
	} else if !strings.Contains(fmt.Sprint(b), "TIME_IN_FORCE_GTC") && !strings.Contains(fmt.Sprint(b), "time_in_force:1") {
		t.Logf("history orders do not show the GTC order (today's orders may not be history yet): %v", b)
	}

	// Input refusals: a stop without its trigger, trail fields on a limit order.
	for name, body := range map[string]string{
		"stop without aux_price":  usOrder("TRD_SIDE_BUY", "ORDER_TYPE_STOP", "1", ""),
		"trail on a limit order":  usOrder("TRD_SIDE_BUY", "ORDER_TYPE_NORMAL", "1", `"price":`+below+`,"trail_type":1,"trail_value":2`),
		"trailing without a type": usOrder("TRD_SIDE_BUY", "ORDER_TYPE_TRAILING_STOP", "1", `"trail_value":2`),
	} {
		if code, b := place(trader, body); code != 400 || b["reason"] != "invalid_order" && b["reason"] != "invalid_argument" {
			t.Errorf("%s: %d %v, want 400", name, code, b)
		}
	}
	// The simulator refuses a trigger the price has already passed.
	if code, b := place(trader, usOrder("TRD_SIDE_BUY", "ORDER_TYPE_STOP", "1", `"aux_price":`+below)); code == 200 {
		t.Errorf("buy stop below the market: %d %v, want a refusal", code, b)
	}

	// max_order_value values a stop at its trigger (when above the market): qty x
	// live price fits the cap, qty x trigger does not.
	qty := fmt.Sprint(int(math.Floor(1000 / (cur * 1.02))))
	if code, b := place(capped, usOrder("TRD_SIDE_BUY", "ORDER_TYPE_STOP", qty, `"aux_price":`+cents(cur*1.3))); code != 429 || b["reason"] != "max_order_value" {
		t.Errorf("stop over the cap at its trigger: %d %v, want 429 max_order_value", code, b)
	}
	if code, b := place(capped, usOrder("TRD_SIDE_BUY", "ORDER_TYPE_STOP_LIMIT", qty, `"aux_price":`+cents(cur*1.01)+`,"price":`+cents(cur*1.3))); code != 429 || b["reason"] != "max_order_value" {
		t.Errorf("stop limit over the cap at its limit: %d %v, want 429 max_order_value", code, b)
	}
	if code, b := place(capped, usOrder("TRD_SIDE_BUY", "ORDER_TYPE_TRAILING_STOP", qty, `"trail_type":"TRAIL_TYPE_RATIO","trail_value":30`)); code != 429 || b["reason"] != "max_order_value" {
		t.Errorf("trailing stop over the cap at price + trail: %d %v, want 429 max_order_value", code, b)
	}
	if code, b := place(capped, usOrder("TRD_SIDE_BUY", "ORDER_TYPE_STOP", qty, `"aux_price":`+cents(cur*1.01))); code != 200 {
		t.Errorf("stop within the cap: %d %v", code, b)
	}
	// A key without trade:simulate may not place a simulated stop.
	if code, b := place(reader, usOrder("TRD_SIDE_BUY", "ORDER_TYPE_STOP", "1", `"aux_price":`+above)); code != 403 || b["reason"] != "scope_denied" {
		t.Errorf("reader places: %d %v", code, b)
	}

	// A buy stop a tick above the market triggers when the walk reaches it, then fills.
	var stop string
	waited := time.Now()
	testkit.EventuallyNil(t, 60*time.Second, "a stop order triggered and filled", func() error {
		if stop != "" {
			switch st := s.orderStatus(t, trader, stop); st {
			case "ORDER_STATUS_FILLED_ALL", "ORDER_STATUS_FILLED_PART":
				return nil
			case "ORDER_STATUS_SUBMITTED":
				if p := s.lastPrice(t, trader); p > cur+0.05 { // walked away below? re-place near the price
					return fmt.Errorf("stop %s still waiting at %v", stop, p)
				}
				return fmt.Errorf("stop %s still waiting", stop)
			default:
				return fmt.Errorf("stop %s: status %s", stop, st)
			}
		}
		p := s.lastPrice(t, trader)
		code, b := place(trader, usOrder("TRD_SIDE_BUY", "ORDER_TYPE_STOP", "1", `"aux_price":`+cents(p+0.01)))
		if code != 200 {
			return fmt.Errorf("placing the stop: %d %v", code, b)
		}
		stop, _ = b["order_id"].(string)
		return fmt.Errorf("stop %s placed at %v", stop, p)
	})
	t.Logf("stop %s triggered and filled %v after it was placed", stop, time.Since(waited))

	// Every ModifyOrderOp on a resting limit order.
	id := mustPlace("to modify", usOrder("TRD_SIDE_BUY", "ORDER_TYPE_NORMAL", "2", `"price":`+below))
	modify := func(key, body string) (int, map[string]any) { return s.call(t, "POST", "/api/modify-order", key, body) }
	acct := `"trd_env":0,"acc_id":1002,"trd_market":2,"order_id":"` + id + `"`
	steps := []struct {
		name, key, body string
		code            int
		reason, status  string
	}{
		{"normal (no op: as before)", trader, `{` + acct + `,"qty":3,"price":` + below + `}`, 200, "", "ORDER_STATUS_SUBMITTED"},
		{"disable by reader", reader, `{` + acct + `,"modify_order_op":"MODIFY_ORDER_OP_DISABLE"}`, 403, "scope_denied", "ORDER_STATUS_SUBMITTED"},
		{"disable by another account's key", other, `{` + acct + `,"modify_order_op":"MODIFY_ORDER_OP_DISABLE"}`, 403, "account_not_allowed", "ORDER_STATUS_SUBMITTED"},
		{"disable with a price", trader, `{` + acct + `,"modify_order_op":"MODIFY_ORDER_OP_DISABLE","price":1}`, 400, "", "ORDER_STATUS_SUBMITTED"},
		{"disable", trader, `{` + acct + `,"modify_order_op":"MODIFY_ORDER_OP_DISABLE"}`, 200, "", "ORDER_STATUS_DISABLED"},
		{"enable", trader, `{` + acct + `,"modify_order_op":4}`, 200, "", "ORDER_STATUS_SUBMITTED"},
		{"delete while working", trader, `{` + acct + `,"modify_order_op":"MODIFY_ORDER_OP_DELETE"}`, 400, "opend_rejected", "ORDER_STATUS_SUBMITTED"},
		{"cancel", trader, `{` + acct + `,"modify_order_op":"MODIFY_ORDER_OP_CANCEL"}`, 200, "", "ORDER_STATUS_CANCELLED_ALL"},
		{"delete", trader, `{` + acct + `,"modify_order_op":"MODIFY_ORDER_OP_DELETE"}`, 200, "", ""},
	}
	for _, st := range steps {
		code, b := modify(st.key, st.body)
		if code != st.code || (st.reason != "" && b["reason"] != st.reason) {
			t.Errorf("%s: %d %v, want %d %s", st.name, code, b, st.code, st.reason)
		}
		if got := s.orderStatus(t, trader, id); got != st.status && !(st.status == "" && got == "ORDER_STATUS_DELETED") {
			t.Errorf("after %s: status %q, want %q", st.name, got, st.status)
		}
	}
	// NORMAL on a waiting stop moves its trigger; absent terms are kept.
	sid := placed["stop limit"]
	if code, b := modify(trader, `{"trd_env":0,"acc_id":1002,"trd_market":2,"order_id":"`+sid+`","qty":2,"price":`+cents(cur*1.25)+`}`); code != 200 {
		t.Errorf("modify stop limit keeping its trigger: %d %v", code, b)
	}

	// Cancel-all: scope and account first.
	all := `{"trd_env":0,"acc_id":1002,"trd_market":2}`
	for _, c := range []struct {
		name, key, body string
		code            int
		reason          string
	}{
		{"reader", reader, all, 403, "scope_denied"},
		{"trade:real key on the simulated account", realOnly, all, 403, "scope_denied"},
		{"another account's key", other, all, 403, "account_not_allowed"},
		{"bad market filter", trader, `{"trd_env":0,"acc_id":1002,"trd_market":2,"only_trd_market":9}`, 400, "invalid_order"},
	} {
		if code, b := s.call(t, "POST", "/api/cancel-all-order", c.key, c.body); code != c.code || b["reason"] != c.reason {
			t.Errorf("cancel-all, %s: %d %v, want %d %s", c.name, code, b, c.code, c.reason)
		}
	}
	if code, b := s.call(t, "POST", "/api/cancel-all-order", trader, `{"trd_env":0,"acc_id":1002,"trd_market":2,"only_trd_market":"TRD_MARKET_US"}`); code != 200 {
		t.Fatalf("cancel-all: %d %v", code, b)
	}
	for name, id := range placed {
		if st := s.orderStatus(t, trader, id); st != "ORDER_STATUS_CANCELLED_ALL" {
			t.Errorf("after cancel-all, %s %s: %q", name, id, st)
		}
	}

	// The per-minute window counts a cancel-all; an idempotent retry is not counted again.
	win := s.issueWith(t, "w-window", both, `{"max_orders_per_minute":3}`)
	if code, b := place(win, usOrder("TRD_SIDE_BUY", "ORDER_TYPE_NORMAL", "1", `"price":`+below)); code != 200 { // 1
		t.Fatalf("window order: %d %v", code, b)
	}
	for i := range 2 { // 2, then its replay
		if code, b := s.callIdem(t, "/api/cancel-all-order", win, "ca-1", all); code != 200 {
			t.Fatalf("keyed cancel-all #%d: %d %v", i, code, b)
		}
	}
	if code, b := s.callIdem(t, "/api/cancel-all-order", win, "ca-1", `{"trd_env":0,"acc_id":1002,"trd_market":2,"only_trd_market":2}`); code != 409 && code != 422 {
		t.Errorf("the key reused with another body: %d %v, want a conflict", code, b)
	}
	if code, b := s.call(t, "POST", "/api/cancel-all-order", win, all); code != 200 { // 3
		t.Fatalf("cancel-all 3: %d %v", code, b)
	}
	if code, b := place(win, usOrder("TRD_SIDE_BUY", "ORDER_TYPE_NORMAL", "1", `"price":`+below)); code != 429 || b["reason"] != "max_orders_per_minute" {
		t.Errorf("order after a full window: %d %v, want 429 max_orders_per_minute", code, b)
	}
	if code, b := s.call(t, "POST", "/api/cancel-all-order", win, all); code != 429 || b["reason"] != "max_orders_per_minute" {
		t.Errorf("cancel-all after a full window: %d %v, want 429 max_orders_per_minute", code, b)
	}

	// Everything above is audited (the order service's writer queues its entries).
	testkit.EventuallyNil(t, proctest.Timeout, "the writes audited", func() error {
		code, audit := s.call(t, "GET", "/api/admin/audit?limit=1000", s.adminKey, "")
		if code != 200 {
			return fmt.Errorf("audit: %d %v", code, audit)
		}
		seen := map[string]int{}
		entries, _ := audit["entries"].([]any)
		for _, e := range entries {
			m, _ := e.(map[string]any)
			f, _ := m["fields"].(map[string]any)
			seen[fmt.Sprint(m["action"], "/", f["result"])]++
		}
		for want, n := range map[string]int{"order_cancel_all/cancelled": 3, "order_cancel_all/refused": 5, "order_cancel_all/replayed": 1,
			"order_disable/ok": 1, "order_enable/ok": 1, "order_delete/ok": 1, "order_cancel/ok": 1, "order_place/placed": 10} {
			if seen[want] < n {
				return fmt.Errorf("audit has %d of %s, want %d: %v", seen[want], want, n, seen)
			}
		}
		return nil
	})

	// The user's Futu state (watchlists, price reminders) needs qot:write: neither a
	// reader nor a trader may change it.
	writer := s.issueWith(t, "w-qot-write", `"qot:write","qot:read"`, "")
	watch := `{"group_name":"Favourites","op":"MODIFY_USER_SECURITY_OP_ADD","security_list":[{"market":11,"code":"AAPL"}]}`
	remind := `{"security":{"market":11,"code":"AAPL"},"op":"SET_PRICE_REMINDER_OP_ADD","type":"PRICE_REMINDER_TYPE_PRICE_UP","freq":"PRICE_REMINDER_FREQ_ONLY_ONCE","value":` + cents(cur*2) + `}`
	for _, c := range []struct {
		name, key string
		code      int
	}{{"qot:read and acc:read", reader, 403}, {"trade:simulate", trader, 403}, {"qot:write", writer, 200}} {
		for path, body := range map[string]string{"/api/modify-user-security": watch, "/api/set-price-reminder": remind} {
			code, b := s.call(t, "POST", path, c.key, body)
			if code != c.code || (code == 403 && b["reason"] != "scope_denied") {
				t.Errorf("%s by %s: %d %v, want %d", path, c.name, code, b, c.code)
			}
		}
	}
	if code, b := s.call(t, "POST", "/api/modify-user-security", writer, `{"group_name":"Favourites","op":1,"security_list":[{"market":11,"code":""}]}`); code != 400 {
		t.Errorf("watchlist add without a code: %d %v, want 400", code, b)
	}
	if code, b := s.call(t, "GET", "/api/user-security?group_name=Favourites", reader, ""); code != 200 || !strings.Contains(fmt.Sprint(b), "AAPL") {
		t.Errorf("watchlist after the add: %d %v", code, b)
	}
	if code, b := s.call(t, "GET", "/api/price-reminder?security.market=11&security.code=AAPL", reader, ""); code != 200 || !strings.Contains(fmt.Sprint(b), "PRICE_REMINDER_TYPE_PRICE_UP") {
		t.Errorf("price reminders after the add: %d %v", code, b)
	}

	// The OpenAPI document lists the new route and fields.
	resp, doc := testkit.Send(t, "GET", s.base+"/api/openapi.json", "", nil)
	for _, w := range []string{`"/api/cancel-all-order"`, `"/api/modify-user-security"`, `"/api/set-price-reminder"`, `"aux_price"`, `"modify_order_op"`, `"fill_outside_rth"`} {
		if resp.StatusCode != 200 || !strings.Contains(doc, w) {
			t.Errorf("openapi lacks %s (%d)", w, resp.StatusCode)
		}
	}
}
