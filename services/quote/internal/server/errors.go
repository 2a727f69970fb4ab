package server

import (
	"context"
	"errors"

	"github.com/futugw/gateway/opend/envelope"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/services/quote/internal/fanout"
	"github.com/futugw/gateway/services/quote/internal/subs"
	"github.com/futugw/gateway/services/quote/internal/upstream"
	"google.golang.org/grpc/codes"
)

// Reasons of this service's errors (the errinfo vocabulary lacks them).
const (
	ReasonQuotaExceeded    = "quota_exceeded"
	ReasonOpenDUnavailable = "opend_unavailable"
	ReasonOpenDRefused     = "opend_refused"
	ReasonStreamOverflow   = "stream_overflow"
	ReasonShuttingDown     = "shutting_down"
)

func invalid(msg string) error {
	return errinfo.New(codes.InvalidArgument, errinfo.InvalidArgument, msg)
}

// toStatus maps domain and OpenD errors to gRPC statuses with a stable reason.
func toStatus(err error) error {
	var qe *subs.QuotaError
	var ee *envelope.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &qe):
		return errinfo.New(codes.ResourceExhausted, ReasonQuotaExceeded, qe.Error())
	case upstream.Unavailable(err), errors.Is(err, subs.ErrClosed):
		return errinfo.New(codes.Unavailable, ReasonOpenDUnavailable, "OpenD is not connected; retry shortly")
	case errors.Is(err, context.DeadlineExceeded):
		return errinfo.New(codes.Unavailable, ReasonOpenDUnavailable, "OpenD did not answer in time")
	case errors.Is(err, context.Canceled):
		return errinfo.New(codes.Canceled, "", "request cancelled")
	case errors.As(err, &ee):
		return errinfo.Newf(codes.FailedPrecondition, ReasonOpenDRefused, "OpenD refused the request: %s", ee.Error())
	case errors.Is(err, fanout.ErrShuttingDown):
		return errinfo.New(codes.Unavailable, ReasonShuttingDown, "the quote service is shutting down; reconnect")
	case errors.Is(err, fanout.ErrOverflow):
		return errinfo.New(codes.ResourceExhausted, ReasonStreamOverflow, err.Error())
	}
	return errinfo.New(codes.Internal, errinfo.Internal, err.Error())
}
