package authn

import (
	"context"
	"log/slog"
	"net"
	"slices"
	"strings"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/platform/keypolicy"
	"github.com/futugw/gateway/platform/obs"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
)

// UnaryServerInterceptor authenticates and authorises every unary call with v and
// MethodRules, putting the Principal in the handler's context.
func UnaryServerInterceptor(v Validator, log *slog.Logger) grpc.UnaryServerInterceptor {
	g := newGuard(v, log)
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		ctx, err := g.authorize(ctx, info.FullMethod)
		if err != nil {
			return nil, err
		}
		return handler(ctx, req)
	}
}

// StreamServerInterceptor is UnaryServerInterceptor for streaming calls. It also
// checks an open stream's key every second and ends the stream with the key's
// refusal (Unauthenticated: expired_key, revoked_key) once it is no longer valid.
func StreamServerInterceptor(v Validator, log *slog.Logger) grpc.StreamServerInterceptor {
	g := newGuard(v, log)
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		ctx, err := g.authorize(ss.Context(), info.FullMethod)
		if err != nil {
			return err
		}
		if p, err := FromContext(ctx); err == nil { // a public stream has no key to watch
			token, _ := ParseBearer(firstMD(ctx, "authorization"))
			var stop context.CancelFunc
			ctx, stop = g.watchKey(ctx, token, p, CallInfo{Client: ClientAddr(ctx), Method: info.FullMethod})
			defer stop()
		}
		err = handler(srv, &principalStream{ServerStream: ss, ctx: ctx})
		if refused := keyRefusal(ctx); refused != nil {
			return refused
		}
		return err
	}
}

type principalStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *principalStream) Context() context.Context { return s.ctx }

type guard struct {
	v     Validator
	log   *slog.Logger
	rules map[string]Rule
}

func newGuard(v Validator, log *slog.Logger) *guard {
	return &guard{v: v, log: obs.OrDiscard(log), rules: MethodRules()}
}

// authorize returns ctx with the caller's Principal, or the status error to send.
func (g *guard) authorize(ctx context.Context, method string) (context.Context, error) {
	rule, ok := ruleFor(g.rules, method)
	if !ok {
		g.log.WarnContext(ctx, "call to a method without an auth rule refused", "method", method)
		return nil, errinfo.Newf(codes.PermissionDenied, gatewayv1.Reason_REASON_METHOD_NOT_ALLOWED,
			"method %s is not open to API keys", shortMethod(method))
	}
	if rule.Public {
		return ctx, nil
	}
	token, err := ParseBearer(firstMD(ctx, "authorization"))
	if err != nil {
		g.denied(ctx, method, "", err)
		return nil, err
	}
	p, err := g.v.Validate(ctx, token, CallInfo{Client: ClientAddr(ctx), Method: method})
	if err != nil {
		g.denied(ctx, method, "", err)
		return nil, err
	}
	if err := allowed(p, rule, method); err != nil {
		g.denied(ctx, method, p.KeyID, err)
		return nil, err
	}
	return NewContext(ctx, p), nil
}

func (g *guard) denied(ctx context.Context, method, keyID string, err error) {
	g.log.InfoContext(ctx, "call refused", "method", method, "key_id", keyID,
		"reason", errinfo.ReasonCode(err), "client", ClientAddr(ctx))
}

func allowed(p *Principal, rule Rule, method string) error {
	if rule.Admin && !p.Has(keypolicy.ScopeAdmin) {
		return errinfo.Newf(codes.PermissionDenied, gatewayv1.Reason_REASON_SCOPE_DENIED,
			"this key lacks scope %s required by %s", keypolicy.ScopeAdmin, shortMethod(method))
	}
	if len(rule.Scopes) == 0 || slices.ContainsFunc(rule.Scopes, p.Has) {
		return nil
	}
	return errinfo.Newf(codes.PermissionDenied, gatewayv1.Reason_REASON_SCOPE_DENIED,
		"this key lacks scope %s required by %s", strings.Join(rule.Scopes, " or "), shortMethod(method))
}

// ClientAddr returns the end client's address: the first X-Forwarded-For element set
// by the edge, else the host of the gRPC peer. Only the edge should be able to reach
// services, which is what makes the forwarded value trustworthy.
func ClientAddr(ctx context.Context) string {
	if xff := firstMD(ctx, "x-forwarded-for"); xff != "" {
		first, _, _ := strings.Cut(xff, ",")
		if first = strings.TrimSpace(first); first != "" {
			return first
		}
	}
	if p, ok := peer.FromContext(ctx); ok && p.Addr != nil {
		a := p.Addr.String()
		if host, _, err := net.SplitHostPort(a); err == nil {
			return host
		}
		return a
	}
	return ""
}

func firstMD(ctx context.Context, key string) string {
	if vs := metadata.ValueFromIncomingContext(ctx, key); len(vs) > 0 {
		return vs[0]
	}
	return ""
}
