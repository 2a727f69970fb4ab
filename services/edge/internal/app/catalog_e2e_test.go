package app

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/futugw/gateway/platform/redisx"
	"github.com/futugw/gateway/platform/testkit/logtest"
	"github.com/futugw/gateway/platform/testkit/proctest"
	"github.com/futugw/gateway/platform/testkit/redistest"
)

// startFullStack runs Redis, the auth, quote and order binaries against opend-sim,
// and the in-process edge in front of them.
func startFullStack(t *testing.T) *stack {
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

	sim := proctest.Start(t, simBin, nil, "-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0",
		"-push-interval", "50ms", "-min-sub-hold", "1s")
	opendAddr := sim.WaitLog(func(r proctest.Record) bool { return r.Msg() == "opend-sim serving" }).Str("addr")

	quote := proctest.Start(t, quoteBin, nil, "-grpc-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0",
		"-opend-addr", opendAddr, "-auth-addr", authAddr, "-redis-addr", redisAddr, "-min-sub-hold", "1s")
	order := proctest.Start(t, orderBin, nil, "-grpc-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0",
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
	s := &stack{adminKey: strings.TrimSpace(string(adminKey)), logs: &logtest.Buffer{}}
	s.base = startEdge(t, Config{
		AuthAddr: authAddr, QuoteAddr: quoteAddr, OrderAddr: orderAddr,
		Redis:      redisx.Options{Addrs: redisAddr},
		ServiceKey: strings.TrimSpace(string(svcKey)),
	}, slog.New(slog.NewJSONHandler(s.logs, nil)))
	return s
}

// issue mints a key with scopes (and allowed_acc_ids when accs is set).
func (s *stack) issue(t *testing.T, id, scopes, accs string) string {
	t.Helper()
	limits := ""
	if accs != "" {
		limits = `,"limits":{"allowed_acc_ids":[` + accs + `]}`
	}
	code, b := s.call(t, "POST", "/api/admin/keys", s.adminKey, `{"id":"`+id+`","scopes":[`+scopes+`],"expires_in":"1h"`+limits+`}`)
	if code != 200 {
		t.Fatalf("issue %s: %d %v", id, code, b)
	}
	return b["key"].(string)
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
