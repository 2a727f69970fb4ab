package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"google.golang.org/grpc/codes"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/platform/secret"
	"github.com/futugw/gateway/services/auth/internal/keys"
	"github.com/futugw/gateway/services/auth/internal/manage"
	"github.com/futugw/gateway/services/auth/internal/store"
)

// bootstrapTimeout bounds the bootstrap, retries on an unready Redis included.
const bootstrapTimeout = 30 * time.Second

// DefaultBootstrapAdminTTL is the life of a bootstrap admin key.
const DefaultBootstrapAdminTTL = 720 * time.Hour

// bootstrapKey names a key the auth service keeps minted in a file: the first admin
// key, or the service key an edge opens the push streams with.
type bootstrapKey struct {
	Path  string
	Scope string // the key's only scope
	Kind  string // "admin" or "service": the id prefix and the logs' kind
}

// renewCheck is how often a running auth service checks its bootstrap keys' age.
const renewCheck = time.Hour

// bootstrap makes sure k.Path holds a valid key with k.Scope: it keeps a key that still
// validates with more than a third of ttl left, otherwise mints a key with that one
// scope and writes it with mode 0600. The old key keeps working until it expires, so
// its readers have time to read the new one (the edge re-reads its service key file
// whenever it opens a push stream). It logs the path and key id, never the key. Redis
// may still be starting (compose), so an unavailable store is retried until ctx ends.
func bootstrap(ctx context.Context, k bootstrapKey, ttl time.Duration, st *store.Store, mgr *manage.Manager, log *slog.Logger) error {
	for {
		kept, err := bootstrapOnce(ctx, k, ttl, st, mgr, log)
		if err == nil && kept != "" {
			log.Info("bootstrap key still valid", "kind", k.Kind, "path", k.Path, "key_id", kept)
		}
		if err == nil || errinfo.Reason(err) != gatewayv1.Reason_REASON_REDIS_UNAVAILABLE {
			return err
		}
		log.Warn("bootstrap waits for redis", obs.Err(err))
		select {
		case <-ctx.Done():
			return err
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// bootstrapOnce keeps the key in k.Path when it validates with enough life left (its
// id is returned) or writes a new one ("" returned).
func bootstrapOnce(ctx context.Context, k bootstrapKey, ttl time.Duration, st *store.Store, mgr *manage.Manager, log *slog.Logger) (string, error) {
	if key, err := secret.ReadFile(k.Path); err == nil {
		p, err := st.Validate(ctx, key, authn.CallInfo{Client: "local", Method: "bootstrap"})
		if err == nil && p.Has(k.Scope) && (p.ExpiresAt.IsZero() || time.Until(p.ExpiresAt) > ttl/3) {
			return p.KeyID, nil
		}
		if errinfo.Reason(err) == gatewayv1.Reason_REASON_REDIS_UNAVAILABLE {
			return "", err
		}
	}
	return "", mintBootstrap(ctx, k, ttl, mgr, log)
}

// mintBootstrap issues a key with k's one scope and writes it to k.Path.
func mintBootstrap(ctx context.Context, k bootstrapKey, ttl time.Duration, mgr *manage.Manager, log *slog.Logger) error {
	id, err := keys.NewID(nil, "bootstrap-"+k.Kind)
	if err != nil {
		return err
	}
	token, rec, err := mgr.Issue(ctx, keys.IssueSpec{ID: id, Scopes: []string{k.Scope}, ExpiresIn: ttl,
		Note: "bootstrap " + k.Kind + " key written to " + k.Path}, manage.Actor{KeyID: "bootstrap", Client: "local"})
	if err != nil {
		if errors.Is(err, store.ErrUnavailable) {
			return errinfo.New(codes.Unavailable, gatewayv1.Reason_REASON_REDIS_UNAVAILABLE, err.Error())
		}
		return err
	}
	if err := writeSecret(k.Path, token); err != nil {
		return err
	}
	log.Info("bootstrap key written", "kind", k.Kind, "path", k.Path, "key_id", rec.ID, "expires_at", rec.ExpiresAt.Format(time.RFC3339))
	return nil
}

// keepRenewing runs bootstrapOnce for keys every interval until ctx ends, so a key
// nearing its expiry is replaced while the service runs (for months, unattended).
func keepRenewing(ctx context.Context, ks []bootstrapKey, ttl, interval time.Duration, st *store.Store, mgr *manage.Manager, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for _, k := range ks {
			bctx, cancel := context.WithTimeout(ctx, bootstrapTimeout)
			if _, err := bootstrapOnce(bctx, k, ttl, st, mgr, log); err != nil {
				log.Warn("renewing bootstrap key", "kind", k.Kind, "path", k.Path, obs.Err(err))
			}
			cancel()
		}
	}
}

// writeSecret replaces path atomically with a 0600 file holding s and a newline.
func writeSecret(path, s string) (err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("bootstrap admin file: %w", err)
		}
	}()
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".bootstrap-admin-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // no-op after the rename
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	_, err = f.WriteString(s + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
