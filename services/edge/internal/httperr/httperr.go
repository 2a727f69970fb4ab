// Package httperr is the one place where the edge turns errors into HTTP responses:
// gRPC codes become HTTP statuses, and every error body has the same JSON shape
// {"error", "reason", "code", "message"} that the panel relies on.
package httperr

import (
	"encoding/json"
	"net/http"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/errinfo"
)

// Body is the JSON error body of every failed /api/ call.
type Body struct {
	Error   string `json:"error"`   // readable, shown to the user as is
	Reason  string `json:"reason"`  // stable machine code
	Code    int    `json:"code"`    // gRPC code number
	Message string `json:"message"` // the gRPC status message
}

// HTTPStatus maps a gRPC code to the HTTP status of the edge's contract.
func HTTPStatus(c codes.Code) int {
	switch c {
	case codes.OK:
		return http.StatusOK
	case codes.Unauthenticated:
		return http.StatusUnauthorized
	case codes.PermissionDenied:
		return http.StatusForbidden
	case codes.ResourceExhausted:
		return http.StatusTooManyRequests
	case codes.InvalidArgument, codes.FailedPrecondition, codes.OutOfRange:
		return http.StatusBadRequest
	case codes.NotFound:
		return http.StatusNotFound
	case codes.AlreadyExists, codes.Aborted:
		return http.StatusConflict
	case codes.Unavailable, codes.DeadlineExceeded:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// FromError builds the HTTP status and body for err. A non-status error becomes an
// Internal one whose text is not shown to the client (it may carry internals).
func FromError(err error) (int, Body) {
	st, ok := status.FromError(err)
	if !ok {
		st = status.New(codes.Internal, "internal error")
	}
	reason := errinfo.Reason(err)
	if reason == gatewayv1.Reason_REASON_UNSPECIFIED {
		reason = fallbackReason(st.Code())
	}
	msg := st.Message()
	if serverFault(st.Code()) {
		msg = faultText(st.Code(), reason)
	}
	return HTTPStatus(st.Code()), newBody(st.Code(), reason, msg)
}

// newBody is the body of an error with code c, reason and message msg.
func newBody(c codes.Code, reason gatewayv1.Reason, msg string) Body {
	return Body{
		Error:   Readable(c, reason, msg),
		Reason:  errinfo.Code(reason),
		Code:    int(c),
		Message: msg,
	}
}

// serverFault reports the codes of failures on the gateway's side, whose messages
// may carry internals (a dial error naming a service's address, a driver's error):
// the client gets a fixed text for them, and the edge logs the detail (GatewayErrorHandler).
func serverFault(c codes.Code) bool {
	switch c {
	case codes.Unavailable, codes.DeadlineExceeded, codes.Internal, codes.Unknown, codes.DataLoss:
		return true
	}
	return false
}

// faultText is the fixed text of a server fault: its reason's, else its code's.
func faultText(c codes.Code, reason gatewayv1.Reason) string {
	if s := fixedText(reason); s != "" {
		return s
	}
	switch c {
	case codes.Unavailable:
		return fixedText(gatewayv1.Reason_REASON_UNAVAILABLE)
	case codes.DeadlineExceeded:
		return fixedText(gatewayv1.Reason_REASON_TIMEOUT)
	}
	return fixedText(gatewayv1.Reason_REASON_INTERNAL)
}

// Write writes err as the JSON error response.
func Write(w http.ResponseWriter, err error) {
	code, body := FromError(err)
	WriteBody(w, code, body)
}

// WriteStatus writes an error the edge produced itself (no gRPC call behind it):
// httpStatus with a body carrying the given gRPC code, reason and message.
func WriteStatus(w http.ResponseWriter, httpStatus int, c codes.Code, reason gatewayv1.Reason, msg string) {
	WriteBody(w, httpStatus, newBody(c, reason, msg))
}

// WriteBody writes body as JSON with status code httpStatus.
func WriteBody(w http.ResponseWriter, httpStatus int, body Body) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	if httpStatus == http.StatusUnauthorized {
		// RFC 9110: a 401 names the scheme the client should use.
		h.Set("WWW-Authenticate", `Bearer realm="futugw"`)
	}
	w.WriteHeader(httpStatus)
	_ = json.NewEncoder(w).Encode(body)
}

// fallbackReason names errors that arrive without an errinfo reason, so the body
// always carries a stable code.
func fallbackReason(c codes.Code) gatewayv1.Reason {
	switch c {
	case codes.Unauthenticated:
		return gatewayv1.Reason_REASON_INVALID_KEY
	case codes.PermissionDenied:
		return gatewayv1.Reason_REASON_SCOPE_DENIED
	case codes.ResourceExhausted:
		return gatewayv1.Reason_REASON_RATE_LIMITED
	case codes.InvalidArgument, codes.FailedPrecondition, codes.OutOfRange:
		return gatewayv1.Reason_REASON_INVALID_ARGUMENT
	case codes.NotFound:
		return gatewayv1.Reason_REASON_NOT_FOUND
	case codes.AlreadyExists, codes.Aborted:
		return gatewayv1.Reason_REASON_ALREADY_EXISTS
	case codes.Unavailable:
		return gatewayv1.Reason_REASON_UNAVAILABLE
	case codes.DeadlineExceeded, codes.Canceled:
		return gatewayv1.Reason_REASON_TIMEOUT
	case codes.Unimplemented:
		return gatewayv1.Reason_REASON_METHOD_NOT_ALLOWED
	}
	return gatewayv1.Reason_REASON_INTERNAL
}
