package server

import (
	"context"
	"errors"
	"fmt"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/services/order/internal/idem"
	"github.com/futugw/gateway/services/order/internal/limits"
	"github.com/futugw/gateway/services/order/internal/placer"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// redisDownText is what a caller learns of a Redis failure (the driver's error may
// name an address).
const redisDownText = "the order store (Redis) is unavailable; retry shortly"

// refusalCodes are the statuses of the kinds of refusal.
var refusalCodes = map[limits.Kind]codes.Code{
	limits.KindDenied: codes.PermissionDenied, limits.KindInvalid: codes.InvalidArgument,
	limits.KindExhausted: codes.ResourceExhausted, limits.KindUnavailable: codes.Unavailable,
}

// toStatus maps a domain error to a gRPC status with its reason. Context errors and
// faults get fixed texts: their detail (an address, a driver's error) is not the
// caller's; errinfo.Internal keeps a fault's cause for the log.
func toStatus(err error) error {
	if err == nil {
		return nil
	}
	if r, ok := limits.AsRefusal(err); ok {
		c, ok := refusalCodes[r.Kind]
		if !ok {
			c = codes.Internal
		}
		if r.Reason == gatewayv1.Reason_REASON_REDIS_UNAVAILABLE {
			return errinfo.Fault(c, r.Reason, redisDownText, err)
		}
		return errinfo.New(c, r.Reason, r.Msg)
	}
	if e, ok := placer.AsError(err); ok {
		c := codes.Unavailable
		switch e.Kind {
		case placer.KindRateLimited:
			c = codes.ResourceExhausted
		case placer.KindInvalid:
			c = codes.InvalidArgument
		case placer.KindRejected, placer.KindLocked:
			c = codes.FailedPrecondition
		}
		return errinfo.New(c, e.Reason, e.Msg)
	}
	switch {
	case errors.Is(err, idem.ErrConflict):
		return errinfo.New(codes.AlreadyExists, gatewayv1.Reason_REASON_IDEMPOTENCY_CONFLICT, err.Error())
	case errors.Is(err, idem.ErrPending):
		return errinfo.New(codes.Aborted, gatewayv1.Reason_REASON_IDEMPOTENCY_PENDING, err.Error())
	case errors.Is(err, context.DeadlineExceeded):
		return status.Error(codes.DeadlineExceeded, "the order service did not finish in time")
	case errors.Is(err, context.Canceled):
		return status.Error(codes.Canceled, "request cancelled")
	}
	if _, ok := status.FromError(err); ok {
		return err
	}
	return errinfo.Internal(err)
}

// reasonOf is the metric/audit reason of err ("" for success).
func reasonOf(err error) string {
	if err == nil {
		return ""
	}
	if r := errinfo.ReasonCode(toStatus(err)); r != "" {
		return r
	}
	return status.Code(toStatus(err)).String()
}

func invalid(format string, args ...any) error {
	return &limits.Refusal{Kind: limits.KindInvalid, Reason: gatewayv1.Reason_REASON_INVALID_ORDER, Msg: fmt.Sprintf(format, args...)}
}
