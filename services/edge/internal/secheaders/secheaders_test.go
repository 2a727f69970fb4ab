package secheaders

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHeaders(t *testing.T) {
	tests := []struct {
		name       string
		trustProxy bool
		path       string
		tls        bool
		xfp        string
		wantHSTS   bool
		cspHas     string
	}{
		{name: "plain http panel", path: "/", cspHas: "connect-src 'self' https://api.example.com wss://api.example.com"},
		{name: "tls", path: "/", tls: true, wantHSTS: true, cspHas: "frame-ancestors 'none'"},
		{name: "proxy https trusted", trustProxy: true, path: "/", xfp: "https", wantHSTS: true, cspHas: "script-src 'self'"},
		{name: "proxy https untrusted", path: "/", xfp: "https", cspHas: "default-src 'self'"},
		{name: "api", path: "/api/auth/whoami", cspHas: "default-src 'none'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := New(Options{ConnectSrc: []string{"https://api.example.com", "wss://api.example.com"}, TrustProxy: tt.trustProxy})
			r := httptest.NewRequest("GET", tt.path, nil)
			if tt.tls {
				r.TLS = &tls.ConnectionState{}
			}
			if tt.xfp != "" {
				r.Header.Set("X-Forwarded-Proto", tt.xfp)
			}
			rec := httptest.NewRecorder()
			m.Wrap(http.NotFoundHandler()).ServeHTTP(rec, r)
			h := rec.Header()
			if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" || h.Get("X-Frame-Options") != "DENY" {
				t.Errorf("missing base headers: %v", h)
			}
			if got := h.Get("Strict-Transport-Security"); (got != "") != tt.wantHSTS || (tt.wantHSTS && got != HSTS) {
				t.Errorf("HSTS %q, want present=%v", got, tt.wantHSTS)
			}
			if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, tt.cspHas) {
				t.Errorf("CSP %q lacks %q", csp, tt.cspHas)
			}
		})
	}
}
