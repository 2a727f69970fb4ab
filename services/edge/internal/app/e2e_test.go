package app

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/futugw/gateway/platform/testkit"
	"github.com/futugw/gateway/platform/testkit/logtest"

	"github.com/futugw/gateway/platform/redisx"
	"github.com/futugw/gateway/platform/testkit/proctest"
	"github.com/futugw/gateway/platform/testkit/redistest"
)

// stack is a real redis-server, the real auth binary and an in-process edge.
type stack struct {
	base     string // edge base URL
	adminKey string
	logs     *logtest.Buffer // the edge's log output
	opend    string          // opend-sim's address (startFullStack)
	simAdmin string          // opend-sim's admin address, its /metrics (startFullStack)
	quote    string          // the quote service's gRPC address (startFullStack)
	order    string          // the order service's gRPC address (startFullStack)
	sdk      string          // the edge's SDK listener (startFullStack)
}

// startStack starts Redis, the auth binary (minting a bootstrap admin key into a
// temp file) and the edge with CORS allowing https://app.example.com.
// With quiet, the edge logs nothing (benchmarks).
func startStack(t testing.TB, quiet bool) *stack {
	t.Helper()
	redisAddr := redistest.Start(t)
	bin := proctest.Build(t, "../../../auth/cmd/auth")
	keyFile := filepath.Join(t.TempDir(), "admin.key")
	p := proctest.Start(t, bin, nil, "-grpc-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0",
		"-redis-addr", redisAddr, "-bootstrap-admin-file", keyFile, "-log-level", "info")
	authAddr := p.Addr("grpc")
	proctest.WaitGRPCServing(t, authAddr, "")
	b, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatalf("bootstrap admin key: %v\n%s", err, p.Output())
	}
	s := &stack{adminKey: strings.TrimSpace(string(b)), logs: &logtest.Buffer{}}
	log := slog.New(slog.NewJSONHandler(s.logs, nil))
	if quiet {
		log = slog.New(slog.DiscardHandler)
	}
	s.base = startEdge(t, Config{
		AuthAddr: authAddr, QuoteAddr: deadAddr(t), OrderAddr: deadAddr(t),
		Redis:       redisx.Options{Addrs: redisAddr},
		CORSOrigins: []string{"https://app.example.com"},
	}, log)
	return s
}

// call sends a JSON request with key as bearer (none when empty) and decodes the
// JSON answer.
func (s *stack) call(t testing.TB, method, path, key, body string) (int, map[string]any) {
	t.Helper()
	hdr := map[string]string{"Content-Type": "application/json"}
	if key != "" {
		hdr["Authorization"] = "Bearer " + key
	}
	resp, b := testkit.Send(t, method, s.base+path, body, hdr)
	var m map[string]any
	if err := json.Unmarshal([]byte(b), &m); err != nil {
		t.Fatalf("%s %s: %d, body not JSON: %q", method, path, resp.StatusCode, b)
	}
	return resp.StatusCode, m
}

