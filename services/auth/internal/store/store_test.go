package store

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/testkit"
	"github.com/futugw/gateway/platform/testkit/logtest"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"

	"github.com/futugw/gateway/platform/audit"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/platform/redisx"
	"github.com/futugw/gateway/platform/testkit/redistest"
	"github.com/futugw/gateway/services/auth/internal/keys"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type env struct {
	addrs []string
	rdb   redis.UniversalClient
	st    *Store
	al    *audit.Log
	logs  *logtest.Buffer
}

// forEachBackend runs body against a single Redis and against a Cluster.
func forEachBackend(t *testing.T, body func(t *testing.T, b redistest.Backend)) {
	for _, b := range redistest.Backends() {
		t.Run(b.Name, func(t *testing.T) { body(t, b) })
	}
}

// newClientFor returns a client for addrs built as the services build theirs.
func newClientFor(t testing.TB, addrs []string) redis.UniversalClient {
	t.Helper()
	rdb, err := redisx.New(redisx.Options{Addrs: strings.Join(addrs, ",")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

func newEnv(t testing.TB, b redistest.Backend, o Options) *env {
	addrs := b.Start(t)
	rdb := newClientFor(t, addrs)
	logs := &logtest.Buffer{}
	al := audit.New(rdb, 0)
	o.Audit, o.Logger = al, slog.New(slog.NewJSONHandler(logs, nil))
	return &env{addrs: addrs, rdb: rdb, st: New(rdb, o), al: al, logs: logs}
}

// exists counts which of names exist, one EXISTS each: several keys in one EXISTS
// must share a slot on a Cluster.
func exists(ctx context.Context, rdb redis.UniversalClient, names ...string) int64 {
	var n int64
	for _, k := range names {
		n += rdb.Exists(ctx, k).Val()
	}
	return n
}

// countKeys counts the keys matching pattern on every primary.
func countKeys(t *testing.T, ctx context.Context, rdb redis.UniversalClient, pattern string) int {
	t.Helper()
	count := func(ctx context.Context, c redis.Cmdable) int {
		n := 0
		it := c.Scan(ctx, 0, pattern, 100).Iterator()
		for it.Next(ctx) {
			n++
		}
		if err := it.Err(); err != nil {
			t.Error(err)
		}
		return n
	}
	cc, ok := rdb.(*redis.ClusterClient)
	if !ok {
		return count(ctx, rdb)
	}
	var total atomic.Int64
	if err := cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error {
		total.Add(int64(count(ctx, c)))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return int(total.Load())
}

func record(t testing.TB, id string, ttl time.Duration, scopes ...string) (string, keys.Record) {
	t.Helper()
	tok, hash, err := keys.Generate(nil)
	if err != nil {
		t.Fatal(err)
	}
	r := keys.Record{ID: id, Hash: hash, Scopes: scopes, CreatedAt: time.Now().UTC()}
	if ttl > 0 {
		r.ExpiresAt = time.Now().Add(ttl).UTC()
	}
	return tok, r
}

func wantReason(t *testing.T, err error, reason gatewayv1.Reason) {
	t.Helper()
	if got := errinfo.Reason(err); got != reason {
		t.Fatalf("reason = %q (%v), want %q", got, err, reason)
	}
}

func TestIssueValidate(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b redistest.Backend) {
		e := newEnv(t, b, Options{})
		ctx := context.Background()
		tok, rec := record(t, "bot", time.Hour, "qot:read")
		rec.Limits.Markets = []string{"HK"}
		if err := e.st.Issue(ctx, rec); err != nil {
			t.Fatal(err)
		}
		p, err := e.st.Validate(ctx, tok, authn.CallInfo{})
		if err != nil {
			t.Fatal(err)
		}
		if p.KeyID != "bot" || !p.Has("qot:read") || p.TokenHash != authn.HashToken(tok) || p.Limits.GetAllowedMarkets()[0] != "HK" {
			t.Errorf("principal = %+v", p)
		}
		// TTLs follow the expiry on both entries.
		for _, k := range []string{tokKey(rec.Hash), idKey("bot")} {
			if ttl := e.rdb.PTTL(ctx, k).Val(); ttl <= 0 || ttl > time.Hour {
				t.Errorf("TTL of %s = %v", k, ttl)
			}
		}
		if _, err := e.st.Validate(ctx, "fk_nope", authn.CallInfo{}); err == nil {
			t.Fatal("malformed key accepted")
		} else {
			wantReason(t, err, gatewayv1.Reason_REASON_MALFORMED_KEY)
		}
		other, _ := record(t, "x", 0)
		_, err = e.st.Validate(ctx, other, authn.CallInfo{})
		wantReason(t, err, gatewayv1.Reason_REASON_INVALID_KEY)

		// A key without expiry has no TTL.
		_, forever := record(t, "forever", 0, "admin")
		if err := e.st.Issue(ctx, forever); err != nil {
			t.Fatal(err)
		}
		if ttl := e.rdb.PTTL(ctx, tokKey(forever.Hash)).Val(); ttl != -1 {
			t.Errorf("TTL of a never-expiring key = %v", ttl)
		}
		if err := e.st.Issue(ctx, forever); !errors.Is(err, ErrIDTaken) {
			t.Errorf("second issue of an id = %v", err)
		}
	})
}

func TestExpiry(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b redistest.Backend) {
		e := newEnv(t, b, Options{})
		ctx := context.Background()
		tok, rec := record(t, "short", 200*time.Millisecond, "qot:read")
		if err := e.st.Issue(ctx, rec); err != nil {
			t.Fatal(err)
		}
		testkit.Eventually(t, 10*time.Second, "the key to expire", func() bool {
			_, err := e.st.Validate(ctx, tok, authn.CallInfo{})
			if r := errinfo.Reason(err); err != nil && r != gatewayv1.Reason_REASON_INVALID_KEY && r != gatewayv1.Reason_REASON_EXPIRED_KEY {
				t.Fatalf("reason = %q", r)
			}
			return err != nil
		})
		testkit.Within(10*time.Second, func() bool { return exists(ctx, e.rdb, tokKey(rec.Hash), idKey("short")) == 0 })
		if n := exists(ctx, e.rdb, tokKey(rec.Hash), idKey("short")); n != 0 {
			t.Errorf("%d entries left after expiry", n)
		}
		// A record that expired before it was stored (a session capped by a key that
		// expired since its validation) is ErrExpired, and nothing is written.
		_, late := record(t, "late", time.Hour, "qot:read")
		late.ExpiresAt = time.Now().Add(-time.Millisecond)
		if err := e.st.Issue(ctx, late); !errors.Is(err, ErrExpired) {
			t.Errorf("issuing an expired record: %v, want ErrExpired", err)
		}
		if n := exists(ctx, e.rdb, tokKey(late.Hash), idKey("late")); n != 0 {
			t.Errorf("%d entries written for an expired record", n)
		}
	})
}

