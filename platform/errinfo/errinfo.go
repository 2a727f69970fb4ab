// Package errinfo attaches a stable, machine-readable reason to gRPC errors so that
// every service and the edge agree on one vocabulary (the "reason" of the REST error
// body) while the human message stays free text.
package errinfo

import (
	"errors"
	"fmt"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Domain is the ErrorInfo domain of every reason this project emits.
const Domain = "futugw"

// Reasons shared across services. They are part of the public API: clients switch on
// them, so never rename one.
const (
	MissingKey       = "missing_key"
	MalformedKey     = "malformed_key"
	InvalidKey       = "invalid_key" // unknown key
	ExpiredKey       = "expired_key"
	RevokedKey       = "revoked_key"
	ScopeDenied      = "scope_denied"
	MethodNotAllowed = "method_not_allowed"
	InvalidArgument  = "invalid_argument"
	NotFound         = "not_found"
	AlreadyExists    = "already_exists"
	PolicyViolation  = "policy_violation"
	RedisUnavailable = "redis_unavailable"
	AuthUnavailable  = "auth_unavailable"
	RateLimited      = "rate_limited"
	Internal         = "internal"
)

// New returns a status error with code c and message msg, carrying an
// errdetails.ErrorInfo{Reason: reason, Domain: Domain}.
func New(c codes.Code, reason, msg string) error {
	st := status.New(c, msg)
	if reason == "" {
		return st.Err()
	}
	withInfo, err := st.WithDetails(&errdetails.ErrorInfo{Reason: reason, Domain: Domain})
	if err != nil {
		// Only fails when marshalling ErrorInfo fails, which it cannot; keep the status.
		return st.Err()
	}
	return withInfo.Err()
}

// Newf is New with a formatted message.
func Newf(c codes.Code, reason, format string, args ...any) error {
	return New(c, reason, fmt.Sprintf(format, args...))
}

// Reason returns the ErrorInfo reason carried by err (through wrapping), or "" when
// err is nil, not a status error, or has no ErrorInfo.
func Reason(err error) string {
	if err == nil {
		return ""
	}
	st, ok := statusOf(err)
	if !ok {
		return ""
	}
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			return info.GetReason()
		}
	}
	return ""
}

// statusOf finds a gRPC status in err or anything it wraps.
func statusOf(err error) (*status.Status, bool) {
	var se interface{ GRPCStatus() *status.Status }
	if errors.As(err, &se) {
		if st := se.GRPCStatus(); st != nil {
			return st, true
		}
	}
	return nil, false
}
