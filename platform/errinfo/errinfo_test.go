package errinfo

import (
	"errors"
	"fmt"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestNewCarriesCodeMessageReasonDomain(t *testing.T) {
	err := New(codes.Unauthenticated, ExpiredKey, "this key expired")
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
	if info == nil || info.GetReason() != ExpiredKey || info.GetDomain() != Domain {
		t.Fatalf("ErrorInfo = %v", info)
	}
}

func TestReason(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"nil", nil, ""},
		{"plain error", errors.New("boom"), ""},
		{"status without details", status.Error(codes.Internal, "x"), ""},
		{"with reason", New(codes.PermissionDenied, ScopeDenied, "no"), ScopeDenied},
		{"formatted", Newf(codes.ResourceExhausted, RateLimited, "%d per minute", 10), RateLimited},
		{"wrapped", fmt.Errorf("calling auth: %w", New(codes.Unavailable, AuthUnavailable, "down")), AuthUnavailable},
		{"empty reason", New(codes.Internal, "", "x"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Reason(tt.err); got != tt.want {
				t.Fatalf("Reason = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNewfFormats(t *testing.T) {
	err := Newf(codes.InvalidArgument, InvalidArgument, "field %s: %v", "scopes", "unknown scope")
	if got := status.Convert(err).Message(); got != "field scopes: unknown scope" {
		t.Fatalf("message = %q", got)
	}
}

func TestReasonSurvivesTheWire(t *testing.T) {
	// What a client sees: the status rebuilt from its proto form.
	err := New(codes.Unauthenticated, RevokedKey, "revoked")
	back := status.FromProto(status.Convert(err).Proto()).Err()
	if got := Reason(back); got != RevokedKey {
		t.Fatalf("Reason after round trip = %q", got)
	}
}
