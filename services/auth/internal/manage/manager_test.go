package manage

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/testkit"
	"github.com/futugw/gateway/platform/testkit/logtest"

	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"

	"github.com/futugw/gateway/platform/audit"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/platform/testkit/redistest"
	"github.com/futugw/gateway/services/auth/internal/keys"
	"github.com/futugw/gateway/services/auth/internal/store"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type env struct {
	rdb     redis.UniversalClient
	st      *store.Store
	m       *Manager
	al      *audit.Log
	logs    *logtest.Buffer
	revoked []string
}

func newEnv(t *testing.T, pol keys.Policy) *env {
	rdb := redistest.Client(t, redistest.Start(t))
	e := &env{rdb: rdb, logs: &logtest.Buffer{}, al: audit.New(rdb, 0)}
	log := slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.st = store.New(rdb, store.Options{Audit: e.al, Logger: log})
	e.m = New(Options{Store: e.st, Policy: pol, Audit: e.al, Logger: log,
		OnRevoke: func(h string) { e.revoked = append(e.revoked, h) }})
	return e
}

var admin = Actor{KeyID: "root", Client: "127.0.0.1"}

func TestSessionLifecycle(t *testing.T) {
	pol := keys.DefaultPolicy()
	pol.RefreshGrace = 2 * time.Second
	e := newEnv(t, pol)
	ctx := context.Background()
	var tokens []string

	ptok, parent, err := e.m.Issue(ctx, keys.IssueSpec{ID: "trader", Scopes: []string{"qot:read", "trade:real"},
		ExpiresIn: 8 * time.Hour, Note: "desk", Limits: keys.Limits{Markets: []string{"HK", "US"}}}, admin)
	if err != nil {
		t.Fatal(err)
	}
	tokens = append(tokens, ptok)

	// Narrowing: a subset is granted, a wider request refused and nothing stored.
	stok, sess, err := e.m.CreateSession(ctx, parent.Hash, keys.SessionSpec{Scopes: []string{"qot:read"},
		Limits: keys.Limits{Markets: []string{"HK"}}}, admin)
	if err != nil {
		t.Fatal(err)
	}
	tokens = append(tokens, stok)
	if sess.ParentID != "trader" || len(sess.Scopes) != 1 || sess.Limits.Markets[0] != "HK" ||
		sess.ExpiresAt.After(time.Now().Add(30*time.Minute)) {
		t.Errorf("session = %+v", sess)
	}
	_, _, err = e.m.CreateSession(ctx, parent.Hash, keys.SessionSpec{Limits: keys.Limits{Markets: []string{"CN"}}}, admin)
	if !keys.IsPolicy(err) {
		t.Fatalf("wider session = %v", err)
	}
	if _, _, err := e.m.CreateSession(ctx, sess.Hash, keys.SessionSpec{}, admin); !keys.IsPolicy(err) {
		t.Errorf("session from session = %v", err)
	}
	if _, err := e.m.List(ctx); err != nil {
		t.Fatal(err)
	}

	// Refresh: new key valid, old valid during the grace, then gone.
	ntok, next, err := e.m.Refresh(ctx, sess.Hash, admin)
	if err != nil {
		t.Fatal(err)
	}
	tokens = append(tokens, ntok)
	if next.ID == sess.ID || !next.SessionStartedAt.Equal(sess.SessionStartedAt) {
		t.Errorf("refreshed = %+v", next)
	}
	if _, err := e.st.Validate(ctx, stok, authn.CallInfo{}); err != nil {
		t.Fatalf("old key invalid during grace: %v", err)
	}
	if ttl := e.rdb.PTTL(ctx, "futugw:tok:"+sess.Hash).Val(); ttl <= 0 || ttl > 2*time.Second {
		t.Errorf("old key TTL = %v, want <= grace", ttl)
	}
	testkit.Eventually(t, 15*time.Second, "the old session key to end after the grace", func() bool {
		_, err := e.st.Validate(ctx, stok, authn.CallInfo{})
		return err != nil
	})
	if _, err := e.st.Validate(ctx, ntok, authn.CallInfo{}); err != nil {
		t.Fatalf("new session key: %v", err)
	}
	if err := e.m.Logout(ctx, parent.Hash, admin); !keys.IsPolicy(err) {
		t.Errorf("logout of a long-lived key = %v", err)
	}

	// Revoking the parent kills its live session at once.
	if err := e.m.Revoke(ctx, "trader", admin); err != nil {
		t.Fatal(err)
	}
	_, err = e.st.Validate(ctx, ntok, authn.CallInfo{})
	if errinfo.Reason(err) != gatewayv1.Reason_REASON_REVOKED_KEY {
		t.Fatalf("session after parent revoke: %v", err)
	}
	if _, _, err := e.m.Refresh(ctx, next.Hash, admin); !errors.Is(err, store.ErrRevoked) {
		t.Errorf("refresh of a revoked session = %v", err)
	}
	if len(e.revoked) < 2 {
		t.Errorf("OnRevoke calls = %v", e.revoked)
	}

	assertAudit(t, e, "key_issued", "session_created", "session_refreshed", "key_revoked")
	assertNoPlaintext(t, e, tokens)
}

