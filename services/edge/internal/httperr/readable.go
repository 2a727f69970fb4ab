package httperr

import (
	"google.golang.org/grpc/codes"

	"github.com/futugw/gateway/platform/errinfo"
)

// Readable returns the human sentence for an error: a fixed text for reasons whose
// message is not meant for end users (authentication failures, outages), otherwise
// the service's own message, which explains e.g. which scope or limit refused the call.
func Readable(c codes.Code, reason, msg string) string {
	if s := fixedText(reason); s != "" {
		return s
	}
	if msg != "" {
		return msg
	}
	return c.String()
}

func fixedText(reason string) string {
	switch reason {
	case errinfo.MissingKey:
		return "no API key was sent; log in and send it as Authorization: Bearer <key>"
	case errinfo.MalformedKey:
		return "the API key is malformed, please log in again"
	case errinfo.InvalidKey:
		return "session expired or invalid key, please log in again"
	case errinfo.ExpiredKey:
		return "session expired, please log in again"
	case errinfo.RevokedKey:
		return "this key was revoked, please log in again"
	case errinfo.RedisUnavailable:
		return "the key store is unavailable, please retry shortly"
	case errinfo.AuthUnavailable:
		return "the authentication service is unavailable, please retry shortly"
	case ReasonUnavailable:
		return "the service is unavailable, please retry shortly"
	case ReasonTimeout:
		return "the service did not answer in time, please retry"
	case ReasonPayloadTooLarge:
		return "the request body is too large"
	case ReasonAuthRateLimited:
		return "too many failed logins from here or with this key; wait a minute and log in again"
	case ReasonOriginNotAllowed:
		return "this origin is not allowed to call the API"
	case errinfo.Internal:
		return "internal error"
	case errinfo.OpenDUnavailable:
		return "OpenD is not connected or did not answer, please retry shortly"
	}
	return ""
}
