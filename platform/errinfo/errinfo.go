// Package errinfo is the one Go accessor of the refusal reasons declared in
// api/proto/futu/gateway/v1/errors.proto: it attaches a reason to gRPC errors as a
// google.rpc.ErrorInfo, reads it back, and spells it on the wire, so every service and
// the edge agree on one vocabulary (the "reason" of the REST error body) while the
// human message stays free text.
package errinfo

import (
	"fmt"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
)

// Domain is the ErrorInfo domain of every reason this project emits.
const Domain = "futugw"

// New returns a status error with code c and message msg, carrying an
// errdetails.ErrorInfo{Reason: Code(r), Domain: Domain}; REASON_UNSPECIFIED attaches none.
func New(c codes.Code, r gatewayv1.Reason, msg string) error {
	st := status.New(c, msg)
	if code := Code(r); code != "" {
		// WithDetails fails only when marshalling ErrorInfo fails, which it cannot.
		if withInfo, err := st.WithDetails(&errdetails.ErrorInfo{Reason: code, Domain: Domain}); err == nil {
			return withInfo.Err()
		}
	}
	return st.Err()
}

// Newf is New with a formatted message.
func Newf(c codes.Code, r gatewayv1.Reason, format string, args ...any) error {
	return New(c, r, fmt.Sprintf(format, args...))
}

// Reason returns the reason carried by err (through wrapping), or REASON_UNSPECIFIED
// when err is nil, not a status error, or carries no ErrorInfo of ours.
func Reason(err error) gatewayv1.Reason {
	st, _ := status.FromError(err) // nil, or Unknown without details, when err carries no status
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok && info.GetDomain() == Domain {
			return Parse(info.GetReason())
		}
	}
	return gatewayv1.Reason_REASON_UNSPECIFIED
}

// NewRetry is New with a google.rpc.RetryInfo saying when the call may succeed: the
// edge answers it with a Retry-After header and a retry_after field (seconds).
func NewRetry(c codes.Code, r gatewayv1.Reason, msg string, after time.Duration) error {
	err := New(c, r, msg)
	st, _ := status.FromError(err)
	if withRetry, e := st.WithDetails(&errdetails.RetryInfo{RetryDelay: durationpb.New(after)}); e == nil {
		return withRetry.Err()
	}
	return err
}

// RetryAfter returns the RetryInfo delay err carries, false when it carries none.
func RetryAfter(err error) (time.Duration, bool) {
	st, _ := status.FromError(err)
	for _, d := range st.Details() {
		if ri, ok := d.(*errdetails.RetryInfo); ok && ri.GetRetryDelay() != nil {
			return ri.GetRetryDelay().AsDuration(), true
		}
	}
	return 0, false
}
