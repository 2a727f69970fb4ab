package app

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/futugw/gateway/platform/catalog"
	"github.com/futugw/gateway/platform/redisx"
	"github.com/futugw/gateway/platform/testkit/logtest"
	"github.com/futugw/gateway/platform/testkit/proctest"
	"github.com/futugw/gateway/platform/testkit/redistest"
)

// startFullStack runs Redis, the auth, quote and order binaries against opend-sim,
// and the in-process edge in front of them. simArgs are extra opend-sim flags.
func startFullStack(t *testing.T, simArgs ...string) *stack {
	t.Helper()
	return startFullStackEnv(t, nil, simArgs...)
}

// startFullStackEnv is startFullStack with orderEnv added to the order service's
// environment (ORDER_TRADE_PASSWORD unlocks real trading).
func startFullStackEnv(t *testing.T, orderEnv []string, simArgs ...string) *stack {
	t.Helper()
	redisAddr := redistest.Start(t)
	dir := t.TempDir()
	adminFile, svcFile := filepath.Join(dir, "admin.key"), filepath.Join(dir, "svc.key")

	authBin := proctest.Build(t, "../../../auth/cmd/auth")
	simBin := proctest.Build(t, "../../../../opend/cmd/opend-sim")
	quoteBin := proctest.Build(t, "../../../quote/cmd/quote")
	orderBin := proctest.Build(t, "../../../order/cmd/order")

	auth := proctest.Start(t, authBin, nil, "-grpc-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0",
		"-redis-addr", redisAddr, "-bootstrap-admin-file", adminFile, "-bootstrap-service-file", svcFile)
	authAddr := auth.Addr("grpc")
	proctest.WaitGRPCServing(t, authAddr, "")

	sim := proctest.Start(t, simBin, nil, append([]string{"-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0",
		"-push-interval", "50ms", "-min-sub-hold", "1s"}, simArgs...)...)
	opendAddr := sim.WaitLog(func(r proctest.Record) bool { return r.Msg() == "opend-sim serving" }).Str("addr")
	simAdmin := sim.WaitLog(func(r proctest.Record) bool { return r.Msg() == "admin serving" }).Str("admin_addr")

	quote := proctest.Start(t, quoteBin, nil, "-grpc-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0",
		"-opend-addr", opendAddr, "-auth-addr", authAddr, "-redis-addr", redisAddr, "-min-sub-hold", "1s")
	order := proctest.Start(t, orderBin, orderEnv, "-grpc-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0",
		"-opend-addr", opendAddr, "-auth-addr", authAddr, "-redis-addr", redisAddr)
	quoteAddr, orderAddr := quote.Addr("grpc"), order.Addr("grpc")
	proctest.WaitGRPCServing(t, quoteAddr, "")
	proctest.WaitGRPCServing(t, orderAddr, "")

	svcKey, err := os.ReadFile(svcFile)
	if err != nil {
		t.Fatal(err)
	}
	adminKey, err := os.ReadFile(adminFile)
	if err != nil {
		t.Fatal(err)
	}
	s := &stack{adminKey: strings.TrimSpace(string(adminKey)), logs: &logtest.Buffer{}, opend: opendAddr,
		simAdmin: simAdmin, quote: quoteAddr, order: orderAddr}
	e := startEdgeApp(t, Config{
		AuthAddr: authAddr, QuoteAddr: quoteAddr, OrderAddr: orderAddr, SDKAddr: "127.0.0.1:0",
		Redis:      redisx.Options{Addrs: redisAddr},
		ServiceKey: strings.TrimSpace(string(svcKey)),
	}, slog.New(slog.NewJSONHandler(s.logs, nil)))
	s.base, s.sdk = "http://"+e.Addr().String(), e.SDKAddr().String()
	return s
}

