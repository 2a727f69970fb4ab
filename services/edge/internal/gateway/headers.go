package gateway

import (
	"net/http"
	"strings"
)

// incomingHeader forwards only the headers the services read. Authorization is
// always forwarded by grpc-gateway itself, and x-forwarded-for is derived by it from
// the connection; nothing else a client sends becomes gRPC metadata.
func incomingHeader(key string) (string, bool) {
	switch strings.ToLower(key) {
	case "idempotency-key":
		return "idempotency-key", true
	}
	return "", false
}

// untrustedForwarding drops client-supplied X-Forwarded-* headers when the edge is
// not behind a trusted proxy, so the client address the services see and audit is
// the TCP peer, not whatever the caller claims.
func untrustedForwarding(trustProxy bool, next http.Handler) http.Handler {
	if trustProxy {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Del("X-Forwarded-For")
		r.Header.Del("X-Forwarded-Host")
		next.ServeHTTP(w, r)
	})
}
