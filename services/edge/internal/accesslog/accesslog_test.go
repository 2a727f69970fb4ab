package accesslog

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/futugw/gateway/platform/testkit/logtest"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// token is shaped like a real key: "fk_" + 43 base64url characters.
const token = "fk_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCd"

func TestRedactQuery(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"a=1&b=2", "a=1&b=2"},
		{"token=abc", "token=REDACTED"},
		{"TOKEN=abc&x=1", "TOKEN=REDACTED&x=1"},
		{"to%6Ben=abc", "to%6Ben=REDACTED"},
		{"access_token=" + token, "access_token=REDACTED"},
		{"q=" + token + "&n=2", "q=fk_REDACTED&n=2"},
		{"q=Bearer%20" + token, "q=Bearer%20fk_REDACTED"},
		{token, "fk_REDACTED"},
		{"%zz=1&token=%zz", "%zz=1&token=REDACTED"},
		{"token", "token"},
	}
	for _, tt := range tests {
		if got := RedactQuery(tt.in); got != tt.want {
			t.Errorf("RedactQuery(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRedactKeys(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/api/auth/whoami", "/api/auth/whoami"},
		{"/x/" + token + "/y", "/x/fk_REDACTED/y"},
		{"FK_abc fk_def", "fk_REDACTED fk_REDACTED"},
		{"fk_", "fk_REDACTED"},
	}
	for _, tt := range tests {
		if got := RedactKeys(tt.in); got != tt.want {
			t.Errorf("RedactKeys(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNoTokenInLogs(t *testing.T) {
	var buf logtest.Buffer
	reg := prometheus.NewRegistry()
	m, err := New(Options{Logger: slog.New(slog.NewJSONHandler(&buf, nil)), Metrics: reg, Service: "edge"})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /ws", WithRoute(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("hello"))
	})))
	srv := httptest.NewServer(m.Wrap(mux))
	defer srv.Close()

	req, _ := http.NewRequest("GET", srv.URL+"/ws?token="+token+"&other="+token+"&ok=1", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Sec-WebSocket-Protocol", "bearer, "+token)
	req.Header.Set("Referer", "https://app.example.com/?token="+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	req2, _ := http.NewRequest("GET", srv.URL+"/nope/"+token, nil)
	resp, err = http.DefaultClient.Do(req2)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	srv.Close() // handlers done: every line written

	out := buf.String()
	if strings.Contains(out, token) || strings.Contains(out, token[3:]) {
		t.Fatalf("token leaked into the access log:\n%s", out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 lines, got %d:\n%s", len(lines), out)
	}
	var rec map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]any{"method": "GET", "path": "/ws", "route": "GET /ws", "status": float64(200),
		"bytes": float64(5), "client": "127.0.0.1", "query": "token=REDACTED&other=fk_REDACTED&ok=1"} {
		if rec[k] != want {
			t.Errorf("%s = %v, want %v", k, rec[k], want)
		}
	}
	if rec["request_id"] == "" || rec["duration_ms"] == nil {
		t.Errorf("missing request_id or duration: %v", rec)
	}
	if got := testutil.ToFloat64(m.requests.WithLabelValues("GET /ws", "200")); got != 1 {
		t.Errorf("requests{GET /ws,200} = %v", got)
	}
	if got := testutil.ToFloat64(m.requests.WithLabelValues("unmatched", "404")); got != 1 {
		t.Errorf("requests{unmatched,404} = %v", got)
	}
}

func TestClientAndRequestID(t *testing.T) {
	tests := []struct {
		name       string
		trust      bool
		xff, reqID string
		client     string
		keepID     bool
	}{
		{name: "untrusted ignores headers", xff: "203.0.113.9", reqID: "abc-123", client: "192.0.2.1"},
		{name: "trusted proxy", trust: true, xff: "203.0.113.9, 10.0.0.2", reqID: "abc-123", client: "203.0.113.9", keepID: true},
		{name: "trusted but bad id", trust: true, reqID: "x\ny", client: "192.0.2.1"},
		{name: "trusted id shaped like a key", trust: true, reqID: "fk_abc", client: "192.0.2.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _ := New(Options{TrustProxy: tt.trust, Service: "edge"})
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = "192.0.2.1:5555"
			if tt.xff != "" {
				r.Header.Set("X-Forwarded-For", tt.xff)
			}
			r.Header.Set(RequestIDHeader, tt.reqID)
			if got := ClientAddr(r, tt.trust); got != tt.client {
				t.Errorf("client %q, want %q", got, tt.client)
			}
			if got := m.requestID(r); (got == tt.reqID) != tt.keepID || got == "" {
				t.Errorf("request id %q (incoming %q), keep=%v", got, tt.reqID, tt.keepID)
			}
		})
	}
}

// Quiet drops the line of the answers it names, while the metrics still count them.
func TestQuietDropsLinesNotMetrics(t *testing.T) {
	var buf logtest.Buffer
	reg := prometheus.NewRegistry()
	m, err := New(Options{Logger: slog.New(slog.NewJSONHandler(&buf, nil)), Metrics: reg, Service: "edge",
		Quiet: func(status int) bool { return status == http.StatusUnauthorized }})
	if err != nil {
		t.Fatal(err)
	}
	h := m.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/deny" {
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	for _, p := range []string{"/deny", "/deny", "/ok"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", p, nil))
	}
	if n := strings.Count(buf.String(), "\n"); n != 1 || !strings.Contains(buf.String(), `"status":200`) {
		t.Fatalf("log:\n%s", buf.String())
	}
	if got := testutil.ToFloat64(m.requests.WithLabelValues(unmatched, "401")); got != 2 {
		t.Fatalf("401s counted: %v", got)
	}
}

// blockingWriter holds every log write until release is closed.
type blockingWriter struct{ release chan struct{} }

func (b blockingWriter) Write(p []byte) (int, error) {
	<-b.release
	return len(p), nil
}

// A complete response with a declared length reaches the client before its log line
// is written; others are left to net/http, which sends them unchunked when the
// handler returns.
func TestResponseBeforeLogLine(t *testing.T) {
	release := make(chan struct{})
	m, err := New(Options{Logger: slog.New(slog.NewJSONHandler(blockingWriter{release}, nil)), Service: "edge"})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/sized", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", "5")
		_, _ = w.Write([]byte("hello"))
	})
	mux.HandleFunc("/unsized", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("hello")) })
	srv := httptest.NewServer(m.Wrap(mux))
	defer srv.Close()
	defer close(release) // before srv.Close: the handlers still wait on their log line

	get := func(path string) <-chan *http.Response {
		got := make(chan *http.Response, 1)
		go func() {
			resp, err := http.Get(srv.URL + path)
			if err != nil {
				t.Error(err)
				close(got)
				return
			}
			_, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
			got <- resp
		}()
		return got
	}
	select {
	case resp := <-get("/sized"):
		if resp == nil || resp.ContentLength != 5 || len(resp.TransferEncoding) != 0 {
			t.Fatalf("sized response: %+v", resp)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the response waited for its log line")
	}
	unsized := get("/unsized")
	select {
	case <-unsized:
		t.Fatal("a response without a declared length was flushed early")
	case <-time.After(100 * time.Millisecond):
	}
	release <- struct{}{} // one log line
	release <- struct{}{} // the other
	if resp := <-unsized; resp == nil || resp.ContentLength != 5 || len(resp.TransferEncoding) != 0 {
		t.Fatalf("unsized response: %+v", resp)
	}
}