// issue mints a key with scopes (and allowed_acc_ids when accs is set).
func (s *stack) issue(t *testing.T, id, scopes, accs string) string {
	t.Helper()
	if accs == "" {
		return s.issueWith(t, id, scopes, "")
	}
	return s.issueWith(t, id, scopes, `{"allowed_acc_ids":[`+accs+`]}`)
}

// TestCatalogRoutesEndToEnd drives catalog routes through the edge, the quote and
// order services' generic handlers and opend-sim: the answers are Futu's S2C in
// snake_case, a key without the row's scope is refused, an account outside the key's
// allowed_acc_ids is refused, OpenD's refusals come back as opend_refused.
func TestCatalogRoutesEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs five binaries")
	}
	s := startFullStack(t)
	qot := s.issue(t, "cat-qot", `"qot:read"`, "")
	acc := s.issue(t, "cat-acc", `"acc:read"`, `"1001"`)

	// Qot_GetOrderBook needs an OrderBook subscription, as with a real OpenD.
	if code, b := s.call(t, "POST", "/api/subscribe", qot,
		`{"security_list":[{"market":1,"code":"00700"}],"sub_type_list":[2]}`); code != 200 {
		t.Fatalf("subscribe: %d %v", code, b)
	}

	const hk = `"security":{"market":1,"code":"00700"}`
	tests := []struct {
		name, method, path, key, body string
		code                          int
		reason                        string   // the refusal's reason
		has                           []string // top-level fields of the answer
	}{
		{"market state", "POST", "/api/market-state", qot,
			`{"security_list":[{"market":1,"code":"00700"},{"market":11,"code":"AAPL"}]}`, 200, "", []string{"market_info_list"}},
		{"order book by query", "GET", "/api/orderbook?security.market=1&security.code=00700&num=5", qot, "", 200, "",
			[]string{"security", "order_book_ask_list", "order_book_bid_list"}},
		{"order book by body", "POST", "/api/orderbook", qot, `{` + hk + `,"num":5}`, 200, "",
			[]string{"security", "order_book_ask_list", "order_book_bid_list"}},
		{"history kline", "POST", "/api/history-kline", qot,
			`{"rehab_type":1,"kl_type":2,` + hk + `,"begin_time":"2026-11-02","end_time":"2026-11-30","max_ack_kl_num":5}`, 200, "",
			[]string{"security", "kl_list"}},
		{"history kline by query", "GET",
			"/api/history-kline?rehab_type=1&kl_type=2&security.market=1&security.code=00700&begin_time=2026-11-02&end_time=2026-11-30", qot, "", 200, "",
			[]string{"security", "kl_list"}},
		{"history kline, enums by name", "POST", "/api/history-kline", qot,
			`{"rehab_type":"REHAB_TYPE_FORWARD","kl_type":"KL_TYPE_DAY",` + hk + `,"begin_time":"2026-11-02","end_time":"2026-11-30","max_ack_kl_num":5}`, 200, "",
			[]string{"security", "kl_list"}},
		{"history kline by query, enums by name", "GET",
			"/api/history-kline?rehab_type=REHAB_TYPE_NONE&kl_type=KL_TYPE_DAY&security.market=1&security.code=00700&begin_time=2026-11-02&end_time=2026-11-30", qot, "", 200, "",
			[]string{"security", "kl_list"}},
		{"an unknown enum name", "POST", "/api/history-kline", qot,
			`{"rehab_type":"REHAB_TYPE_SIDEWAYS","kl_type":2,` + hk + `,"begin_time":"2026-11-02","end_time":"2026-11-30"}`, 400, "invalid_argument", nil},
		// Qot_GetKL needs a K-line subscription on OpenD's side: its refusal passes through.
		{"kline unsubscribed", "GET", "/api/kline?rehab_type=1&kl_type=2&security.market=1&security.code=00700&req_num=5", qot, "", 400, "opend_refused", nil},
		{"kline without qot:read", "GET", "/api/kline?rehab_type=1&kl_type=2&security.market=1&security.code=00700&req_num=5", acc, "", 403, "scope_denied", nil},
		{"order book without qot:read", "POST", "/api/orderbook", acc, `{` + hk + `,"num":5}`, 403, "scope_denied", nil},
		{"market state without a key", "POST", "/api/market-state", "", `{"security_list":[{"market":1,"code":"00700"}]}`, 401, "missing_key", nil},
		{"a required field missing", "POST", "/api/kline", qot, `{` + hk + `,"req_num":5}`, 400, "invalid_argument", nil},
		{"a bad security", "POST", "/api/orderbook", qot, `{"security":{"market":99,"code":"00700"},"num":5}`, 400, "invalid_argument", nil},
		{"an unknown field", "POST", "/api/orderbook", qot, `{` + hk + `,"num":5,"depth":3}`, 400, "invalid_argument", nil},

		{"history orders", "POST", "/api/history-orders", acc,
			`{"header":{"trd_env":0,"acc_id":1001,"trd_market":1},"filter_conditions":{"begin_time":"2026-11-01 00:00:00","end_time":"2026-12-31 00:00:00"}}`,
			200, "", []string{"header", "order_list"}},
		{"history orders of another account", "POST", "/api/history-orders", acc,
			`{"header":{"trd_env":0,"acc_id":1002,"trd_market":2},"filter_conditions":{"begin_time":"2026-11-01 00:00:00","end_time":"2026-12-31 00:00:00"}}`,
			403, "account_not_allowed", nil},
		{"history orders without an account", "POST", "/api/history-orders", acc,
			`{"filter_conditions":{"begin_time":"2026-11-01 00:00:00","end_time":"2026-12-31 00:00:00"}}`, 400, "invalid_argument", nil},
		{"history orders without acc:read", "POST", "/api/history-orders", qot,
			`{"header":{"trd_env":0,"acc_id":1001,"trd_market":1},"filter_conditions":{"begin_time":"2026-11-01 00:00:00","end_time":"2026-12-31 00:00:00"}}`,
			403, "scope_denied", nil},
	}
	// Answers name enum values and keep a security's market a number.
	if code, b := s.call(t, "POST", "/api/market-state", qot, `{"security_list":[{"market":1,"code":"00700"}]}`); code != 200 {
		t.Fatalf("market state: %d %v", code, b)
	} else if info := b["market_info_list"].([]any)[0].(map[string]any); info["security"].(map[string]any)["market"] != float64(1) ||
		!strings.HasPrefix(info["market_state"].(string), "QOT_MARKET_STATE_") {
		t.Errorf("market state answer %v", info)
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, b := s.call(t, tt.method, tt.path, tt.key, tt.body)
			if code != tt.code {
				t.Fatalf("%s %s: %d %v, want %d", tt.method, tt.path, code, b, tt.code)
			}
			if tt.reason != "" && b["reason"] != tt.reason {
				t.Errorf("reason %v, want %s (%v)", b["reason"], tt.reason, b)
			}
			for _, f := range tt.has {
				if _, ok := b[f]; !ok {
					t.Errorf("answer lacks %s: %v", f, b)
				}
			}
		})
	}
}

