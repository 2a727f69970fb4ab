// Package server implements the AuthService gRPC API: each handler validates its
// request, reads the caller from the context, calls the manage package and maps its
// errors to status errors with errinfo reasons.
package server

import (
	"cmp"
	"context"
	"time"

	"google.golang.org/grpc/codes"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/audit"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/services/auth/internal/convert"
	"github.com/futugw/gateway/services/auth/internal/keys"
	"github.com/futugw/gateway/services/auth/internal/manage"
)

// Server is the AuthService.
type Server struct {
	gatewayv1.UnimplementedAuthServiceServer

	m         *manage.Manager
	validator authn.Validator // uncached: see Validate
	audit     *audit.Log
}

// New returns the AuthService over m. validator must not be a cache (see Validate).
func New(m *manage.Manager, validator authn.Validator, al *audit.Log) *Server {
	return &Server{m: m, validator: validator, audit: al}
}

func actor(ctx context.Context, p *authn.Principal) manage.Actor {
	return manage.Actor{KeyID: p.KeyID, Client: authn.ClientAddr(ctx)}
}

// IssueKey mints a long-lived key (admin).
func (s *Server) IssueKey(ctx context.Context, req *gatewayv1.IssueKeyRequest) (*gatewayv1.IssueKeyResponse, error) {
	p, err := authn.FromContext(ctx)
	if err != nil {
		return nil, err
	}
	ttl, err := parseExpires(req.GetExpiresIn())
	if err != nil {
		return nil, err
	}
	spec := keys.IssueSpec{ID: req.GetId(), Scopes: req.GetScopes(), Limits: convert.LimitsFromProto(req.GetLimits()),
		ExpiresIn: ttl, Note: req.GetNote(), AllowLongLivedReal: req.GetAllowLongLivedReal()}
	token, rec, err := s.m.Issue(ctx, spec, actor(ctx, p))
	if err != nil {
		return nil, toStatus(err, false)
	}
	return &gatewayv1.IssueKeyResponse{Key: token, Info: convert.KeyInfo(rec)}, nil
}

// ListKeys lists key records (admin); never plaintext.
func (s *Server) ListKeys(ctx context.Context, _ *gatewayv1.ListKeysRequest) (*gatewayv1.ListKeysResponse, error) {
	recs, err := s.m.List(ctx)
	if err != nil {
		return nil, toStatus(err, false)
	}
	out := &gatewayv1.ListKeysResponse{Keys: make([]*gatewayv1.KeyInfo, len(recs))}
	for i, r := range recs {
		out.Keys[i] = convert.KeyInfo(r)
	}
	return out, nil
}

// GetKey returns one record (admin).
func (s *Server) GetKey(ctx context.Context, req *gatewayv1.GetKeyRequest) (*gatewayv1.KeyInfo, error) {
	if err := checkID(req.GetId()); err != nil {
		return nil, err
	}
	rec, err := s.m.Get(ctx, req.GetId())
	if err != nil {
		return nil, toStatus(err, false)
	}
	return convert.KeyInfo(rec), nil
}

