package server

import (
	"context"
	"fmt"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/services/auth/internal/keys"
	"github.com/futugw/gateway/services/auth/internal/store"
)

func TestToStatus(t *testing.T) {
	tests := []struct {
		err    error
		self   bool
		code   codes.Code
		reason string
	}{
		{&keys.InvalidError{Problems: []keys.FieldError{{Field: "scopes", Msg: "x"}}}, false, codes.InvalidArgument, errinfo.InvalidArgument},
		{&keys.PolicyError{Rule: "trade_real_max_ttl", Msg: "x"}, false, codes.InvalidArgument, errinfo.PolicyViolation},
		{&keys.PolicyError{Rule: "session_wider_than_parent", Msg: "x"}, true, codes.InvalidArgument, errinfo.PolicyViolation},
		{&keys.PolicyError{Rule: "logout_not_session", Msg: "x"}, true, codes.FailedPrecondition, errinfo.PolicyViolation},
		{store.ErrIDTaken, false, codes.AlreadyExists, errinfo.AlreadyExists},
		{store.ErrNotFound, false, codes.NotFound, errinfo.NotFound},
		{store.ErrNotFound, true, codes.Unauthenticated, errinfo.ExpiredKey},
		{store.ErrRevoked, true, codes.Unauthenticated, errinfo.RevokedKey},
		{store.ErrParentGone, true, codes.Unauthenticated, errinfo.RevokedKey},
		{fmt.Errorf("%w: boom", store.ErrUnavailable), false, codes.Unavailable, errinfo.RedisUnavailable},
		{context.DeadlineExceeded, false, codes.DeadlineExceeded, ""},
		{fmt.Errorf("other"), false, codes.Internal, errinfo.Internal},
	}
	for _, tt := range tests {
		got := toStatus(tt.err, tt.self)
		if status.Code(got) != tt.code || errinfo.Reason(got) != tt.reason {
			t.Errorf("toStatus(%v, %v) = %v %q; want %v %q", tt.err, tt.self, status.Code(got), errinfo.Reason(got), tt.code, tt.reason)
		}
	}
}

// The domain's scope names must equal the interceptor's.
func TestScopesMatchAuthn(t *testing.T) {
	pairs := [][2]string{{keys.ScopeQotRead, authn.ScopeQotRead}, {keys.ScopeAccRead, authn.ScopeAccRead},
		{keys.ScopeTradeSimulate, authn.ScopeTradeSimulate}, {keys.ScopeTradeReal, authn.ScopeTradeReal}, {keys.ScopeAdmin, authn.ScopeAdmin}}
	for _, p := range pairs {
		if p[0] != p[1] || !authn.KnownScope(p[0]) {
			t.Errorf("scope %q vs %q", p[0], p[1])
		}
	}
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
