package server

import (
	"context"
	"errors"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/services/auth/internal/keys"
	"github.com/futugw/gateway/services/auth/internal/manage"
	"github.com/futugw/gateway/services/auth/internal/store"
)

// toStatus maps a domain or store error. self says the missing key is the caller's
// own (a session operation), which makes it Unauthenticated rather than NotFound.
func toStatus(err error, self bool) error {
	var ie *keys.InvalidError
	var pe *keys.PolicyError
	if _, ok := status.FromError(err); ok {
		return err // refused already with its reason (the store's validations)
	}
	switch {
	case errors.As(err, &ie):
		return errinfo.New(codes.InvalidArgument, gatewayv1.Reason_REASON_INVALID_ARGUMENT, ie.Error())
	case errors.As(err, &pe):
		c := codes.InvalidArgument
		switch pe.Rule {
		case "refresh_not_session", "logout_not_session", "session_from_session", "session_lifetime":
			c = codes.FailedPrecondition
		}
		return errinfo.New(c, gatewayv1.Reason_REASON_POLICY_VIOLATION, pe.Msg)
	case errors.Is(err, manage.ErrAlreadyRefreshed):
		return errinfo.New(codes.FailedPrecondition, gatewayv1.Reason_REASON_ALREADY_REFRESHED, err.Error())
	case errors.Is(err, store.ErrIDTaken):
		return errinfo.New(codes.AlreadyExists, gatewayv1.Reason_REASON_ALREADY_EXISTS, "a key with this id already exists; pick another id or revoke the old key")
	case errors.Is(err, store.ErrParentGone):
		return errinfo.New(codes.Unauthenticated, gatewayv1.Reason_REASON_REVOKED_KEY, "the session's parent key was revoked or expired")
	case self && errors.Is(err, store.ErrRevoked):
		return errinfo.New(codes.Unauthenticated, gatewayv1.Reason_REASON_REVOKED_KEY, "the API key was revoked")
	case self && (errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrExpired)):
		return errinfo.New(codes.Unauthenticated, gatewayv1.Reason_REASON_EXPIRED_KEY, "the API key has expired")
	case errors.Is(err, store.ErrNotFound):
		return errinfo.New(codes.NotFound, gatewayv1.Reason_REASON_NOT_FOUND, "no key with this id")
	case errors.Is(err, store.ErrUnavailable):
		return errinfo.New(codes.Unavailable, gatewayv1.Reason_REASON_REDIS_UNAVAILABLE, "key store unavailable, try again")
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return status.FromContextError(err).Err()
	}
	return errinfo.Internal(err)
}

// parseExpires reads a Go duration; "" means the default of the operation.
func parseExpires(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, errinfo.New(codes.InvalidArgument, gatewayv1.Reason_REASON_INVALID_ARGUMENT,
			"expires_in: not a duration (examples: 30m, 8h, 720h)")
	}
	if d <= 0 {
		return 0, errinfo.New(codes.InvalidArgument, gatewayv1.Reason_REASON_INVALID_ARGUMENT, "expires_in: must be positive")
	}
	return d, nil
}

func checkID(id string) error {
	if err := keys.CheckID(id); err != nil {
		return errinfo.New(codes.InvalidArgument, gatewayv1.Reason_REASON_INVALID_ARGUMENT, err.Error())
	}
	return nil
}
