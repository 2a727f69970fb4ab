package authn

import (
	"context"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/errinfo"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Validator resolves a key to its Principal. Errors are gRPC status errors made with
// errinfo: Unauthenticated with missing_key, malformed_key, invalid_key, expired_key or
// revoked_key, or Unavailable with auth_unavailable or redis_unavailable.
type Validator interface {
	Validate(ctx context.Context, token string, info CallInfo) (*Principal, error)
}

// CallInfo describes the call being authenticated, so the auth service can audit
// failures with the client address and the guarded method.
type CallInfo struct {
	Client string // end client address
	Method string // full gRPC method
}

// validateTimeout bounds a call to the auth service when the caller's context has no
// deadline of its own.
const validateTimeout = 3 * time.Second

// NewGRPCValidator returns a Validator that asks AuthService.Validate over cc.
func NewGRPCValidator(cc grpc.ClientConnInterface) Validator {
	return grpcValidator{c: gatewayv1.NewAuthServiceClient(cc)}
}

type grpcValidator struct{ c gatewayv1.AuthServiceClient }

func (g grpcValidator) Validate(ctx context.Context, token string, info CallInfo) (*Principal, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, validateTimeout)
		defer cancel()
	}
	ki, err := g.c.Validate(ctx, &gatewayv1.ValidateRequest{Key: token, Client: info.Client, Method: info.Method})
	if err != nil {
		return nil, authError(err)
	}
	p, err := PrincipalFromKeyInfo(ki)
	if err != nil {
		return nil, err
	}
	p.TokenHash = HashToken(token)
	return p, nil
}

// authError keeps the auth service's own verdicts (they carry a reason) and turns a
// transport failure into Unavailable/auth_unavailable, so callers fail closed with a
// clear cause.
func authError(err error) error {
	if errinfo.ReasonCode(err) != "" {
		return err
	}
	st := status.Convert(err)
	switch st.Code() {
	case codes.Unauthenticated:
		return errinfo.New(codes.Unauthenticated, gatewayv1.Reason_REASON_INVALID_KEY, st.Message())
	case codes.Canceled:
		return status.Error(codes.Canceled, "call canceled while validating the key")
	}
	return errinfo.Newf(codes.Unavailable, gatewayv1.Reason_REASON_AUTH_UNAVAILABLE,
		"auth service unavailable: %s", st.Message())
}

// PrincipalFromKeyInfo converts the auth service's key record. TokenHash is left
// empty; the caller knows the token.
func PrincipalFromKeyInfo(ki *gatewayv1.KeyInfo) (*Principal, error) {
	p := &Principal{
		KeyID:     ki.GetId(),
		ParentID:  ki.GetParentId(),
		SessionID: ki.GetSessionId(),
		Scopes:    ki.GetScopes(),
		Limits:    ki.GetLimits(),
	}
	var err error
	if p.CreatedAt, err = parseTime(ki.GetCreatedAt()); err != nil {
		return nil, errinfo.Newf(codes.Internal, gatewayv1.Reason_REASON_INTERNAL, "auth service sent a bad created_at: %v", err)
	}
	if p.ExpiresAt, err = parseTime(ki.GetExpiresAt()); err != nil {
		return nil, errinfo.Newf(codes.Internal, gatewayv1.Reason_REASON_INTERNAL, "auth service sent a bad expires_at: %v", err)
	}
	if p.KeyID == "" {
		return nil, errinfo.New(codes.Internal, gatewayv1.Reason_REASON_INTERNAL, "auth service sent a key record without id")
	}
	return p, nil
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339Nano, s)
}
