// Package secheaders sets the browser security headers on every edge response: no
// MIME sniffing, no referrer, no framing, a Content-Security-Policy for the panel's
// pages, and HSTS when the request arrived over TLS.
package secheaders

import (
	"net/http"
	"strings"
)

// HSTS is the Strict-Transport-Security value sent on TLS requests (two years).
const HSTS = "max-age=63072000; includeSubDomains"

// apiCSP is for JSON responses: nothing in them may load or run anything.
const apiCSP = "default-src 'none'; frame-ancestors 'none'"

// Options configures the headers.
type Options struct {
	// ConnectSrc lists extra origins the panel's scripts may connect to (the API and
	// WebSocket origins when they differ from the page's, e.g. "wss://api.example.com").
	ConnectSrc []string
	// TrustProxy makes X-Forwarded-Proto: https count as TLS (Caddy terminates it).
	TrustProxy bool
}

// Header values shared by every response (Header.Add copies before appending).
var (
	nosniff     = []string{"nosniff"}
	noReferrer  = []string{"no-referrer"}
	deny        = []string{"DENY"}
	apiCSPValue = []string{apiCSP}
	hsts        = []string{HSTS}
)

// Middleware sets the headers; build it with New.
type Middleware struct {
	panelCSP   []string
	trustProxy bool
}

// New returns the middleware for o.
func New(o Options) *Middleware {
	return &Middleware{panelCSP: []string{PanelCSP(o.ConnectSrc)}, trustProxy: o.TrustProxy}
}

// PanelCSP is the policy for the panel's pages: only our own scripts, connections to
// ourselves and the configured API/WS origins, and no framing.
func PanelCSP(connectSrc []string) string {
	connect := append([]string{"'self'"}, connectSrc...)
	return strings.Join([]string{
		"default-src 'self'",
		"script-src 'self'",
		"connect-src " + strings.Join(connect, " "),
		"object-src 'none'",
		"base-uri 'self'",
		"form-action 'self'",
		"frame-ancestors 'none'",
	}, "; ")
}

// Wrap returns next with the headers set before it runs (it may still override them).
func (m *Middleware) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Canonical keys and shared, never modified values: every response carries
		// these, so they are assigned without canonicalizing or allocating.
		h := w.Header()
		h["X-Content-Type-Options"] = nosniff
		h["Referrer-Policy"] = noReferrer
		h["X-Frame-Options"] = deny
		if strings.HasPrefix(r.URL.Path, "/api/") {
			h["Content-Security-Policy"] = apiCSPValue
		} else {
			h["Content-Security-Policy"] = m.panelCSP
		}
		if m.overTLS(r) {
			h["Strict-Transport-Security"] = hsts
		}
		next.ServeHTTP(w, r)
	})
}

// overTLS: HSTS sent over plain HTTP is ignored by browsers and would only mislead.
func (m *Middleware) overTLS(r *http.Request) bool {
	return r.TLS != nil || (m.trustProxy && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https"))
}
