package cors

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestParseOrigins(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr string
	}{
		{in: "", want: nil},
		{in: " https://App.Example.com , http://localhost:5173,https://app.example.com", want: []string{"https://app.example.com", "http://localhost:5173"}},
		{in: "https://app.example.com/", want: []string{"https://app.example.com"}},
		{in: "*", wantErr: "wildcards"},
		{in: "https://*.example.com", wantErr: "wildcards"},
		{in: "null", wantErr: "wildcards"},
		{in: "ftp://x", wantErr: "scheme"},
		{in: "app.example.com", wantErr: "scheme"},
		{in: "https://app.example.com/panel", wantErr: "nothing after"},
	}
	for _, tt := range tests {
		got, err := ParseOrigins(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseOrigins(%q) err = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("ParseOrigins(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestMiddleware(t *testing.T) {
	m := New(Options{Origins: []string{"https://app.example.com"}, TrustProxy: true})
	h := m.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Reached", "1")
		w.WriteHeader(http.StatusTeapot)
	}))
	tests := []struct {
		name        string
		method      string
		host        string
		headers     map[string]string
		status      int
		allowOrigin string
		reached     bool
	}{
		{name: "preflight allowed", method: "OPTIONS", headers: map[string]string{
			"Origin": "https://app.example.com", "Access-Control-Request-Method": "POST",
			"Access-Control-Request-Headers": "authorization, content-type"},
			status: 204, allowOrigin: "https://app.example.com"},
		{name: "preflight refused", method: "OPTIONS", headers: map[string]string{
			"Origin": "https://evil.example.net", "Access-Control-Request-Method": "POST"},
			status: 403},
		{name: "simple allowed", method: "GET", headers: map[string]string{"Origin": "https://app.example.com"},
			status: 418, allowOrigin: "https://app.example.com", reached: true},
		{name: "simple refused gets no headers", method: "GET", headers: map[string]string{"Origin": "https://evil.example.net"},
			status: 418, reached: true},
		{name: "no origin", method: "POST", status: 418, reached: true},
		{name: "same origin", method: "POST", host: "edge.local:22222",
			headers: map[string]string{"Origin": "http://edge.local:22222"}, status: 418, reached: true},
		{name: "same origin behind TLS proxy", method: "POST", host: "api.example.com",
			headers: map[string]string{"Origin": "https://api.example.com", "X-Forwarded-Proto": "https"}, status: 418, reached: true},
		{name: "OPTIONS without request method is not a preflight", method: "OPTIONS",
			headers: map[string]string{"Origin": "https://app.example.com"}, status: 418, allowOrigin: "https://app.example.com", reached: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, "/api/auth/whoami", nil)
			if tt.host != "" {
				r.Host = tt.host
			}
			for k, v := range tt.headers {
				r.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			res := rec.Result()
			if res.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", res.StatusCode, tt.status)
			}
			if got := res.Header.Get("Access-Control-Allow-Origin"); got != tt.allowOrigin {
				t.Errorf("Allow-Origin %q, want %q", got, tt.allowOrigin)
			}
			if (res.Header.Get("X-Reached") == "1") != tt.reached {
				t.Errorf("reached handler = %v, want %v", !tt.reached, tt.reached)
			}
			if !strings.Contains(strings.Join(res.Header.Values("Vary"), ","), "Origin") {
				t.Errorf("no Vary: Origin")
			}
			if tt.allowOrigin == "" {
				for k := range res.Header {
					if strings.HasPrefix(k, "Access-Control-") {
						t.Errorf("refused/same-origin request got %s", k)
					}
				}
			}
			switch tt.status {
			case 204:
				if res.Header.Get("Access-Control-Allow-Methods") != "GET, POST, DELETE, OPTIONS" ||
					res.Header.Get("Access-Control-Allow-Headers") != "Authorization, Content-Type, Idempotency-Key" ||
					res.Header.Get("Access-Control-Max-Age") != "600" {
					t.Errorf("preflight headers %v", res.Header)
				}
			case 403:
				var b map[string]any
				if err := json.NewDecoder(res.Body).Decode(&b); err != nil || b["reason"] != "origin_not_allowed" || b["error"] == "" {
					t.Errorf("403 body %v, %v", b, err)
				}
			}
		})
	}
}

func TestOriginAllowed(t *testing.T) {
	m := New(Options{Origins: []string{"https://app.example.com"}, TrustProxy: true})
	tests := []struct {
		origin, proto string
		want          bool
	}{
		{"", "", true},                              // not a browser
		{"http://edge.example.com", "", true},       // same origin
		{"https://edge.example.com", "https", true}, // same origin behind the proxy
		{"https://edge.example.com", "", false},     // scheme differs
		{"https://APP.example.com", "", true},       // allowlisted, any case
		{"https://evil.example.com", "", false},     // not listed
		{"null", "", false},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "http://edge.example.com/ws", nil)
		if tt.origin != "" {
			r.Header.Set("Origin", tt.origin)
		}
		if tt.proto != "" {
			r.Header.Set("X-Forwarded-Proto", tt.proto)
		}
		if got := m.OriginAllowed(r); got != tt.want {
			t.Errorf("OriginAllowed(%q, proto %q) = %v", tt.origin, tt.proto, got)
		}
	}
}

// TestByProxy: with the proxy answering CORS, the edge adds no header a proxy's own
// would double, answers no preflight itself, and still gates WebSocket origins.
func TestByProxy(t *testing.T) {
	m := New(Options{Origins: []string{"https://app.example.com"}, TrustProxy: true, ByProxy: true})
	h := m.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	}))
	for _, method := range []string{"GET", "POST", "OPTIONS"} {
		r := httptest.NewRequest(method, "/api/order", nil)
		r.Header.Set("Origin", "https://app.example.com")
		r.Header.Set("Access-Control-Request-Method", "POST")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if rec.Code != http.StatusTeapot {
			t.Errorf("%s: status %d, want the handler's 418", method, rec.Code)
		}
		for k := range rec.Header() {
			if strings.HasPrefix(k, "Access-Control-") || k == "Vary" {
				t.Errorf("%s: the edge set %s, which the proxy owns", method, k)
			}
		}
	}
	for origin, want := range map[string]bool{
		"https://app.example.com": true, "https://evil.example.com": false, "": true,
	} {
		r := httptest.NewRequest("GET", "http://edge.example.com/ws", nil)
		if origin != "" {
			r.Header.Set("Origin", origin)
		}
		if got := m.OriginAllowed(r); got != want {
			t.Errorf("OriginAllowed(%q) = %v, want %v", origin, got, want)
		}
	}
}