func TestRevokeCascadeAndTombstone(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b redistest.Backend) {
		e := newEnv(t, b, Options{})
		ctx := context.Background()
		sub := e.rdb.Subscribe(ctx, authn.RevocationChannel)
		defer sub.Close()
		if _, err := sub.Receive(ctx); err != nil {
			t.Fatal(err)
		}
		ptok, parent := record(t, "parent", time.Hour, "qot:read")
		ctok, child := record(t, "child", 10*time.Minute, "qot:read")
		child.ParentID = "parent"
		for _, r := range []keys.Record{parent, child} {
			if err := e.st.Issue(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		if m := e.rdb.SMembers(ctx, childKey("parent")).Val(); len(m) != 1 || m[0] != "child" {
			t.Fatalf("children = %v", m)
		}
		recs, err := e.st.Revoke(ctx, "parent")
		if err != nil || len(recs) != 2 {
			t.Fatalf("Revoke = %v, %v", recs, err)
		}
		for _, tok := range []string{ptok, ctok} {
			_, err := e.st.Validate(ctx, tok, authn.CallInfo{Client: "1.2.3.4", Method: "/m"})
			wantReason(t, err, gatewayv1.Reason_REASON_REVOKED_KEY)
		}
		got := map[string]bool{}
		for range 2 {
			msg, err := sub.ReceiveMessage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got[msg.Payload] = true
		}
		if !got[parent.Hash] || !got[child.Hash] {
			t.Errorf("published %v", got)
		}
		if ttl := e.rdb.PTTL(ctx, revokedKey(parent.Hash)).Val(); ttl <= 0 || ttl > time.Hour {
			t.Errorf("tombstone TTL = %v", ttl)
		}
		if _, err := e.st.Revoke(ctx, "parent"); !errors.Is(err, ErrNotFound) {
			t.Errorf("second revoke = %v", err)
		}
		// A session under a vanished parent is refused and leaves nothing behind.
		_, orphan := record(t, "orphan", time.Minute, "qot:read")
		orphan.ParentID = "parent"
		if err := e.st.Issue(ctx, orphan); !errors.Is(err, ErrParentGone) {
			t.Fatalf("orphan issue = %v", err)
		}
		if exists(ctx, e.rdb, tokKey(orphan.Hash), idKey("orphan")) != 0 {
			t.Error("orphan session left in Redis")
		}
		// Failures were audited with client and method.
		entries, err := e.al.List(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		var failed int
		for _, en := range entries {
			if en.Action == "auth_failed" && en.Reason == errinfo.Code(gatewayv1.Reason_REASON_REVOKED_KEY) && en.Client == "1.2.3.4" && en.Fields["method"] == "/m" {
				failed++
			}
		}
		if failed != 2 {
			t.Errorf("auth_failed entries = %d in %+v", failed, entries)
		}
	})
}

func TestShorten(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b redistest.Backend) {
		e := newEnv(t, b, Options{})
		ctx := context.Background()
		tok, rec := record(t, "s", time.Hour, "qot:read")
		if err := e.st.Issue(ctx, rec); err != nil {
			t.Fatal(err)
		}
		if kept, err := e.st.Shorten(ctx, rec, 30*time.Second); err != nil || !kept {
			t.Fatal(kept, err)
		}
		p, err := e.st.Validate(ctx, tok, authn.CallInfo{})
		if err != nil || time.Until(p.ExpiresAt) > 30*time.Second {
			t.Fatalf("after shorten: %v %v", p, err)
		}
		if ttl := e.rdb.PTTL(ctx, idKey("s")).Val(); ttl <= 0 || ttl > 30*time.Second {
			t.Errorf("id TTL = %v", ttl)
		}
		// A key revoked meanwhile is not brought back, and the caller learns it.
		if _, err := e.st.Revoke(ctx, "s"); err != nil {
			t.Fatal(err)
		}
		if kept, err := e.st.Shorten(ctx, rec, 10*time.Second); err != nil || kept {
			t.Fatalf("shorten of a revoked key: kept %v, %v", kept, err)
		}
		if _, err := e.st.Validate(ctx, tok, authn.CallInfo{}); err == nil {
			t.Fatal("the revoked key validates again after Shorten")
		}
	})
}

