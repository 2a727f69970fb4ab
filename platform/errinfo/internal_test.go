package errinfo

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
)

const secretDetail = "dial tcp 10.0.0.5:6379: connection refused"

func TestInternalSendsTheFixedTextOnly(t *testing.T) {
	err := Internal(errors.New(secretDetail))
	st := status.Convert(err)
	if st.Code() != codes.Internal || st.Message() != InternalText {
		t.Fatalf("status = %v %q", st.Code(), st.Message())
	}
	if strings.Contains(st.Proto().String(), "10.0.0.5") {
		t.Fatalf("the cause reached the wire: %v", st.Proto())
	}
	if ReasonCode(err) != "internal" {
		t.Fatalf("reason = %q", ReasonCode(err))
	}
}

func TestFaultKeepsCodeReasonAndCause(t *testing.T) {
	cause := errors.New(secretDetail)
	err := Fault(codes.Unavailable, gatewayv1.Reason_REASON_REDIS_UNAVAILABLE, "the store is unavailable", cause)
	if st := status.Convert(err); st.Code() != codes.Unavailable || st.Message() != "the store is unavailable" {
		t.Fatalf("status = %v %q", st.Code(), st.Message())
	}
	if Reason(err) != gatewayv1.Reason_REASON_REDIS_UNAVAILABLE || !errors.Is(err, cause) {
		t.Fatalf("reason %v, cause kept %t", Reason(err), errors.Is(err, cause))
	}
}

func TestInterceptorsLogTheCause(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	fail := Internal(errors.New(secretDetail))

	_, err := UnaryServerInterceptor(log)(context.Background(), nil, &grpc.UnaryServerInfo{FullMethod: "/x.Y/Unary"},
		func(context.Context, any) (any, error) { return nil, fail })
	if status.Convert(err).Message() != InternalText {
		t.Fatalf("unary returned %v", err)
	}
	err = StreamServerInterceptor(log)(nil, nil, &grpc.StreamServerInfo{FullMethod: "/x.Y/Stream"},
		func(any, grpc.ServerStream) error { return fail })
	if status.Convert(err).Message() != InternalText {
		t.Fatalf("stream returned %v", err)
	}
	for _, m := range []string{"/x.Y/Unary", "/x.Y/Stream"} {
		if !strings.Contains(buf.String(), m) {
			t.Errorf("no log line for %s: %s", m, buf.String())
		}
	}
	if strings.Count(buf.String(), secretDetail) != 2 {
		t.Errorf("the cause is not logged once per call: %s", buf.String())
	}
}

func TestInterceptorIgnoresClientErrors(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	_, _ = UnaryServerInterceptor(log)(context.Background(), nil, &grpc.UnaryServerInfo{FullMethod: "/x.Y/Z"},
		func(context.Context, any) (any, error) {
			return nil, New(codes.InvalidArgument, gatewayv1.Reason_REASON_INVALID_ARGUMENT, "bad")
		})
	if buf.Len() != 0 {
		t.Fatalf("logged a client error: %s", buf.String())
	}
}
