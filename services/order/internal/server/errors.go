package server

import (
	"context"
	"errors"

	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/services/order/internal/idem"
	"github.com/futugw/gateway/services/order/internal/limits"
	"github.com/futugw/gateway/services/order/internal/placer"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// toStatus maps a domain error to a gRPC status with its reason.
func toStatus(err error) error {
	if err == nil {
		return nil
	}
	if r, ok := limits.AsRefusal(err); ok {
		c := codes.Internal
		switch r.Kind {
		case limits.KindDenied:
			c = codes.PermissionDenied
		case limits.KindInvalid:
			c = codes.InvalidArgument
		case limits.KindExhausted:
			c = codes.ResourceExhausted
		case limits.KindUnavailable:
			c = codes.Unavailable
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
		return errinfo.New(codes.AlreadyExists, errinfo.IdempotencyConflict, err.Error())
	case errors.Is(err, idem.ErrPending):
		return errinfo.New(codes.Aborted, errinfo.IdempotencyPending, err.Error())
	case errors.Is(err, context.DeadlineExceeded):
		return errinfo.New(codes.DeadlineExceeded, "", err.Error())
	case errors.Is(err, context.Canceled):
		return errinfo.New(codes.Canceled, "", err.Error())
	}
	if _, ok := status.FromError(err); ok {
		return err
	}
	return errinfo.New(codes.Internal, errinfo.Internal, err.Error())
}

// reasonOf is the metric/audit reason of err ("" for success).
func reasonOf(err error) string {
	if err == nil {
		return ""
	}
	if r := errinfo.Reason(toStatus(err)); r != "" {
		return r
	}
	return status.Code(toStatus(err)).String()
}

func invalid(format string, args ...any) error {
	return &limits.Refusal{Kind: limits.KindInvalid, Reason: errinfo.InvalidOrder, Msg: sprintf(format, args...)}
}
