package ws

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"

	"github.com/coder/websocket"
	"google.golang.org/grpc/codes"

	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/platform/keypolicy"
	"github.com/futugw/gateway/services/edge/internal/accesslog"
	"github.com/futugw/gateway/services/edge/internal/httperr"
)

// Subprotocol is the WebSocket subprotocol a browser offers to carry its key:
// new WebSocket(url, ["bearer", key]); the edge selects "bearer".
const Subprotocol = "bearer"

// validateTimeout bounds the key check of a handshake.
const validateTimeout = 5 * time.Second

// readLimit caps what a browser may send: it only answers pings and closes.
const readLimit = 1024

// ServeHTTP is GET /ws. Every refusal happens before the upgrade, as a JSON error:
// 403 for a foreign Origin or a key without qot:read, 401 for a missing or invalid
// key, 503 when auth cannot be reached or the edge is stopping.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", "GET")
		httperr.WriteStatus(w, http.StatusMethodNotAllowed, codes.Unimplemented, gatewayv1.Reason_REASON_METHOD_NOT_ALLOWED,
			"method "+r.Method+" is not allowed on /ws")
		return
	}
	if h.opts.Origins != nil && !h.opts.Origins.OriginAllowed(r) {
		httperr.WriteStatus(w, http.StatusForbidden, codes.PermissionDenied, gatewayv1.Reason_REASON_ORIGIN_NOT_ALLOWED,
			"origin "+r.Header.Get("Origin")+" may not open a WebSocket here")
		return
	}
	token, viaProto, err := handshakeToken(r)
	if err != nil {
		httperr.Write(w, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), validateTimeout)
	p, err := h.opts.Cache.Validate(ctx, token, authn.CallInfo{Client: accesslog.ClientAddr(r, h.opts.TrustProxy), Method: "GET /ws"})
	cancel()
	if err != nil {
		httperr.Write(w, err)
		return
	}
	if !p.Has(keypolicy.ScopeQotRead) {
		httperr.WriteStatus(w, http.StatusForbidden, codes.PermissionDenied, gatewayv1.Reason_REASON_SCOPE_DENIED,
			"this key lacks the qot:read scope needed for live quotes")
		return
	}
	h.mu.RLock()
	closing := h.closing
	h.mu.RUnlock()
	if closing {
		httperr.WriteStatus(w, http.StatusServiceUnavailable, codes.Unavailable, gatewayv1.Reason_REASON_UNAVAILABLE,
			"the edge is shutting down; reconnect")
		return
	}

	if !h.reserve(p.Owner()) {
		httperr.WriteStatus(w, http.StatusTooManyRequests, codes.ResourceExhausted, gatewayv1.Reason_REASON_TOO_MANY_SOCKETS,
			fmt.Sprintf("this key already has %d live-data sockets open; close some (other tabs) first", h.opts.MaxSocketsPerKey))
		return
	}
	opts := &websocket.AcceptOptions{
		InsecureSkipVerify: true, // the Origin was checked above, against the CORS allowlist
		CompressionMode:    websocket.CompressionDisabled,
	}
	if viaProto {
		opts.Subprotocols = []string{Subprotocol}
	}
	conn, err := websocket.Accept(w, r, opts)
	if err != nil {
		h.unreserve(p.Owner())
		return // Accept answered the client (426 and the like)
	}
	conn.SetReadLimit(readLimit)
	s := newSocket(h, conn, p, token, r.URL.Query().Get("format") == "json")
	if !h.add(s) {
		h.unreserve(p.Owner())
		_ = conn.Close(websocket.StatusGoingAway, "edge shutting down")
		return
	}
	// The socket lives on its own goroutine (owned by the hub: Close waits for it),
	// so net/http can drop the request, the response and their buffers now; that
	// is most of an idle socket's memory.
	go func() {
		s.run()
		h.remove(s)
	}()
}

// handshakeToken finds the key: ?token=, else the subprotocol list "bearer, <key>",
// else an Authorization header (non-browser clients). Its shape is checked like a
// bearer header's; errors never echo it.
func handshakeToken(r *http.Request) (token string, viaProto bool, err error) {
	query := r.URL.Query().Get("token")
	offered := protocolToken(r.Header.Values("Sec-WebSocket-Protocol"))
	// A browser that offered the bearer subprotocol fails the handshake unless the
	// server selects it, wherever else the key came from.
	viaProto = offered != ""
	switch {
	case query != "" && offered != "" && query != offered:
		return "", false, errinfo.New(codes.Unauthenticated, gatewayv1.Reason_REASON_MALFORMED_KEY,
			"the handshake carries two different keys, in ?token= and in the subprotocols")
	case query != "":
		token = query
	case offered != "":
		token = offered
	default:
		if a := r.Header.Get("Authorization"); a != "" {
			t, err := authn.ParseBearer(a)
			return t, false, err
		}
		return "", false, errinfo.New(codes.Unauthenticated, gatewayv1.Reason_REASON_MISSING_KEY,
			"missing API key: pass ?token=fk_... or the subprotocols 'bearer, fk_...'")
	}
	token, err = authn.ParseBearer("Bearer " + token)
	if err != nil {
		return "", false, err
	}
	return token, viaProto, nil
}

// PresentedKey returns the key a handshake carries in ?token= or in the offered
// subprotocols, unchecked ("" when neither has one); the edge's auth-failure limits
// hash it. The Authorization header is the caller's to look at.
func PresentedKey(r *http.Request) string {
	return cmp.Or(r.URL.Query().Get("token"), protocolToken(r.Header.Values("Sec-WebSocket-Protocol")))
}

// protocolToken returns the element after "bearer" in the offered subprotocols.
func protocolToken(values []string) string {
	var list []string
	for _, v := range values {
		for p := range strings.SplitSeq(v, ",") {
			list = append(list, strings.TrimSpace(p))
		}
	}
	for i, p := range list {
		if strings.EqualFold(p, Subprotocol) && i+1 < len(list) {
			return list[i+1]
		}
	}
	return ""
}
