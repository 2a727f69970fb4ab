package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/errinfo"
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

// bootstrap makes sure k.Path holds a valid key with k.Scope: it keeps a key that still
// validates, otherwise mints a key with that one scope and writes it with mode 0600. It
// logs the path and key id, never the key. Redis may still be starting (compose), so an
// unavailable store is retried until ctx ends.
func bootstrap(ctx context.Context, k bootstrapKey, ttl time.Duration, st *store.Store, mgr *manage.Manager, log *slog.Logger) error {
	if ttl <= 0 {
		ttl = DefaultBootstrapAdminTTL
	}
	for {
		err := bootstrapOnce(ctx, k, ttl, st, mgr, log)
		if err == nil || errinfo.Reason(err) != errinfo.RedisUnavailable {
			return err
		}
		log.Warn("bootstrap waits for redis", "error", err.Error())
		select {
		case <-ctx.Done():
			return err
		case <-time.After(500 * time.Millisecond):
		}
	}
}

func bootstrapOnce(ctx context.Context, k bootstrapKey, ttl time.Duration, st *store.Store, mgr *manage.Manager, log *slog.Logger) error {
	path := k.Path
	if b, err := os.ReadFile(path); err == nil {
		p, err := st.Validate(ctx, strings.TrimSpace(string(b)), authn.CallInfo{Client: "local", Method: "bootstrap"})
		if err == nil && p.Has(k.Scope) {
			log.Info("bootstrap key still valid", "kind", k.Kind, "path", path, "key_id", p.KeyID)
			return nil
		}
		if errinfo.Reason(err) == errinfo.RedisUnavailable {
			return err
		}
	}
	id, err := keys.NewID(nil, "bootstrap-"+k.Kind)
	if err != nil {
		return err
	}
	token, rec, err := mgr.Issue(ctx, keys.IssueSpec{ID: id, Scopes: []string{k.Scope}, ExpiresIn: ttl,
		Note: "bootstrap " + k.Kind + " key written to " + path}, manage.Actor{KeyID: "bootstrap", Client: "local"})
	if err != nil {
		if errorsIsUnavailable(err) {
			return errinfo.New(codes.Unavailable, errinfo.RedisUnavailable, err.Error())
		}
		return err
	}
	if err := writeSecret(path, token); err != nil {
		return err
	}
	log.Info("bootstrap key written", "kind", k.Kind, "path", path, "key_id", rec.ID, "expires_at", rec.ExpiresAt.Format(time.RFC3339))
	return nil
}

// writeSecret replaces path atomically with a 0600 file holding s and a newline.
func writeSecret(path, s string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("bootstrap admin file: %w", err)
	}
	f, err := os.CreateTemp(dir, ".bootstrap-admin-*")
	if err != nil {
		return fmt.Errorf("bootstrap admin file: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after the rename
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return fmt.Errorf("bootstrap admin file: %w", err)
	}
	if _, err := f.WriteString(s + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("bootstrap admin file: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("bootstrap admin file: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("bootstrap admin file: %w", err)
	}
	return nil
}

func errorsIsUnavailable(err error) bool { return errors.Is(err, store.ErrUnavailable) }