// Of 50 concurrent issuers of one id exactly one wins.
func TestIDUniqueUnderConcurrency(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b redistest.Backend) {
		e := newEnv(t, b, Options{})
		ctx := context.Background()
		var wins, taken atomic.Int32
		var wg sync.WaitGroup
		for range 50 {
			wg.Go(func() {
				_, r := record(t, "same", time.Hour, "qot:read")
				switch err := e.st.Issue(ctx, r); {
				case err == nil:
					wins.Add(1)
				case errors.Is(err, ErrIDTaken):
					taken.Add(1)
				default:
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if wins.Load() != 1 || taken.Load() != 49 {
			t.Fatalf("wins %d, taken %d", wins.Load(), taken.Load())
		}
		n := countKeys(t, ctx, e.rdb, tokPrefix+"*")
		if n != 1 {
			t.Errorf("%d records stored, want 1 (losers must leave nothing)", n)
		}
	})
}

func TestList(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b redistest.Backend) {
		e := newEnv(t, b, Options{})
		ctx := context.Background()
		if l, err := e.st.List(ctx); err != nil || len(l) != 0 {
			t.Fatalf("empty List = %v %v", l, err)
		}
		for i, id := range []string{"a", "b", "c"} {
			_, r := record(t, id, time.Hour, "qot:read")
			r.CreatedAt = r.CreatedAt.Add(time.Duration(i) * time.Second)
			if err := e.st.Issue(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.st.Revoke(ctx, "b"); err != nil {
			t.Fatal(err)
		}
		l, err := e.st.List(ctx)
		if err != nil || len(l) != 2 || l[0].ID != "a" || l[1].ID != "c" {
			t.Fatalf("List = %+v %v", l, err)
		}
	})
}

// A flood of bad keys is audited and logged at the configured rate only.
func TestFailureAuditRateLimited(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b redistest.Backend) {
		now := time.Unix(1000, 0)
		reg := NewMetrics(nil)
		e := newEnv(t, b, Options{FailureAuditRate: 5, Metrics: reg, Now: func() time.Time { return now }})
		ctx := context.Background()
		for range 100 {
			_, err := e.st.Validate(ctx, "garbage", authn.CallInfo{Method: "/flood"})
			wantReason(t, err, gatewayv1.Reason_REASON_MALFORMED_KEY)
		}
		entries, _ := e.al.List(ctx, 1000)
		if len(entries) != 5 {
			t.Errorf("%d audit entries, want 5", len(entries))
		}
		if got := testutil.ToFloat64(reg.FailuresDropped); got != 95 {
			t.Errorf("dropped = %v", got)
		}
		if got := testutil.ToFloat64(reg.Validations.WithLabelValues(errinfo.Code(gatewayv1.Reason_REASON_MALFORMED_KEY))); got != 100 {
			t.Errorf("validations{malformed_key} = %v", got)
		}
		if n := strings.Count(e.logs.String(), "authentication failed"); n != 5 {
			t.Errorf("%d log lines", n)
		}
		now = now.Add(time.Second) // a second later the budget is back
		_, _ = e.st.Validate(ctx, "garbage", authn.CallInfo{})
		if entries, _ := e.al.List(ctx, 1000); len(entries) != 6 {
			t.Errorf("%d audit entries after refill", len(entries))
		}
	})
}

