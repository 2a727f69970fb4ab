package server

import (
	"context"
	"errors"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/opend/envelope"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/services/quote/internal/quotefanout"
	"github.com/futugw/gateway/services/quote/internal/readguard"
	"github.com/futugw/gateway/services/quote/internal/subs"
	"github.com/futugw/gateway/services/quote/internal/upstream"
	"google.golang.org/grpc/codes"
)

func invalid(msg string) error {
	return errinfo.New(codes.InvalidArgument, gatewayv1.Reason_REASON_INVALID_ARGUMENT, msg)
}

// toStatus maps domain and OpenD errors to gRPC statuses with a stable reason; any
// other error is a fault whose detail the caller never sees (errinfo.Internal).
func toStatus(err error) error {
	var qe *subs.QuotaError
	var ee *envelope.Error
	var re *readguard.RateLimitedError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &re):
		return errinfo.NewRetry(codes.ResourceExhausted, gatewayv1.Reason_REASON_RATE_LIMITED, re.Error(), re.RetryAfter)
	case errors.As(err, &qe):
		return errinfo.New(codes.ResourceExhausted, gatewayv1.Reason_REASON_QUOTA_EXCEEDED, qe.Error())
	case upstream.Unavailable(err), errors.Is(err, subs.ErrClosed):
		return errinfo.New(codes.Unavailable, gatewayv1.Reason_REASON_OPEND_UNAVAILABLE, "OpenD is not connected; retry shortly")
	case errors.Is(err, context.DeadlineExceeded):
		return errinfo.New(codes.Unavailable, gatewayv1.Reason_REASON_OPEND_UNAVAILABLE, "OpenD did not answer in time")
	case errors.Is(err, context.Canceled):
		return errinfo.New(codes.Canceled, gatewayv1.Reason_REASON_UNSPECIFIED, "request cancelled")
	case errors.As(err, &ee):
		return errinfo.Newf(codes.FailedPrecondition, gatewayv1.Reason_REASON_OPEND_REFUSED, "OpenD refused the request: %s", ee.Error())
	case errors.Is(err, quotefanout.ErrShuttingDown):
		return errinfo.New(codes.Unavailable, gatewayv1.Reason_REASON_SHUTTING_DOWN, "the quote service is shutting down; reconnect")
	case errors.Is(err, quotefanout.ErrOverflow):
		return errinfo.New(codes.ResourceExhausted, gatewayv1.Reason_REASON_STREAM_OVERFLOW, err.Error())
	}
	return errinfo.Internal(err)
}