func TestLogoutAndOverride(t *testing.T) {
	e := newEnv(t, keys.DefaultPolicy())
	ctx := context.Background()
	tok, rec, err := e.m.Issue(ctx, keys.IssueSpec{Scopes: []string{"trade:real"}, AllowLongLivedReal: true}, admin)
	if err != nil {
		t.Fatal(err)
	}
	if !rec.LongLivedOverride || !strings.HasPrefix(rec.ID, "key-") {
		t.Errorf("record = %+v", rec)
	}
	if !strings.Contains(e.logs.String(), `"level":"WARN","msg":"trade:real key issued beyond the 24h cap by explicit override"`) {
		t.Errorf("no WARN for the override:\n%s", e.logs.String())
	}
	if _, _, err := e.m.Issue(ctx, keys.IssueSpec{Scopes: []string{"trade:real"}}, admin); !keys.IsPolicy(err) {
		t.Errorf("long-lived trade:real without override = %v", err)
	}
	stok, sess, err := e.m.CreateSession(ctx, rec.Hash, keys.SessionSpec{}, admin)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.m.Logout(ctx, sess.Hash, admin); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.Validate(ctx, stok, authn.CallInfo{}); errinfo.Reason(err) != gatewayv1.Reason_REASON_REVOKED_KEY {
		t.Errorf("after logout: %v", err)
	}
	if _, err := e.st.Validate(ctx, tok, authn.CallInfo{}); err != nil {
		t.Errorf("parent after logout: %v", err)
	}
	assertAudit(t, e, "long_lived_override", "logout")
	assertNoPlaintext(t, e, []string{tok, stok})
}

func assertAudit(t *testing.T, e *env, actions ...string) {
	t.Helper()
	entries, err := e.al.List(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, en := range entries {
		have[en.Action] = true
	}
	for _, a := range actions {
		if !have[a] {
			t.Errorf("no %s audit entry in %+v", a, entries)
		}
	}
}

// assertNoPlaintext scans every Redis key and value (strings, sets, streams) and the
// logs for the plaintexts.
func assertNoPlaintext(t *testing.T, e *env, tokens []string) {
	t.Helper()
	all := dump(t, e) + e.logs.String()
	if !strings.Contains(all, "futugw:audit") || !strings.Contains(all, "futugw:tok:") && !strings.Contains(all, "futugw:revoked:") {
		t.Fatal("scan saw no records; the check is vacuous")
	}
	for _, tok := range tokens {
		if strings.Contains(all, tok) || strings.Contains(all, tok[3:]) {
			t.Errorf("plaintext key found in Redis or logs")
		}
	}
}

// dump returns every Redis key name and value (strings, sets, streams).
func dump(t *testing.T, e *env) string {
	t.Helper()
	ctx := context.Background()
	var blob strings.Builder
	it := e.rdb.Scan(ctx, 0, "*", 100).Iterator()
	for it.Next(ctx) {
		k := it.Val()
		blob.WriteString(k + "\n")
		switch e.rdb.Type(ctx, k).Val() {
		case "string":
			blob.WriteString(e.rdb.Get(ctx, k).Val())
		case "set":
			blob.WriteString(strings.Join(e.rdb.SMembers(ctx, k).Val(), " "))
		case "none": // expired between SCAN and TYPE (a key's grace running out)
		case "stream":
			for _, m := range e.rdb.XRange(ctx, k, "-", "+").Val() {
				for f, v := range m.Values {
					blob.WriteString(f + "=" + v.(string) + " ")
				}
			}
		default:
			t.Errorf("unexpected key type of %s", k)
		}
		blob.WriteString("\n")
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	return blob.String()
}