func TestRedisDown(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b redistest.Backend) {
		e := newEnv(t, b, Options{})
		tok, _ := record(t, "x", 0)
		_ = e.rdb.Close()
		_, err := e.st.Validate(context.Background(), tok, authn.CallInfo{})
		wantReason(t, err, gatewayv1.Reason_REASON_REDIS_UNAVAILABLE)
		_, err = e.st.ValidateDigest(context.Background(), keys.MD5(tok), authn.CallInfo{})
		wantReason(t, err, gatewayv1.Reason_REASON_REDIS_UNAVAILABLE)
	})
}

// A revocation reaches a process watching the channel (authn.WatchRevocations) and
// drops the key from its cache, on a single Redis and on a Cluster alike.
func TestRevocationReachesWatchers(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b redistest.Backend) {
		e := newEnv(t, b, Options{})
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		tok, rec := record(t, "watched", time.Hour, "qot:read")
		if err := e.st.Issue(ctx, rec); err != nil {
			t.Fatal(err)
		}
		cache := authn.NewCache(e.st, authn.CacheOptions{TTL: time.Minute})
		// The watcher uses its own client, as another process would.
		watcher := newClientFor(t, e.addrs)
		logs := &logtest.Buffer{}
		revoked := make(chan string, 4)
		wctx, stop := context.WithCancel(ctx)
		var wg sync.WaitGroup
		wg.Go(func() {
			_ = authn.WatchRevocations(wctx, watcher, cache, slog.New(slog.NewJSONHandler(logs, nil)),
				authn.OnRevoked(func(h string) { revoked <- h }))
		})
		defer func() { stop(); wg.Wait() }()
		testkit.Eventually(t, 10*time.Second, "the watcher to subscribe", func() bool { return strings.Contains(logs.String(), "revocations subscribed") })
		if _, err := cache.Validate(ctx, tok, authn.CallInfo{}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.st.Revoke(ctx, "watched"); err != nil {
			t.Fatal(err)
		}
		select {
		case h := <-revoked:
			if h != rec.Hash {
				t.Fatalf("revoked %s, want %s", h, rec.Hash)
			}
		case <-ctx.Done():
			t.Fatal("revocation not received")
		}
		_, err := cache.Validate(ctx, tok, authn.CallInfo{})
		wantReason(t, err, gatewayv1.Reason_REASON_REVOKED_KEY)
	})
}