// RevokeKey revokes a key and its session keys (admin).
func (s *Server) RevokeKey(ctx context.Context, req *gatewayv1.RevokeKeyRequest) (*gatewayv1.RevokeKeyResponse, error) {
	p, err := authn.FromContext(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkID(req.GetId()); err != nil {
		return nil, err
	}
	if err := s.m.Revoke(ctx, req.GetId(), actor(ctx, p)); err != nil {
		return nil, toStatus(err, false)
	}
	return &gatewayv1.RevokeKeyResponse{}, nil
}

// WhoAmI describes the caller's key from its Principal, with no Redis round trip.
func (s *Server) WhoAmI(ctx context.Context, _ *gatewayv1.WhoAmIRequest) (*gatewayv1.KeyInfo, error) {
	p, err := authn.FromContext(ctx)
	if err != nil {
		return nil, err
	}
	return convert.PrincipalInfo(p), nil
}

// CreateSession exchanges the caller's key for a narrower session key.
func (s *Server) CreateSession(ctx context.Context, req *gatewayv1.CreateSessionRequest) (*gatewayv1.SessionResponse, error) {
	p, err := authn.FromContext(ctx)
	if err != nil {
		return nil, err
	}
	ttl, err := parseExpires(req.GetExpiresIn())
	if err != nil {
		return nil, err
	}
	spec := keys.SessionSpec{Scopes: req.GetScopes(), Limits: convert.LimitsFromProto(req.GetLimits()), ExpiresIn: ttl}
	return sessionResponse(s.m.CreateSession(ctx, p.TokenHash, spec, actor(ctx, p)))
}

// RefreshSession rotates the caller's session key.
func (s *Server) RefreshSession(ctx context.Context, _ *gatewayv1.RefreshSessionRequest) (*gatewayv1.SessionResponse, error) {
	p, err := authn.FromContext(ctx)
	if err != nil {
		return nil, err
	}
	return sessionResponse(s.m.Refresh(ctx, p.TokenHash, actor(ctx, p)))
}

// OpenSDKSession mints a session key for a socket of Futu's JavaScript SDK from the
// MD5 of the key its page holds (an edge's service key calls it; the catalog says so).
// The client in the request is the SDK's address, for the audit.
func (s *Server) OpenSDKSession(ctx context.Context, req *gatewayv1.OpenSDKSessionRequest) (*gatewayv1.SessionResponse, error) {
	p, err := authn.FromContext(ctx)
	if err != nil {
		return nil, err
	}
	by := manage.Actor{KeyID: p.KeyID, Client: cmp.Or(req.GetClient(), authn.ClientAddr(ctx))}
	return sessionResponse(s.m.OpenSDKSession(ctx, req.GetKeyMd5(), by))
}

func sessionResponse(token string, rec keys.Record, err error) (*gatewayv1.SessionResponse, error) {
	if err != nil {
		return nil, toStatus(err, true)
	}
	return &gatewayv1.SessionResponse{Key: token, Info: convert.KeyInfo(rec)}, nil
}

// Logout revokes the caller's session key.
func (s *Server) Logout(ctx context.Context, _ *gatewayv1.LogoutRequest) (*gatewayv1.LogoutResponse, error) {
	p, err := authn.FromContext(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.m.Logout(ctx, p.TokenHash, actor(ctx, p)); err != nil {
		return nil, toStatus(err, true)
	}
	return &gatewayv1.LogoutResponse{}, nil
}

// Validate resolves a key for other services' interceptors (public: the key is in the
// body). It deliberately bypasses this process's cache: the callers cache, and a stale
// answer from here could re-cache a key they just dropped on revocation.
func (s *Server) Validate(ctx context.Context, req *gatewayv1.ValidateRequest) (*gatewayv1.KeyInfo, error) {
	if req.GetKey() == "" {
		return nil, errinfo.New(codes.Unauthenticated, gatewayv1.Reason_REASON_MISSING_KEY, "key is required")
	}
	client := cmp.Or(req.GetClient(), authn.ClientAddr(ctx))
	p, err := s.validator.Validate(ctx, req.GetKey(), authn.CallInfo{Client: client, Method: req.GetMethod()})
	if err != nil {
		return nil, err
	}
	return convert.PrincipalInfo(p), nil
}

// ListAudit reads the audit stream, newest first (admin).
func (s *Server) ListAudit(ctx context.Context, req *gatewayv1.ListAuditRequest) (*gatewayv1.ListAuditResponse, error) {
	if req.GetLimit() < 0 || req.GetLimit() > audit.MaxList {
		return nil, errinfo.Newf(codes.InvalidArgument, gatewayv1.Reason_REASON_INVALID_ARGUMENT, "limit: must be 0..%d (0 = %d)", audit.MaxList, audit.MaxList)
	}
	entries, err := s.audit.List(ctx, int(req.GetLimit()))
	if err != nil {
		return nil, errinfo.New(codes.Unavailable, gatewayv1.Reason_REASON_REDIS_UNAVAILABLE, "audit stream unavailable, try again")
	}
	out := &gatewayv1.ListAuditResponse{Entries: make([]*gatewayv1.AuditEntry, len(entries))}
	for i, e := range entries {
		out.Entries[i] = &gatewayv1.AuditEntry{Id: e.ID, Time: e.Time.UTC().Format(time.RFC3339Nano),
			Action: e.Action, KeyId: e.KeyID, Client: e.Client, Reason: e.Reason, Fields: e.Fields}
	}
	return out, nil
}
