package errinfo

import (
	"context"
	"errors"
	"log/slog"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/obs"
)

// InternalText is all a caller learns of a fault on the gateway's side: the cause may
// name an internal address or a driver's error.
const InternalText = "internal error"

// Internal hides err from the caller, who gets codes.Internal, reason internal and
// InternalText; see Fault.
func Internal(err error) error {
	return Fault(codes.Internal, gatewayv1.Reason_REASON_INTERNAL, InternalText, err)
}

// Fault is a failure on the gateway's side whose cause (an address, a driver's error)
// is not the caller's business: the caller gets code c, reason r and the fixed text;
// the cause stays in the returned error (errors.Unwrap) for the server's log, which
// the interceptors of this package write. Return it from the handler as is: wrapping
// it again would put the cause back into the message gRPC sends.
func Fault(c codes.Code, r gatewayv1.Reason, text string, cause error) error {
	return &faultError{st: status.Convert(New(c, r, text)), cause: cause}
}

type faultError struct {
	st    *status.Status
	cause error
}

func (e *faultError) Error() string { return e.st.Message() + ": " + e.cause.Error() }
func (e *faultError) Unwrap() error { return e.cause }

// GRPCStatus is what gRPC sends: the fixed text, never the cause.
func (e *faultError) GRPCStatus() *status.Status { return e.st }

// UnaryServerInterceptor logs the cause of every Fault a handler returns.
func UnaryServerInterceptor(log *slog.Logger) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		resp, err := handler(ctx, req)
		logFault(log, info.FullMethod, err)
		return resp, err
	}
}

// StreamServerInterceptor logs the cause of every Fault a stream returns.
func StreamServerInterceptor(log *slog.Logger) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		err := handler(srv, ss)
		logFault(log, info.FullMethod, err)
		return err
	}
}

func logFault(log *slog.Logger, method string, err error) {
	var f *faultError
	if log != nil && errors.As(err, &f) {
		log.Error("call failed", "method", method, "code", f.st.Code().String(),
			"reason", ReasonCode(f), obs.Err(f.cause))
	}
}