// catalogSamples is a request for every route of the catalog, with what opend-sim
// answers: 200, or the reason of its refusal (K-line, RT and broker data need a
// subscription of their own on OpenD's side, which these samples' key does not
// hold (TestKLineRTBrokerPushesEndToEnd subscribes and reads them); simulated accounts have no historical fills; an order fee needs orders). TestCatalogSamplesCoverEveryRoute fails when a route has none.
var catalogSamples = map[string]struct {
	body   string
	reason string // "" for 200
}{
	"/api/global-state":           {`{}`, ""}, // user_id defaults to 0
	"/api/modify-user-security":   {`{"group_name":"Favourites","op":"MODIFY_USER_SECURITY_OP_ADD","security_list":[{"market":1,"code":"00700"}]}`, ""},
	"/api/set-price-reminder":     {`{"security":{"market":1,"code":"00700"},"op":"SET_PRICE_REMINDER_OP_ADD","type":"PRICE_REMINDER_TYPE_PRICE_UP","freq":"PRICE_REMINDER_FREQ_ALWAYS","value":1000,"note":"e2e"}`, ""},
	"/api/market-state":           {`{"security_list":[{"market":1,"code":"00700"}]}`, ""},
	"/api/kline":                  {`{"rehab_type":1,"kl_type":"KL_TYPE_DAY","security":{"market":1,"code":"00700"},"req_num":5}`, "opend_refused"},
	"/api/history-kline":          {`{"rehab_type":1,"kl_type":2,"security":{"market":1,"code":"00700"},"begin_time":"2026-11-02","end_time":"2026-11-30"}`, ""},
	"/api/history-kl-quota":       {`{"b_get_detail":true}`, ""},
	"/api/rehab":                  {`{"security":{"market":1,"code":"00700"}}`, ""},
	"/api/orderbook":              {`{"security":{"market":1,"code":"00700"},"num":5}`, ""},
	"/api/ticker":                 {`{"security":{"market":1,"code":"00700"},"max_ret_num":10}`, ""},
	"/api/rt":                     {`{"security":{"market":1,"code":"00700"}}`, "opend_refused"},
	"/api/broker":                 {`{"security":{"market":1,"code":"00700"}}`, "opend_refused"},
	"/api/snapshot":               {`{"security_list":[{"market":1,"code":"00700"},{"market":11,"code":"AAPL"}]}`, ""},
	"/api/trading-days":           {`{"market":1,"begin_time":"2026-12-01","end_time":"2026-12-31"}`, ""},
	"/api/suspend":                {`{"security_list":[{"market":1,"code":"00700"}],"begin_time":"2026-01-01","end_time":"2026-12-31"}`, ""},
	"/api/plate-set":              {`{"market":1,"plate_set_type":0}`, ""},
	"/api/plate-security":         {`{"plate":{"market":1,"code":"BK1001"}}`, ""},
	"/api/owner-plate":            {`{"security_list":[{"market":1,"code":"00700"}]}`, ""},
	"/api/reference":              {`{"security":{"market":1,"code":"00700"},"reference_type":1}`, ""},
	"/api/holding-change":         {`{"security":{"market":11,"code":"AAPL"},"holder_category":1}`, ""},
	"/api/option-chain":           {`{"owner":{"market":11,"code":"AAPL"},"begin_time":"2026-12-01","end_time":"2026-12-30"}`, ""},
	"/api/option-expiration-date": {`{"owner":{"market":11,"code":"AAPL"}}`, ""},
	"/api/warrant":                {`{"begin":0,"num":10,"sort_field":1,"ascend":true,"owner":{"market":1,"code":"00700"}}`, ""},
	"/api/capital-flow":           {`{"security":{"market":1,"code":"00700"}}`, ""},
	"/api/capital-distribution":   {`{"security":{"market":1,"code":"00700"}}`, ""},
	"/api/stock-filter":           {`{"begin":0,"num":10,"market":1}`, ""},
	"/api/code-change":            {`{"place_holder":0,"security_list":[{"market":1,"code":"00700"}]}`, ""},
	"/api/ipo-list":               {`{"market":1}`, ""},
	"/api/future-info":            {`{"security_list":[{"market":1,"code":"HSImain"}]}`, ""},
	"/api/user-security-group":    {`{"group_type":3}`, ""},
	"/api/user-security":          {`{"group_name":"All"}`, ""},
	"/api/used-quota":             {`{"is_req_all_conn":true}`, ""},
	"/api/price-reminder":         {`{"security":{"market":1,"code":"00700"}}`, ""},

	"/api/max-trd-qtys":        {`{"header":{"trd_env":0,"acc_id":1001,"trd_market":1},"order_type":1,"code":"00700","price":300}`, ""},
	"/api/history-orders":      {`{"header":{"trd_env":0,"acc_id":1001,"trd_market":1},"filter_conditions":{"begin_time":"2026-11-01 00:00:00","end_time":"2026-12-31 00:00:00"}}`, ""},
	"/api/history-order-fills": {`{"header":{"trd_env":"TRD_ENV_SIMULATE","acc_id":1001,"trd_market":"TRD_MARKET_HK"},"filter_conditions":{"begin_time":"2026-11-01 00:00:00","end_time":"2026-12-31 00:00:00"}}`, "opend_refused"}, // real accounts only
	"/api/margin-ratio":        {`{"header":{"trd_env":0,"acc_id":1001,"trd_market":1},"security_list":[{"market":1,"code":"00700"}]}`, ""},
	"/api/order-fee":           {`{"header":{"trd_env":0,"acc_id":1001,"trd_market":1},"order_id_ex_list":[]}`, "opend_refused"}, // no order named
	"/api/cash-flow":           {`{"header":{"trd_env":0,"acc_id":1001,"trd_market":1},"clearing_date":"2026-12-04"}`, ""},
}

