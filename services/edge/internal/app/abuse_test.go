package app

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/futugw/gateway/platform/testkit"
)

// do sends one request over a fresh connection and returns the status and the
// decoded JSON error body (nil when the body is not JSON). The request is written
// concurrently with reading the answer, so an early answer (413 before the whole
// body is sent) is read even when the server stops reading.
func do(t testing.TB, method, url string, body []byte, hdr http.Header) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	req.Close = true
	c, err := net.Dial("tcp", req.URL.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	written := make(chan struct{})
	go func() { defer close(written); _ = req.Write(c) }()
	defer func() { c.Close(); <-written }()
	resp, err := http.ReadResponse(bufio.NewReader(c), req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		m = nil
	}
	return resp.StatusCode, m
}

func bearer(key string) http.Header {
	return http.Header{"Authorization": {"Bearer " + key}, "Content-Type": {"application/json"}}
}

// Hostile request bodies get a 4xx with the JSON error body, never a 5xx, and the
// edge keeps serving.
func TestAbuseBodies(t *testing.T) {
	t.Parallel()
	s := startAbuseStack(t, nil)
	deep := func(prefix string, n int, open, close string) []byte {
		return []byte(prefix + strings.Repeat(open, n) + strings.Repeat(close, n) + "}")
	}
	order := func(fields string) []byte {
		return []byte(`{"trd_env":0,"acc_id":1,"trd_market":1,"code":"00700","trd_side":1,"order_type":1,` + fields + `}`)
	}
	tests := []struct {
		name, path string
		body       []byte
		status     int
		reason     string // "" accepts any
	}{
		{"oversized body", "/api/order", bytes.Repeat([]byte("x"), 2<<20), 413, "payload_too_large"},
		{"oversized valid JSON", "/api/subscribe", []byte(`{"security_list":[` + strings.Repeat(`{"market":1,"code":"00700"},`, 80_000) + `{"market":1,"code":"1"}]}`), 413, "payload_too_large"},
		{"deep arrays at top level", "/api/order", []byte(strings.Repeat("[", 900_000)), 400, ""},
		{"deep objects in an unknown field", "/api/order", deep(`{"x":`, 150_000, `{"a":`, `}`), 400, ""},
		{"deep arrays in a repeated field", "/api/subscribe", deep(`{"security_list":`, 300_000, `[`, `]`), 400, ""},
		{"deep objects in a message field", "/api/subscribe", deep(`{"security_list":[{"market":`, 150_000, `{"a":`, `}`), 400, ""},
		{"unknown field", "/api/order", order(`"price":1,"qty":100,"bogus":1`), 400, "invalid_argument"},
		{"unknown nested field", "/api/subscribe", []byte(`{"security_list":[{"market":1,"code":"00700","x":1}],"sub_type_list":[1]}`), 400, "invalid_argument"},
		{"duplicate field", "/api/order", order(`"price":1,"qty":100,"qty":200`), 400, ""},
		{"not JSON", "/api/order", []byte(`price=1&qty=2`), 400, ""},
		{"negative price", "/api/order", order(`"price":-1,"qty":100`), 400, ""},
		{"negative qty", "/api/order", order(`"price":1,"qty":-100`), 400, ""},
		{"zero qty", "/api/order", order(`"price":1,"qty":0`), 400, ""},
		{"negative acc_id", "/api/order", order(`"price":1,"qty":100,"acc_id":-1`), 400, ""},
		{"acc_id over uint64", "/api/order", order(`"price":1,"qty":100,"acc_id":18446744073709551616`), 400, ""},
		{"sec_market over int32", "/api/order", order(`"price":1,"qty":100,"sec_market":2147483648`), 400, ""},
		{"price over float64", "/api/order", order(`"price":1e999,"qty":100`), 400, ""},
		{"huge qty", "/api/order", order(`"price":1,"qty":1.7976931348623157e308`), 0, ""}, // forwarded: the order service's limits decide
		{"NaN price", "/api/order", order(`"price":"NaN","qty":100`), 400, ""},
		{"Infinity price", "/api/order", order(`"price":"Infinity","qty":100`), 400, ""},
		{"-Infinity qty", "/api/order", order(`"price":1,"qty":"-Infinity"`), 400, ""},
		{"NaN as a bare word", "/api/order", order(`"price":NaN,"qty":100`), 400, ""},
		{"enum out of range name", "/api/order", order(`"price":1,"qty":100,"trd_side":"NOPE"`), 400, ""},
		{"invalid UTF-8 in an order symbol", "/api/order", order("\"price\":1,\"qty\":100,\"code\":\"\xff\xfe00700\""), 400, ""},
		{"invalid UTF-8 in a subscription", "/api/subscribe", []byte("{\"security_list\":[{\"market\":1,\"code\":\"\xc3\x28\"}],\"sub_type_list\":[1]}"), 400, ""},
		{"lone surrogate escape in a symbol", "/api/subscribe", []byte(`{"security_list":[{"market":1,"code":"\ud800"}],"sub_type_list":[1]}`), 0, ""},
		{"NUL in a symbol", "/api/subscribe", []byte(`{"security_list":[{"market":1,"code":"007\u000000"}],"sub_type_list":[1]}`), 0, ""},
	}
	for _, tt := range tests {
		start := time.Now()
		code, b := do(t, "POST", s.base+tt.path, tt.body, bearer(s.key))
		took := time.Since(start)
		switch {
		case code >= 500:
			t.Errorf("%s: %d %v", tt.name, code, b)
		case tt.status != 0 && code != tt.status:
			t.Errorf("%s: %d %v, want %d", tt.name, code, b, tt.status)
		case code >= 400 && (b == nil || b["error"] == "" || b["reason"] == nil):
			t.Errorf("%s: %d without the JSON error body", tt.name, code)
		case tt.reason != "" && b["reason"] != tt.reason:
			t.Errorf("%s: reason %v, want %s", tt.name, b["reason"], tt.reason)
		}
		if took > 5*time.Second {
			t.Errorf("%s took %v", tt.name, took)
		}
		t.Logf("%-36s %d %v (%v)", tt.name, code, b["reason"], took.Round(time.Millisecond))
	}
	// What the gateway let through, the order service saw as plain finite numbers
	// or refused itself: the edge forwards NaN and infinities (protojson accepts
	// them), so only the order service's validation stands between them and OpenD.
	for _, o := range s.up.ordersSeen() {
		t.Logf("forwarded to order: price=%v qty=%v code=%q", o.GetPrice(), o.GetQty(), o.GetCode())
	}
	if code, _ := do(t, "GET", s.base+"/api/auth/whoami", nil, bearer(s.key)); code != 200 {
		t.Fatalf("edge unhealthy after the bodies: whoami %d", code)
	}
}

