package errinfo

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
)

func TestNewCarriesCodeMessageReasonDomain(t *testing.T) {
	err := New(codes.Unauthenticated, gatewayv1.Reason_REASON_EXPIRED_KEY, "this key expired")
	st, ok := status.FromError(err)
	if !ok {
		t.Fatalf("not a status error: %v", err)
	}
	if st.Code() != codes.Unauthenticated || st.Message() != "this key expired" {
		t.Fatalf("got %v %q", st.Code(), st.Message())
	}
	var info *errdetails.ErrorInfo
	for _, d := range st.Details() {
		if i, ok := d.(*errdetails.ErrorInfo); ok {
			info = i
		}
	}
	if info == nil || info.GetReason() != "expired_key" || info.GetDomain() != Domain {
		t.Fatalf("ErrorInfo = %v", info)
	}
}

func TestNewWithoutReasonAttachesNoInfo(t *testing.T) {
	st := status.Convert(New(codes.Canceled, gatewayv1.Reason_REASON_UNSPECIFIED, "x"))
	if len(st.Details()) != 0 {
		t.Fatalf("details = %v", st.Details())
	}
}

func TestReason(t *testing.T) {
	foreign, _ := status.New(codes.Internal, "x").WithDetails(&errdetails.ErrorInfo{Reason: "internal", Domain: "example.com"})
	unknown, _ := status.New(codes.Internal, "x").WithDetails(&errdetails.ErrorInfo{Reason: "no_such_reason", Domain: Domain})
	tests := []struct {
		name string
		err  error
		want gatewayv1.Reason
	}{
		{"nil", nil, gatewayv1.Reason_REASON_UNSPECIFIED},
		{"plain error", errors.New("boom"), gatewayv1.Reason_REASON_UNSPECIFIED},
		{"status without details", status.Error(codes.Internal, "x"), gatewayv1.Reason_REASON_UNSPECIFIED},
		{"with reason", New(codes.PermissionDenied, gatewayv1.Reason_REASON_SCOPE_DENIED, "no"), gatewayv1.Reason_REASON_SCOPE_DENIED},
		{"formatted", Newf(codes.ResourceExhausted, gatewayv1.Reason_REASON_RATE_LIMITED, "%d per minute", 10), gatewayv1.Reason_REASON_RATE_LIMITED},
		{"wrapped", fmt.Errorf("calling auth: %w", New(codes.Unavailable, gatewayv1.Reason_REASON_AUTH_UNAVAILABLE, "down")), gatewayv1.Reason_REASON_AUTH_UNAVAILABLE},
		{"another domain", foreign.Err(), gatewayv1.Reason_REASON_UNSPECIFIED},
		{"undeclared string", unknown.Err(), gatewayv1.Reason_REASON_UNSPECIFIED},
		{"internal", Internal(errors.New("dial 10.0.0.5: refused")), gatewayv1.Reason_REASON_INTERNAL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Reason(tt.err); got != tt.want {
				t.Fatalf("Reason = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestNewfFormats(t *testing.T) {
	err := Newf(codes.InvalidArgument, gatewayv1.Reason_REASON_INVALID_ARGUMENT, "field %s: %v", "scopes", "unknown scope")
	if got := status.Convert(err).Message(); got != "field scopes: unknown scope" {
		t.Fatalf("message = %q", got)
	}
}

func TestReasonSurvivesTheWire(t *testing.T) {
	// What a client sees: the status rebuilt from its proto form.
	err := New(codes.Unauthenticated, gatewayv1.Reason_REASON_REVOKED_KEY, "revoked")
	back := status.FromProto(status.Convert(err).Proto()).Err()
	if got := ReasonCode(back); got != "revoked_key" {
		t.Fatalf("reason after round trip = %q", got)
	}
}

// A retry delay travels with the reason and reads back.
func TestNewRetry(t *testing.T) {
	err := NewRetry(codes.ResourceExhausted, gatewayv1.Reason_REASON_RATE_LIMITED, "slow down", 1500*time.Millisecond)
	if Reason(err) != gatewayv1.Reason_REASON_RATE_LIMITED {
		t.Errorf("reason %v", Reason(err))
	}
	if d, ok := RetryAfter(err); !ok || d != 1500*time.Millisecond {
		t.Errorf("RetryAfter = %v, %v", d, ok)
	}
	if _, ok := RetryAfter(New(codes.ResourceExhausted, gatewayv1.Reason_REASON_RATE_LIMITED, "x")); ok {
		t.Error("a plain error carries a retry delay")
	}
}
