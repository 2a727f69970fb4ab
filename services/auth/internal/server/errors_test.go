package server

import (
	"context"
	"fmt"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/services/auth/internal/keys"
	"github.com/futugw/gateway/services/auth/internal/manage"
	"github.com/futugw/gateway/services/auth/internal/store"
)

func TestToStatus(t *testing.T) {
	tests := []struct {
		err    error
		self   bool
		code   codes.Code
		reason gatewayv1.Reason
	}{
		{&keys.InvalidError{Problems: []keys.FieldError{{Field: "scopes", Msg: "x"}}}, false, codes.InvalidArgument, gatewayv1.Reason_REASON_INVALID_ARGUMENT},
		{&keys.PolicyError{Rule: "trade_real_max_ttl", Msg: "x"}, false, codes.InvalidArgument, gatewayv1.Reason_REASON_POLICY_VIOLATION},
		{&keys.PolicyError{Rule: "session_wider_than_parent", Msg: "x"}, true, codes.InvalidArgument, gatewayv1.Reason_REASON_POLICY_VIOLATION},
		{&keys.PolicyError{Rule: "logout_not_session", Msg: "x"}, true, codes.FailedPrecondition, gatewayv1.Reason_REASON_POLICY_VIOLATION},
		{manage.ErrAlreadyRefreshed, true, codes.FailedPrecondition, gatewayv1.Reason_REASON_ALREADY_REFRESHED},
		{store.ErrIDTaken, false, codes.AlreadyExists, gatewayv1.Reason_REASON_ALREADY_EXISTS},
		{store.ErrNotFound, false, codes.NotFound, gatewayv1.Reason_REASON_NOT_FOUND},
		{store.ErrNotFound, true, codes.Unauthenticated, gatewayv1.Reason_REASON_EXPIRED_KEY},
		{store.ErrRevoked, true, codes.Unauthenticated, gatewayv1.Reason_REASON_REVOKED_KEY},
		{store.ErrParentGone, true, codes.Unauthenticated, gatewayv1.Reason_REASON_REVOKED_KEY},
		{fmt.Errorf("%w: boom", store.ErrUnavailable), false, codes.Unavailable, gatewayv1.Reason_REASON_REDIS_UNAVAILABLE},
		{context.DeadlineExceeded, false, codes.DeadlineExceeded, gatewayv1.Reason_REASON_UNSPECIFIED},
		{fmt.Errorf("other"), false, codes.Internal, gatewayv1.Reason_REASON_INTERNAL},
		{errinfo.New(codes.Unauthenticated, gatewayv1.Reason_REASON_INVALID_KEY, "x"), true, codes.Unauthenticated, gatewayv1.Reason_REASON_INVALID_KEY},
	}
	for _, tt := range tests {
		got := toStatus(tt.err, tt.self)
		if status.Code(got) != tt.code || errinfo.Reason(got) != tt.reason {
			t.Errorf("toStatus(%v, %v) = %v %q; want %v %q", tt.err, tt.self, status.Code(got), errinfo.Reason(got), tt.code, tt.reason)
		}
	}
}

// The domain's key hashing and format must equal the interceptor's.
func TestKeysMatchAuthn(t *testing.T) {
	tok, hash, _ := keys.Generate(nil)
	if authn.HashToken(tok) != hash {
		t.Error("keys.Hash differs from authn.HashToken")
	}
	if _, err := authn.ParseBearer("Bearer " + tok); err != nil {
		t.Errorf("authn refuses a generated key: %v", err)
	}
}

func TestParseExpires(t *testing.T) {
	for _, s := range []string{"x", "-1m", "0s"} {
		if _, err := parseExpires(s); status.Code(err) != codes.InvalidArgument {
			t.Errorf("parseExpires(%q) = %v", s, err)
		}
	}
	if d, err := parseExpires(""); d != 0 || err != nil {
		t.Errorf("empty = %v %v", d, err)
	}
}

// A fault's detail stays in the log: the caller reads a fixed text.
func TestToStatusHidesFaults(t *testing.T) {
	got := status.Convert(toStatus(fmt.Errorf("dial tcp 10.0.0.7:6379: refused"), false))
	if got.Code() != codes.Internal || got.Message() != errinfo.InternalText {
		t.Fatalf("toStatus = %v %q", got.Code(), got.Message())
	}
}
