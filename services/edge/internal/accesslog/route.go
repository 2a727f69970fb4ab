package accesslog

import (
	"context"
	"net/http"
)

// routeKey is the context key of the request's *routeSlot.
type routeKey struct{}

// routeSlot lets an inner handler name the matched route for the log and the
// metric label, even after requests were copied with WithContext on the way down.
type routeSlot struct{ route string }

// SetRoute records the matched route pattern (a bounded set, never the raw path) of
// the request whose context is ctx. It does nothing outside the middleware.
func SetRoute(ctx context.Context, route string) {
	if s, ok := ctx.Value(routeKey{}).(*routeSlot); ok {
		s.route = route
	}
}

// WithRoute wraps a handler mounted on an http.ServeMux so that the mux's pattern
// becomes the route.
func WithRoute(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Pattern != "" {
			SetRoute(r.Context(), r.Pattern)
		}
		next.ServeHTTP(w, r)
	})
}
