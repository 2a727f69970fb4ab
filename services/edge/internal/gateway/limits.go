package gateway

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"time"

	"github.com/futugw/gateway/services/edge/internal/httperr"
)

// DefaultMaxBody caps a REST request body; orders and key requests are far smaller.
const DefaultMaxBody = 1 << 20

// DefaultTimeout bounds one REST call, so a dead upstream answers 503, never hangs.
const DefaultTimeout = 10 * time.Second

// limitBody answers 413 for bodies over max. The body is read here, before the
// gateway decodes it, because the gateway reports every decode failure as a plain
// InvalidArgument and the size cause would be lost.
func limitBody(max int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > max {
			httperr.Routing(w, r, http.StatusRequestEntityTooLarge)
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			b, err := io.ReadAll(io.LimitReader(r.Body, max+1))
			_ = r.Body.Close()
			switch {
			case int64(len(b)) > max:
				httperr.Routing(w, r, http.StatusRequestEntityTooLarge)
				return
			case err != nil:
				httperr.Routing(w, r, http.StatusBadRequest)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(b))
		}
		// The whole request is in: lift the read deadline the edge set for it, so
		// that net/http's background read does not cancel a slow upstream call.
		_ = http.NewResponseController(w).SetReadDeadline(time.Time{})
		next.ServeHTTP(w, r)
	})
}

// withTimeout gives every call a deadline that gRPC propagates upstream.
func withTimeout(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