// A valid key anywhere but "Authorization: Bearer <key>" (or the WebSocket's own
// places) is not a credential: 401 with the JSON body, and the key never logged.
func TestAbuseTokensInWrongPlaces(t *testing.T) {
	t.Parallel()
	s := startAbuseStack(t, nil)
	k := s.key
	basic := func(user, pass string) string {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
	}
	// Accepted spellings first (the failures below count against the key).
	for _, a := range []string{"Bearer " + k, "bearer " + k, "BEARER " + k, " Bearer " + k + " "} {
		if code, b := do(t, "GET", s.base+"/api/auth/whoami", nil, http.Header{"Authorization": {a}}); code != 200 {
			t.Errorf("Authorization %q: %d %v", strings.ReplaceAll(a, k, "<key>"), code, b)
		}
	}
	url := s.base + "/api/auth/whoami"
	tests := []struct {
		name   string
		url    string
		hdr    http.Header
		body   string
		method string
	}{
		{"cookie token", url, http.Header{"Cookie": {"token=" + k}}, "", "GET"},
		{"cookie authorization", url, http.Header{"Cookie": {"Authorization=Bearer%20" + k}}, "", "GET"},
		{"body", url, http.Header{"Content-Type": {"application/json"}}, `{"token":"` + k + `","key":"` + k + `"}`, "GET"},
		{"body of a POST", s.base + "/api/auth/logout", http.Header{"Content-Type": {"application/json"}}, `{}`, "POST"},
		{"Basic key as user", url, http.Header{"Authorization": {basic(k, "")}}, "", "GET"},
		{"Basic key as password", url, http.Header{"Authorization": {basic("x", k)}}, "", "GET"},
		{"Bearer with two spaces", url, http.Header{"Authorization": {"Bearer  " + k}}, "", "GET"},
		{"Bearer with a tab", url, http.Header{"Authorization": {"Bearer\t" + k}}, "", "GET"},
		{"Bearer without space", url, http.Header{"Authorization": {"Bearer" + k}}, "", "GET"},
		{"bare key", url, http.Header{"Authorization": {k}}, "", "GET"},
		{"Token scheme", url, http.Header{"Authorization": {"Token " + k}}, "", "GET"},
		{"X-Api-Key", url, http.Header{"X-Api-Key": {k}}, "", "GET"},
		{"query token on REST", url + "?token=" + k, nil, "", "GET"},
		{"query access_token on REST", url + "?access_token=" + k, nil, "", "GET"},
		{"subprotocol on REST", url, http.Header{"Sec-WebSocket-Protocol": {"bearer, " + k}}, "", "GET"},
	}
	for _, tt := range tests {
		code, b := do(t, tt.method, tt.url, []byte(tt.body), tt.hdr)
		if code != 401 || b == nil || b["error"] == "" || b["reason"] == nil {
			t.Errorf("%s: %d %v, want 401 with the JSON body", tt.name, code, b)
		}
	}
	s.assertNoKeyLogged(t, k)
}