func TestCatalogSamplesCoverEveryRoute(t *testing.T) {
	for _, r := range catalog.Routes() {
		if _, ok := catalogSamples[r.Path]; !ok {
			t.Errorf("%s (%s) has no sample in catalogSamples", r.Path, r.Proto)
		}
	}
	if len(catalogSamples) != len(catalog.Routes()) {
		t.Errorf("%d samples for %d routes: a sample without a route", len(catalogSamples), len(catalog.Routes()))
	}
}

// TestCatalogEveryRouteEndToEnd sends every route's sample through the stack with a
// key holding the route's scope (200 or OpenD's own refusal) and with a key lacking
// it (403 scope_denied).
func TestCatalogEveryRouteEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs five binaries")
	}
	s := startFullStack(t)
	keys := map[string]string{
		"qot:read":  s.issue(t, "every-qot", `"qot:read"`, ""),
		"acc:read":  s.issue(t, "every-acc", `"acc:read"`, `"1001"`),
		"qot:write": s.issue(t, "every-qot-write", `"qot:write"`, ""),
	}
	other := map[string]string{"qot:read": keys["acc:read"], "acc:read": keys["qot:read"], "qot:write": keys["qot:read"]}
	if code, b := s.call(t, "POST", "/api/subscribe", keys["qot:read"],
		`{"security_list":[{"market":1,"code":"00700"}],"sub_type_list":[2,4]}`); code != 200 {
		t.Fatalf("subscribe: %d %v", code, b)
	}
	// The quota, without the subscriptions of the other sessions sharing quote's
	// OpenD connection.
	if code, b := s.call(t, "GET", "/api/used-quota", keys["qot:read"], ""); code != 200 || b["total_used_quota"] == nil {
		t.Errorf("used quota: %d %v", code, b)
	} else if _, ok := b["conn_sub_info_list"]; ok {
		t.Errorf("used quota shows the connection's subscriptions: %v", b)
	}
	for _, r := range catalog.Routes() {
		scope := r.Scopes[0] // a generic row needs one scope
		t.Run(r.Path, func(t *testing.T) {
			sample := catalogSamples[r.Path]
			code, b := s.call(t, "POST", r.Path, keys[scope], sample.body)
			if sample.reason == "" && code != 200 {
				t.Errorf("POST %s: %d %v", r.Path, code, b)
			}
			if sample.reason != "" && b["reason"] != sample.reason {
				t.Errorf("POST %s: %d %v, want %s", r.Path, code, b, sample.reason)
			}
			if code, b := s.call(t, "POST", r.Path, other[scope], sample.body); code != 403 || b["reason"] != "scope_denied" {
				t.Errorf("POST %s without %s: %d %v", r.Path, scope, code, b)
			}
		})
	}
}
