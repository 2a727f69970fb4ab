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

// bootstrapAdmin makes sure path holds a valid admin key: it keeps a key that still
// validates, otherwise mints an admin-only one and writes it with mode 0600. It logs
// the path and key id, never the key. Redis may still be starting (compose), so an
// unavailable store is retried until ctx ends.
func bootstrapAdmin(ctx context.Context, path string, ttl time.Duration, st *store.Store, mgr *manage.Manager, log *slog.Logger) error {
	if ttl <= 0 {
		ttl = DefaultBootstrapAdminTTL
	}
	for {
		err := bootstrapOnce(ctx, path, ttl, st, mgr, log)
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

func bootstrapOnce(ctx context.Context, path string, ttl time.Duration, st *store.Store, mgr *manage.Manager, log *slog.Logger) error {
	if b, err := os.ReadFile(path); err == nil {
		p, err := st.Validate(ctx, strings.TrimSpace(string(b)), authn.CallInfo{Client: "local", Method: "bootstrap"})
		if err == nil && p.Has(authn.ScopeAdmin) {
			log.Info("bootstrap admin key still valid", "path", path, "key_id", p.KeyID)
			return nil
		}
		if errinfo.Reason(err) == errinfo.RedisUnavailable {
			return err
		}
	}
	id, err := keys.NewID(nil, "bootstrap-admin")
	if err != nil {
		return err
	}
	token, rec, err := mgr.Issue(ctx, keys.IssueSpec{ID: id, Scopes: []string{keys.ScopeAdmin}, ExpiresIn: ttl,
		Note: "bootstrap admin key written to " + path}, manage.Actor{KeyID: "bootstrap", Client: "local"})
	if err != nil {
		if errorsIsUnavailable(err) {
			return errinfo.New(codes.Unavailable, errinfo.RedisUnavailable, err.Error())
		}
		return err
	}
	if err := writeSecret(path, token); err != nil {
		return err
	}
	log.Info("bootstrap admin key written", "path", path, "key_id", rec.ID, "expires_at", rec.ExpiresAt.Format(time.RFC3339))
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