// REST: a client that keeps failing is refused with 429 auth_rate_limited after
// the limit, without reaching auth; so is a key tried from many addresses.
func TestAbuseAuthFailureLimitREST(t *testing.T) {
	t.Parallel()
	s := startAbuseStack(t, func(c *Config) { c.TrustProxy = true })
	from := func(ip string, key string) http.Header {
		h := bearer(key)
		h.Set("X-Forwarded-For", ip)
		return h
	}
	url := s.base + "/api/auth/whoami"
	var codes []int
	for range 25 {
		code, _ := do(t, "GET", url, nil, from("198.51.100.1", randomKey(t)))
		codes = append(codes, code)
	}
	for i, c := range codes {
		want := 401
		if i >= 20 {
			want = 429
		}
		if c != want {
			t.Fatalf("per address: codes %v", codes)
		}
	}
	code, b := do(t, "GET", url, nil, from("198.51.100.1", s.key))
	if code != 429 || b["reason"] != "auth_rate_limited" {
		t.Fatalf("valid key from a blocked address: %d %v", code, b)
	}
	before := s.up.validates.Load()
	stolen := randomKey(t)
	codes = codes[:0]
	for i := range 8 {
		code, _ := do(t, "GET", url, nil, from(fmt.Sprintf("203.0.113.%d", i), stolen))
		codes = append(codes, code)
	}
	if fmt.Sprint(codes) != "[401 401 401 401 401 429 429 429]" {
		t.Fatalf("per key: codes %v", codes)
	}
	if got := s.up.validates.Load() - before; got != 5 {
		t.Fatalf("auth saw %d checks of the blocked key, want 5", got)
	}
	if code, _ := do(t, "GET", url, nil, from("203.0.113.99", s.key)); code != 200 {
		t.Fatalf("a good key from a clean address: %d", code)
	}
	_, metrics := testkit.Send(t, "GET", s.base+"/metrics", "", nil)
	for _, m := range []string{`futugw_edge_auth_rate_limited_total{scope="ip"} 6`, `futugw_edge_auth_rate_limited_total{scope="key"} 3`} {
		if !strings.Contains(metrics, m) {
			t.Errorf("metrics lack %s", m)
		}
	}
}

// Slowloris on HTTP: headers trickled byte by byte are cut by the server's
// ReadHeaderTimeout (10 s, from platform/run), a trickled body by the edge's read
// deadline, and an oversized header block is refused.
func TestAbuseSlowlorisHTTP(t *testing.T) {
	t.Parallel()
	s := startAbuseStack(t, func(c *Config) { c.ReadTimeout = time.Second })
	addr := strings.TrimPrefix(s.base, "http://")

	// Headers, one byte every 100 ms, never finished: cut by the read timeout.
	t.Run("headers", func(t *testing.T) {
		t.Parallel()
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		start := time.Now()
		req := "GET /api/auth/whoami HTTP/1.1\r\nHost: x\r\nX-Pad: " + strings.Repeat("a", 1000)
		var cut time.Duration
		for i := 0; i < len(req); i++ {
			if _, err := c.Write([]byte{req[i]}); err != nil {
				cut = time.Since(start)
				break
			}
			if i > 0 && i%10 == 0 { // the server answers 408 or just closes: notice either
				_ = c.SetReadDeadline(time.Now().Add(time.Millisecond))
				if _, err := c.Read(make([]byte, 1)); err != nil && !isTimeout(err) {
					cut = time.Since(start)
					break
				}
			}
			time.Sleep(100 * time.Millisecond) // the point: a byte every 100 ms is the trickle
			if time.Since(start) > 20*time.Second {
				t.Fatal("a header trickle was not cut within 20 s")
			}
		}
		t.Logf("header trickle cut after %v", cut.Round(10*time.Millisecond))
		// The read timeout (1 s here) bounds the whole request, headers included.
		if cut < 900*time.Millisecond || cut > 5*time.Second {
			t.Fatalf("cut after %v, want about the 1 s read timeout", cut)
		}
	})

	// A body trickled after complete headers: cut by the 1 s read deadline.
	t.Run("body", func(t *testing.T) {
		t.Parallel()
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		start := time.Now()
		fmt.Fprintf(c, "POST /api/order HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n{", s.key)
		done := answerOf(c)
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case got := <-done:
				t.Logf("body trickle answered %q after %v", got, time.Since(start).Round(10*time.Millisecond))
				if strings.HasPrefix(got, "5") {
					t.Fatalf("answered %s", got)
				}
				return
			case <-tick.C:
				_, _ = c.Write([]byte(" "))
				if time.Since(start) > 10*time.Second {
					t.Fatal("a body trickle was not cut within 10 s")
				}
			}
		}
	})

	t.Run("huge headers", func(t *testing.T) {
		t.Parallel()
		code, _ := do(t, "GET", s.base+"/api/auth/whoami", nil, http.Header{"X-Pad": {strings.Repeat("a", 200<<10)}})
		if code != http.StatusRequestHeaderFieldsTooLarge {
			t.Fatalf("200 KiB of headers: %d, want 431", code)
		}
	})
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}
