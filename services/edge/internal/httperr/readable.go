package httperr

import (
	"google.golang.org/grpc/codes"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
)

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
