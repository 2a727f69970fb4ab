package app

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/keypolicy"
	"github.com/futugw/gateway/platform/testkit"
	"github.com/futugw/gateway/platform/testkit/redistest"
	"github.com/futugw/gateway/services/auth/internal/keys"
	"github.com/futugw/gateway/services/auth/internal/manage"
	"github.com/futugw/gateway/services/auth/internal/store"
)

// TestBootstrapRenewsKeysNearingExpiry: a bootstrap key file gets a key with its one
// scope (mode 0600); a key with more than a third of its life left is kept; one with
// less is replaced, by the start-up bootstrap and by the running renewal alike, and the
// replaced key keeps working until it expires, for whoever still holds it.
func TestBootstrapRenewsKeysNearingExpiry(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	st := store.New(redistest.Client(t, redistest.Start(t)), store.Options{Logger: log})
	mgr := manage.New(manage.Options{Store: st, Policy: keys.DefaultPolicy(), Logger: log})
	k := bootstrapKey{Path: filepath.Join(t.TempDir(), "service.key"), Scope: keypolicy.ScopeService, Kind: "service"}
	ctx := context.Background()
	read := func() string {
		t.Helper()
		b, err := os.ReadFile(k.Path)
		if err != nil {
			t.Fatal(err)
		}
		if fi, _ := os.Stat(k.Path); fi.Mode().Perm() != 0o600 {
			t.Fatalf("mode %v", fi.Mode().Perm())
		}
		return strings.TrimSpace(string(b))
	}
	valid := func(token string) bool {
		p, err := st.Validate(ctx, token, authn.CallInfo{})
		return err == nil && p.Has(k.Scope)
	}

	if _, err := bootstrapOnce(ctx, k, 3*time.Second, st, mgr, log); err != nil {
		t.Fatal(err)
	}
	first := read()
	if !valid(first) {
		t.Fatal("the written key does not validate with its scope")
	}
	// Minted as every key is: its MD5 is indexed for Futu's SDK.
	if r, err := st.GetByDigest(ctx, keys.DigestHash(keys.MD5(first))); err != nil || r.Hash != keys.Hash(first) {
		t.Fatalf("the bootstrap key's digest: %+v, %v", r, err)
	}
	if kept, err := bootstrapOnce(ctx, k, 3*time.Second, st, mgr, log); err != nil || kept == "" || read() != first {
		t.Fatalf("a fresh key was replaced (%v)", err)
	}

	// The same key against a 1 h life: under a third of it left, so it is replaced.
	if _, err := bootstrapOnce(ctx, k, time.Hour, st, mgr, log); err != nil {
		t.Fatal(err)
	}
	second := read()
	if second == first || !valid(second) || !valid(first) {
		t.Fatalf("renewal: new key written %v, new valid %v, old still valid %v", second != first, valid(second), valid(first))
	}

	// The running renewal does the same.
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		keepRenewing(rctx, []bootstrapKey{k}, 24*time.Hour, 20*time.Millisecond, st, mgr, log)
	}()
	testkit.Within(5*time.Second, func() bool { return read() != second })
	cancel()
	<-done
	if third := read(); third == second || !valid(third) {
		t.Fatal("the running renewal did not replace a key with under a third of its life left")
	}
}
