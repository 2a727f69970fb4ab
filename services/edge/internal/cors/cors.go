// Package cors answers cross-origin requests for the REST API from an explicit
// allowlist of origins. Same-origin requests (the panel served by the edge itself)
// need no CORS headers at all; an origin that is not listed gets none, and its
// preflight is refused. There is no wildcard: keys are credentials.
//
// The headers can come from the edge or from the proxy in front (Caddy's own
// `header` block, as many deployments write it), never from both: a browser refuses a
// response that carries Access-Control-Allow-Origin twice. Either way the allowlist
// still decides which pages may open a WebSocket, since browsers apply no CORS to
// WebSocket handshakes.
package cors

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"google.golang.org/grpc/codes"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/services/edge/internal/httperr"
)

// What a preflight allows; the panel needs nothing else.
const (
	AllowMethods = "GET, POST, DELETE, OPTIONS"
	AllowHeaders = "Authorization, Content-Type, Idempotency-Key"
	// ExposeHeaders are response headers the browser's script may read.
	ExposeHeaders = "X-Request-Id"
	// DefaultMaxAge is how long browsers may cache a preflight answer.
	DefaultMaxAge = 10 * time.Minute
)

// Options configures the middleware.
type Options struct {
	// Origins is the allowlist, each "scheme://host[:port]", as from ParseOrigins.
	Origins []string
	// TrustProxy makes X-Forwarded-Proto count when deciding the edge's own origin
	// (behind Caddy the edge itself speaks plain HTTP).
	TrustProxy bool
	// MaxAge for preflight answers; DefaultMaxAge when zero.
	MaxAge time.Duration
	// ByProxy leaves the CORS headers and preflight answers to the proxy in front:
	// the edge then adds none, and Origins only gates WebSocket handshakes.
	ByProxy bool
}

// ParseOrigins parses a comma-separated allowlist ("https://app.example.com,
// http://localhost:5173"), refusing wildcards, paths and anything not http(s), so a
// configuration mistake stops the edge instead of opening it.
func ParseOrigins(s string) ([]string, error) {
	var out []string
	for raw := range strings.SplitSeq(s, ",") {
		o := strings.TrimSpace(raw)
		if o == "" {
			continue
		}
		norm, err := normalize(o)
		if err != nil {
			return nil, fmt.Errorf("CORS origin %q: %w", o, err)
		}
		if !slices.Contains(out, norm) {
			out = append(out, norm)
		}
	}
	return out, nil
}

func normalize(o string) (string, error) {
	if strings.Contains(o, "*") || o == "null" {
		return "", errors.New("wildcards and null are not allowed; list each origin")
	}
	u, err := url.Parse(o)
	if err != nil {
		return "", errors.New("not a URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", errors.New("scheme must be http or https")
	}
	if u.Host == "" || u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return "", errors.New("want scheme://host[:port] with nothing after it")
	}
	return strings.ToLower(u.Scheme + "://" + u.Host), nil
}

// Middleware is the CORS handler wrapper; build it with New.
type Middleware struct {
	origins    []string
	trustProxy bool
	byProxy    bool
	maxAge     string
}

// New returns the middleware for o.
func New(o Options) *Middleware {
	age := o.MaxAge
	if age <= 0 {
		age = DefaultMaxAge
	}
	return &Middleware{
		origins:    slices.Clone(o.Origins),
		trustProxy: o.TrustProxy,
		byProxy:    o.ByProxy,
		maxAge:     strconv.Itoa(int(age / time.Second)),
	}
}

// Wrap returns next behind the CORS checks; with ByProxy, next itself.
func (m *Middleware) Wrap(next http.Handler) http.Handler {
	if m.byProxy {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		// The answer depends on Origin, so shared caches must key on it.
		w.Header().Add("Vary", "Origin")
		if origin == "" || m.sameOrigin(r, origin) {
			next.ServeHTTP(w, r)
			return
		}
		preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
		if !m.allowed(origin) {
			if preflight {
				httperr.WriteStatus(w, http.StatusForbidden, codes.PermissionDenied,
					gatewayv1.Reason_REASON_ORIGIN_NOT_ALLOWED, "origin "+origin+" is not in the CORS allowlist")
				return
			}
			// No CORS headers: the browser keeps the response from the page.
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", origin)
		if preflight {
			h.Add("Vary", "Access-Control-Request-Method")
			h.Add("Vary", "Access-Control-Request-Headers")
			h.Set("Access-Control-Allow-Methods", AllowMethods)
			h.Set("Access-Control-Allow-Headers", AllowHeaders)
			h.Set("Access-Control-Max-Age", m.maxAge)
			w.WriteHeader(http.StatusNoContent)
			return
		}
		h.Set("Access-Control-Expose-Headers", ExposeHeaders)
		next.ServeHTTP(w, r)
	})
}

func (m *Middleware) allowed(origin string) bool {
	return slices.Contains(m.origins, strings.ToLower(origin))
}

// sameOrigin reports whether origin is the edge's own (scheme and Host of this
// request), which browsers also send on same-origin POSTs.
func (m *Middleware) sameOrigin(r *http.Request, origin string) bool {
	scheme := "http"
	if r.TLS != nil || (m.trustProxy && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")) {
		scheme = "https"
	}
	return r.Host != "" && strings.EqualFold(origin, scheme+"://"+r.Host)
}

// OriginAllowed reports whether a request may act for the page that sent it: no
// Origin (not a browser), the edge's own origin, or one in the allowlist. Browsers
// apply no CORS to WebSocket handshakes, so the edge checks them with this before
// upgrading.
func (m *Middleware) OriginAllowed(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	return origin == "" || m.sameOrigin(r, origin) || m.allowed(origin)
}
