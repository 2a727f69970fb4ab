package authn

import (
	"context"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/errinfo"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// streamKeyCheck is how often an open stream's key is checked again, so expiry and
// revocation end the stream within it.
const streamKeyCheck = time.Second

// watchKey returns ctx canceled, with the key's refusal as its cause, once p's key
// expires or v stops accepting token. A revocation drops the key from the
// validator's cache (WatchRevocations), so the next check asks the auth service and
// hears revoked_key. An auth service that cannot be reached does not end the stream:
// the key is not known to be bad, and unary calls fail closed on their own.
func (g *guard) watchKey(ctx context.Context, token string, p *Principal, info CallInfo) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(ctx)
	go func() {
		t := time.NewTicker(streamKeyCheck)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case now := <-t.C:
				if !p.ExpiresAt.IsZero() && !now.Before(p.ExpiresAt) {
					cancel(errinfo.New(codes.Unauthenticated, gatewayv1.Reason_REASON_EXPIRED_KEY, "the key expired; the stream is closed"))
					return
				}
				if _, err := g.v.Validate(ctx, token, info); status.Code(err) == codes.Unauthenticated {
					g.log.InfoContext(ctx, "stream closed: key no longer valid", "method", info.Method,
						"key_id", p.KeyID, "reason", errinfo.ReasonCode(err))
					cancel(err)
					return
				}
			}
		}
	}()
	return ctx, func() { cancel(nil) }
}

// keyRefusal is the refusal that ended a stream's context, or nil when it ended for
// another reason (the client left, the server stopped).
func keyRefusal(ctx context.Context) error {
	if c := context.Cause(ctx); c != nil && status.Code(c) == codes.Unauthenticated {
		return c
	}
	return nil
}