func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the auth binary")
	}
	s := startStack(t, false)

	// The admin mints a reader key.
	code, issued := s.call(t, "POST", "/api/admin/keys", s.adminKey,
		`{"id":"e2e-reader","scopes":["qot:read","acc:read"],"expires_in":"1h","note":"e2e",
		  "limits":{"allowed_markets":["HK","US"],"max_orders_per_minute":10}}`)
	if code != 200 {
		t.Fatalf("issue key: %d %v", code, issued)
	}
	key, _ := issued["key"].(string)
	if !strings.HasPrefix(key, "fk_") {
		t.Fatalf("issued %v", issued)
	}

	// whoami answers with proto field names, zero values included.
	code, who := s.call(t, "GET", "/api/auth/whoami", key, "")
	if code != 200 || who["id"] != "e2e-reader" {
		t.Fatalf("whoami: %d %v", code, who)
	}
	for _, f := range []string{"created_at", "expires_at", "parent_id", "long_lived_override", "limits"} {
		if _, ok := who[f]; !ok {
			t.Errorf("whoami lacks %s: %v", f, who)
		}
	}
	if lim, _ := who["limits"].(map[string]any); lim["max_orders_per_minute"] != float64(10) {
		t.Errorf("limits %v", who["limits"])
	}

	// A session narrows the scopes and points at its parent.
	code, sess := s.call(t, "POST", "/api/auth/session", key, `{"scopes":["qot:read"],"expires_in":"10m"}`)
	if code != 200 {
		t.Fatalf("session: %d %v", code, sess)
	}
	sessKey, _ := sess["key"].(string)
	code, swho := s.call(t, "GET", "/api/auth/whoami", sessKey, "")
	if code != 200 || swho["parent_id"] != "e2e-reader" || len(swho["scopes"].([]any)) != 1 {
		t.Errorf("session whoami: %d %v", code, swho)
	}
	if code, b := s.call(t, "POST", "/api/auth/session", key, `{"scopes":["trade:real"]}`); code != 400 && code != 403 {
		t.Errorf("widening session: %d %v", code, b)
	}

	// Refusals carry the contract's body.
	refusals := []struct {
		name, method, path, key, body string
		status                        int
		reason                        string
	}{
		{"no key", "GET", "/api/auth/whoami", "", "", 401, "missing_key"},
		{"malformed key", "GET", "/api/auth/whoami", "nope", "", 401, "malformed_key"},
		{"unknown key", "GET", "/api/auth/whoami", "fk_" + strings.Repeat("A", 43), "", 401, "invalid_key"},
		{"reader on admin route", "GET", "/api/admin/keys", key, "", 403, "scope_denied"},
		{"qot:read session on admin route", "GET", "/api/admin/audit", sessKey, "", 403, "scope_denied"},
		{"unknown field", "POST", "/api/auth/session", key, `{"scopes":["qot:read"],"bogus":true}`, 400, "invalid_argument"},
		{"oversize body", "POST", "/api/admin/keys", s.adminKey, `{"note":"` + strings.Repeat("x", 2<<20) + `"}`, 413, "payload_too_large"},
		{"unknown api route", "GET", "/api/nope", key, "", 404, "not_found"},
	}
	for _, r := range refusals {
		code, b := s.call(t, r.method, r.path, r.key, r.body)
		if code != r.status || b["reason"] != r.reason || b["error"] == "" || b["code"] == nil {
			t.Errorf("%s: %d %v; want %d reason %s", r.name, code, b, r.status, r.reason)
		}
	}

	// CORS preflight from an allowed and a refused origin.
	resp, _ := testkit.Send(t, "OPTIONS", s.base+"/api/auth/whoami", "", map[string]string{
		"Origin": "https://app.example.com", "Access-Control-Request-Method": "GET",
		"Access-Control-Request-Headers": "authorization"})
	if resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != "https://app.example.com" {
		t.Errorf("allowed preflight: %d %v", resp.StatusCode, resp.Header)
	}
	resp, body := testkit.Send(t, "OPTIONS", s.base+"/api/auth/whoami", "", map[string]string{
		"Origin": "https://evil.example.net", "Access-Control-Request-Method": "GET"})
	if resp.StatusCode != 403 || resp.Header.Get("Access-Control-Allow-Origin") != "" || !strings.Contains(body, "origin_not_allowed") {
		t.Errorf("refused preflight: %d %v %s", resp.StatusCode, resp.Header, body)
	}

	// Revocation: the key and its session stop working (checked by polling with a
	// generous bound; the elapsed time is logged, not asserted).
	if code, b := s.call(t, "DELETE", "/api/admin/keys/e2e-reader", s.adminKey, ""); code != 200 {
		t.Fatalf("revoke: %d %v", code, b)
	}
	revoked := time.Now()
	for _, k := range []string{key, sessKey} {
		testkit.EventuallyNil(t, time.Until(revoked.Add(proctest.Timeout)), "the revoked key refused", func() error {
			code, b := s.call(t, "GET", "/api/auth/whoami", k, "")
			if code != 401 {
				return fmt.Errorf("still accepted: %d %v", code, b)
			}
			if b["reason"] != "revoked_key" && b["reason"] != "invalid_key" {
				t.Errorf("after revoke: reason %v", b["reason"])
			}
			return nil
		})
	}
	t.Logf("revoked keys refused %v after the revoke returned", time.Since(revoked))

	// The audit lists what happened.
	code, audit := s.call(t, "GET", "/api/admin/audit?limit=100", s.adminKey, "")
	if code != 200 {
		t.Fatalf("audit: %d %v", code, audit)
	}
	actions := map[string]bool{}
	entries, _ := audit["entries"].([]any)
	for _, e := range entries {
		m, _ := e.(map[string]any)
		actions[m["action"].(string)] = true
	}
	for _, a := range []string{"key_issued", "session_created", "key_revoked", "auth_failed"} {
		if !actions[a] {
			t.Errorf("audit lacks %s: %v", a, actions)
		}
	}

	// No key ever reaches the edge's logs.
	logs := s.logs.String()
	for _, k := range []string{s.adminKey, key, sessKey} {
		if strings.Contains(logs, k) || strings.Contains(logs, k[3:]) {
			t.Fatalf("a key leaked into the edge log")
		}
	}
}
