// Package httperr is the one place where the edge turns errors into HTTP responses:
// gRPC codes become HTTP statuses, and every error body has the same JSON shape
// {"error", "reason", "code", "message"} that the panel relies on.
package httperr

import (
	"encoding/json"
	"net/http"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/futugw/gateway/platform/errinfo"
)

// Body is the JSON error body of every failed /api/ call.
type Body struct {
	Error   string `json:"error"`   // readable, shown to the user as is
	Reason  string `json:"reason"`  // stable machine code
	Code    int    `json:"code"`    // gRPC code number
	Message string `json:"message"` // the gRPC status message
}

// Reasons the edge itself produces (the services' reasons come from errinfo).
const (
	ReasonPayloadTooLarge  = "payload_too_large"
	ReasonOriginNotAllowed = "origin_not_allowed"
	ReasonUnavailable      = "unavailable"
	ReasonTimeout          = "timeout"
	// ReasonAuthRateLimited: too many failed authentications from one client or
	// with one key; refused without asking auth until a cool-down ends.
	ReasonAuthRateLimited = "auth_rate_limited"
	// ReasonTooManySockets: the key (with its sessions) has its most sockets open.
	ReasonTooManySockets = "too_many_sockets"
)

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
	if reason == "" {
		reason = fallbackReason(st.Code())
	}
	msg := st.Message()
	if serverFault(st.Code()) {
		msg = faultText(st.Code(), reason)
	}
	return HTTPStatus(st.Code()), Body{
		Error:   Readable(st.Code(), reason, msg),
		Reason:  reason,
		Code:    int(st.Code()),
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
func faultText(c codes.Code, reason string) string {
	if s := fixedText(reason); s != "" {
		return s
	}
	switch c {
	case codes.Unavailable:
		return fixedText(ReasonUnavailable)
	case codes.DeadlineExceeded:
		return fixedText(ReasonTimeout)
	}
	return fixedText(errinfo.Internal)
}

// Write writes err as the JSON error response.
func Write(w http.ResponseWriter, err error) {
	code, body := FromError(err)
	WriteBody(w, code, body)
}

// WriteStatus writes an error the edge produced itself (no gRPC call behind it):
// httpStatus with a body carrying the given gRPC code, reason and message.
func WriteStatus(w http.ResponseWriter, httpStatus int, c codes.Code, reason, msg string) {
	WriteBody(w, httpStatus, Body{
		Error:   Readable(c, reason, msg),
		Reason:  reason,
		Code:    int(c),
		Message: msg,
	})
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
func fallbackReason(c codes.Code) string {
	switch c {
	case codes.Unauthenticated:
		return errinfo.InvalidKey
	case codes.PermissionDenied:
		return errinfo.ScopeDenied
	case codes.ResourceExhausted:
		return errinfo.RateLimited
	case codes.InvalidArgument, codes.FailedPrecondition, codes.OutOfRange:
		return errinfo.InvalidArgument
	case codes.NotFound:
		return errinfo.NotFound
	case codes.AlreadyExists, codes.Aborted:
		return errinfo.AlreadyExists
	case codes.Unavailable:
		return ReasonUnavailable
	case codes.DeadlineExceeded, codes.Canceled:
		return ReasonTimeout
	case codes.Unimplemented:
		return errinfo.MethodNotAllowed
	}
	return errinfo.Internal
}
