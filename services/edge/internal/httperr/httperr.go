// Package httperr is the one place where the edge turns errors into HTTP responses:
// gRPC codes become HTTP statuses, and every error body has the same JSON shape
// {"error", "reason", "code", "message"} that the panel relies on.
package httperr

import (
	"cmp"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

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
	// RetryAfter is the seconds after which a refused call may succeed (a pacing
	// refusal carrying a RetryInfo); absent otherwise.
	RetryAfter int `json:"retry_after,omitempty"`
}

// byCode is the edge's contract for a gRPC code: its HTTP status, and the reason of
// an error that arrives without an errinfo one, so the body always carries a stable
// code. Codes not listed are 500 internal.
var byCode = map[codes.Code]struct {
	status int
	reason gatewayv1.Reason
}{
	codes.OK:                 {http.StatusOK, gatewayv1.Reason_REASON_INTERNAL},
	codes.Unauthenticated:    {http.StatusUnauthorized, gatewayv1.Reason_REASON_INVALID_KEY},
	codes.PermissionDenied:   {http.StatusForbidden, gatewayv1.Reason_REASON_SCOPE_DENIED},
	codes.ResourceExhausted:  {http.StatusTooManyRequests, gatewayv1.Reason_REASON_RATE_LIMITED},
	codes.InvalidArgument:    {http.StatusBadRequest, gatewayv1.Reason_REASON_INVALID_ARGUMENT},
	codes.FailedPrecondition: {http.StatusBadRequest, gatewayv1.Reason_REASON_INVALID_ARGUMENT},
	codes.OutOfRange:         {http.StatusBadRequest, gatewayv1.Reason_REASON_INVALID_ARGUMENT},
	codes.NotFound:           {http.StatusNotFound, gatewayv1.Reason_REASON_NOT_FOUND},
	codes.AlreadyExists:      {http.StatusConflict, gatewayv1.Reason_REASON_ALREADY_EXISTS},
	codes.Aborted:            {http.StatusConflict, gatewayv1.Reason_REASON_ALREADY_EXISTS},
	codes.Unavailable:        {http.StatusServiceUnavailable, gatewayv1.Reason_REASON_UNAVAILABLE},
	codes.DeadlineExceeded:   {http.StatusServiceUnavailable, gatewayv1.Reason_REASON_TIMEOUT},
	codes.Canceled:           {http.StatusInternalServerError, gatewayv1.Reason_REASON_TIMEOUT},
	codes.Unimplemented:      {http.StatusInternalServerError, gatewayv1.Reason_REASON_METHOD_NOT_ALLOWED},
}

// HTTPStatus maps a gRPC code to the HTTP status of the edge's contract.
func HTTPStatus(c codes.Code) int {
	if m, ok := byCode[c]; ok {
		return m.status
	}
	return http.StatusInternalServerError
}

func fallbackReason(c codes.Code) gatewayv1.Reason {
	if m, ok := byCode[c]; ok {
		return m.reason
	}
	return gatewayv1.Reason_REASON_INTERNAL
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
		msg = cmp.Or(fixedText(reason), fixedText(fallbackReason(st.Code())))
	}
	body := newBody(st.Code(), reason, msg)
	if d, ok := errinfo.RetryAfter(err); ok {
		body.RetryAfter = max(1, int((d+time.Second-1)/time.Second))
	}
	return HTTPStatus(st.Code()), body
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
	if body.RetryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(body.RetryAfter))
	}
	if httpStatus == http.StatusUnauthorized {
		// RFC 9110: a 401 names the scheme the client should use.
		h.Set("WWW-Authenticate", `Bearer realm="futugw"`)
	}
	w.WriteHeader(httpStatus)
	_ = json.NewEncoder(w).Encode(body)
}

// Readable returns the human sentence for an error: a fixed text for reasons whose
// message is not meant for end users (authentication failures, outages), otherwise
// the service's own message, which explains e.g. which scope or limit refused the call.
func Readable(c codes.Code, reason gatewayv1.Reason, msg string) string {
	if s := fixedText(reason); s != "" {
		return s
	}
	if msg != "" {
		return msg
	}
	return c.String()
}

func fixedText(reason gatewayv1.Reason) string {
	switch reason {
	case gatewayv1.Reason_REASON_MISSING_KEY:
		return "no API key was sent; log in and send it as Authorization: Bearer <key>"
	case gatewayv1.Reason_REASON_MALFORMED_KEY:
		return "the API key is malformed, please log in again"
	case gatewayv1.Reason_REASON_INVALID_KEY:
		return "session expired or invalid key, please log in again"
	case gatewayv1.Reason_REASON_EXPIRED_KEY:
		return "session expired, please log in again"
	case gatewayv1.Reason_REASON_REVOKED_KEY:
		return "this key was revoked, please log in again"
	case gatewayv1.Reason_REASON_REDIS_UNAVAILABLE:
		return "the key store is unavailable, please retry shortly"
	case gatewayv1.Reason_REASON_AUTH_UNAVAILABLE:
		return "the authentication service is unavailable, please retry shortly"
	case gatewayv1.Reason_REASON_UNAVAILABLE:
		return "the service is unavailable, please retry shortly"
	case gatewayv1.Reason_REASON_TIMEOUT:
		return "the service did not answer in time, please retry"
	case gatewayv1.Reason_REASON_PAYLOAD_TOO_LARGE:
		return "the request body is too large"
	case gatewayv1.Reason_REASON_AUTH_RATE_LIMITED:
		return "too many failed logins from here or with this key; wait a minute and log in again"
	case gatewayv1.Reason_REASON_ORIGIN_NOT_ALLOWED:
		return "this origin is not allowed to call the API"
	case gatewayv1.Reason_REASON_INTERNAL:
		return "internal error"
	case gatewayv1.Reason_REASON_OPEND_UNAVAILABLE:
		return "OpenD is not connected or did not answer, please retry shortly"
	}
	return ""
}
