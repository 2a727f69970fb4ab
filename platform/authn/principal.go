package authn

import (
	"cmp"
	"context"
	"slices"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/errinfo"
	"google.golang.org/grpc/codes"
)

// Principal is the authenticated caller: the key's record, never the key itself.
// A Principal returned by a Validator may be shared between calls (the Cache hands out
// the same value); treat it as read-only.
type Principal struct {
	KeyID     string
	ParentID  string // set on session keys
	Scopes    []string
	Limits    *gatewayv1.KeyLimits // nil = unlimited
	CreatedAt time.Time
	ExpiresAt time.Time // zero = never expires
	TokenHash string    // HashToken of the key, to revoke or log out this very key
	SessionID string    // stable across session refreshes; see Session
}

// Session names the caller's session: the id shared by a session key and the keys that
// refreshed it, or the key's own id for a key that is not a session key. Per-session
// state (quote subscriptions) is keyed by it.
func (p *Principal) Session() string {
	return cmp.Or(p.SessionID, p.KeyID)
}

// Owner names the key whose counted order limits and idempotency keys the caller
// shares: a session key's parent (so refreshing a session or opening another one
// starts no fresh daily total, per-minute window or idempotency space), else the key
// itself.
func (p *Principal) Owner() string {
	return cmp.Or(p.ParentID, p.KeyID)
}

// Has reports whether the key carries scope exactly (admin does not imply others).
func (p *Principal) Has(scope string) bool {
	return p != nil && slices.Contains(p.Scopes, scope)
}

type principalKey struct{}

// NewContext returns ctx carrying p.
func NewContext(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the Principal put in ctx by the interceptors, or an
// Unauthenticated status error when there is none (a handler reached without
// authentication must not proceed).
func FromContext(ctx context.Context) (*Principal, error) {
	if p, ok := ctx.Value(principalKey{}).(*Principal); ok && p != nil {
		return p, nil
	}
	return nil, errinfo.New(codes.Unauthenticated, gatewayv1.Reason_REASON_MISSING_KEY, "this call is not authenticated")
}
