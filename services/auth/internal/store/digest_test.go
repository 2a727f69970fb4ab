package store

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/redis/go-redis/v9"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/platform/testkit"
	"github.com/futugw/gateway/platform/testkit/redistest"
	"github.com/futugw/gateway/services/auth/internal/keys"
)

// indexed returns a record for a key minted since the SDK digest index: it names its
// digest entry.
func indexed(t testing.TB, id string, ttl time.Duration, scopes ...string) (string, keys.Record) {
	t.Helper()
	tok, rec := record(t, id, ttl, scopes...)
	rec.DigestHash = keys.DigestHash(keys.MD5(tok))
	return tok, rec
}

func issue(t testing.TB, st *Store, recs ...keys.Record) {
	t.Helper()
	for _, r := range recs {
		if err := st.Issue(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
}

var sdkCall = authn.CallInfo{Client: "203.0.113.9", Method: gatewayv1.AuthService_OpenSDKSession_FullMethodName}

func TestDigestIndex(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b redistest.Backend) {
		e := newEnv(t, b, Options{})
		ctx := context.Background()
		tok, rec := indexed(t, "bot", time.Hour, "qot:read")
		_, forever := indexed(t, "forever", 0, "admin")
		issue(t, e.st, rec, forever)

		for _, md5 := range []string{keys.MD5(tok), strings.ToUpper(keys.MD5(tok))} {
			got, err := e.st.ValidateDigest(ctx, md5, sdkCall)
			if err != nil || got.ID != "bot" || got.Hash != rec.Hash {
				t.Fatalf("ValidateDigest = %+v, %v", got, err)
			}
		}
		if v := e.rdb.Get(ctx, digestKey(rec.DigestHash)).Val(); v != rec.Hash {
			t.Errorf("digest entry = %q, want the token hash", v)
		}
		if ttl := e.rdb.PTTL(ctx, digestKey(rec.DigestHash)).Val(); ttl <= 59*time.Minute || ttl > time.Hour {
			t.Errorf("TTL of the digest entry = %v, want the key's", ttl)
		}
		if ttl := e.rdb.PTTL(ctx, digestKey(forever.DigestHash)).Val(); ttl != -1 {
			t.Errorf("TTL of a never-expiring key's digest entry = %v", ttl)
		}

		// Refusals, as Validate's.
		other, _ := record(t, "x", 0)
		tests := []struct {
			name, md5 string
			reason    gatewayv1.Reason
		}{
			{"empty", "", gatewayv1.Reason_REASON_MISSING_KEY},
			{"short", keys.MD5(tok)[:31], gatewayv1.Reason_REASON_MALFORMED_KEY},
			{"not hex", "z" + keys.MD5(tok)[1:], gatewayv1.Reason_REASON_MALFORMED_KEY},
			{"the key itself", tok, gatewayv1.Reason_REASON_MALFORMED_KEY},
			{"unknown", keys.MD5(other), gatewayv1.Reason_REASON_INVALID_KEY},
			{"the token hash", rec.Hash[:32], gatewayv1.Reason_REASON_INVALID_KEY},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := e.st.ValidateDigest(ctx, tt.md5, sdkCall)
				wantReason(t, err, tt.reason)
			})
		}
		if got := testutil.ToFloat64(e.st.m.DigestValidations.WithLabelValues("invalid_key")); got != 2 {
			t.Errorf("digest_validations{invalid_key} = %v", got)
		}
		if got := testutil.ToFloat64(e.st.m.DigestValidations.WithLabelValues("ok")); got != 2 {
			t.Errorf("digest_validations{ok} = %v", got)
		}

		// Shorten (a refreshed session key's grace) shortens the entry too.
		if kept, err := e.st.Shorten(ctx, rec, 20*time.Second); err != nil || !kept {
			t.Fatal(kept, err)
		}
		if ttl := e.rdb.PTTL(ctx, digestKey(rec.DigestHash)).Val(); ttl <= 0 || ttl > 20*time.Second {
			t.Errorf("TTL of the digest entry after Shorten = %v", ttl)
		}

		// Revoked: refused as revoked, the entry gone behind a tombstone.
		if _, err := e.st.Revoke(ctx, "bot"); err != nil {
			t.Fatal(err)
		}
		_, err := e.st.ValidateDigest(ctx, keys.MD5(tok), sdkCall)
		wantReason(t, err, gatewayv1.Reason_REASON_REVOKED_KEY)
		if exists(ctx, e.rdb, digestKey(rec.DigestHash)) != 0 {
			t.Error("the digest entry of a revoked key is left")
		}
		if ttl := e.rdb.PTTL(ctx, digestRevokedKey(rec.DigestHash)).Val(); ttl <= 0 || ttl > 20*time.Second {
			t.Errorf("TTL of the digest tombstone = %v, want the key's remaining life", ttl)
		}
		entries, err := e.al.List(ctx, 100)
		if err != nil {
			t.Fatal(err)
		}
		var revoked int
		for _, en := range entries {
			if en.Action == "auth_failed" && en.Reason == "revoked_key" && en.KeyID == "bot" && en.Client == sdkCall.Client && en.Fields["method"] == sdkCall.Method {
				revoked++
			}
		}
		if revoked != 1 {
			t.Errorf("auth_failed revoked_key entries for the digest = %d in %+v", revoked, entries)
		}
	})
}

func TestDigestExpiresWithTheKey(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b redistest.Backend) {
		e := newEnv(t, b, Options{})
		ctx := context.Background()
		tok, rec := indexed(t, "short", 300*time.Millisecond, "qot:read")
		issue(t, e.st, rec)
		if _, err := e.st.ValidateDigest(ctx, keys.MD5(tok), sdkCall); err != nil {
			t.Fatal(err)
		}
		testkit.Eventually(t, 10*time.Second, "the key's digest to be refused", func() bool {
			_, err := e.st.ValidateDigest(ctx, keys.MD5(tok), sdkCall)
			if r := errinfo.Reason(err); err != nil && r != gatewayv1.Reason_REASON_INVALID_KEY && r != gatewayv1.Reason_REASON_EXPIRED_KEY {
				t.Fatalf("reason = %q", r)
			}
			return err != nil
		})
		testkit.Eventually(t, 10*time.Second, "the digest entry to expire", func() bool {
			return exists(ctx, e.rdb, digestKey(rec.DigestHash), tokKey(rec.Hash)) == 0
		})
	})
}

// A key minted before the index gets its entry at its first validation.
func TestDigestBackfilledByValidate(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b redistest.Backend) {
		e := newEnv(t, b, Options{})
		ctx := context.Background()
		tok, old := record(t, "old", time.Hour, "qot:read") // no DigestHash: an older key
		_, forever := record(t, "old-forever", 0, "qot:read")
		issue(t, e.st, old, forever)
		_, err := e.st.ValidateDigest(ctx, keys.MD5(tok), sdkCall)
		wantReason(t, err, gatewayv1.Reason_REASON_INVALID_KEY)

		if _, err := e.st.Validate(ctx, tok, authn.CallInfo{}); err != nil {
			t.Fatal(err)
		}
		got, err := e.st.ValidateDigest(ctx, keys.MD5(tok), sdkCall)
		if err != nil || got.ID != "old" || got.DigestHash != keys.DigestHash(keys.MD5(tok)) {
			t.Fatalf("after one validation: %+v, %v", got, err)
		}
		if ttl := e.rdb.PTTL(ctx, digestKey(got.DigestHash)).Val(); ttl <= 59*time.Minute || ttl > time.Hour {
			t.Errorf("TTL of the backfilled entry = %v", ttl)
		}
		if ttl := e.rdb.PTTL(ctx, tokKey(old.Hash)).Val(); ttl <= 59*time.Minute || ttl > time.Hour {
			t.Errorf("TTL of the rewritten record = %v, want it kept", ttl)
		}
		if got := testutil.ToFloat64(e.st.m.DigestsIndexed.WithLabelValues("ok")); got != 1 {
			t.Errorf("digests_indexed{ok} = %v", got)
		}
		// Once linked, validations write nothing more.
		if _, err := e.st.Validate(ctx, tok, authn.CallInfo{}); err != nil {
			t.Fatal(err)
		}
		if got := testutil.ToFloat64(e.st.m.DigestsIndexed.WithLabelValues("ok")); got != 1 {
			t.Errorf("digests_indexed{ok} after a second validation = %v", got)
		}
		// Revoking it removes the backfilled entry.
		if _, err := e.st.Revoke(ctx, "old"); err != nil {
			t.Fatal(err)
		}
		if exists(ctx, e.rdb, digestKey(got.DigestHash)) != 0 {
			t.Error("backfilled entry left after revocation")
		}
		_, err = e.st.ValidateDigest(ctx, keys.MD5(tok), sdkCall)
		wantReason(t, err, gatewayv1.Reason_REASON_REVOKED_KEY)
	})
}

// A backfill racing a revocation leaves no entry, in either order of their steps.
func TestDigestBackfillRacingRevoke(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b redistest.Backend) {
		e := newEnv(t, b, Options{})
		ctx := context.Background()

		// The revocation reads the record, the backfill links it, then the
		// revocation deletes it: GETDEL sees the link.
		tok, rec := record(t, "a", time.Hour, "qot:read")
		issue(t, e.st, rec)
		stale, err := e.st.GetByID(ctx, "a")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.st.Validate(ctx, tok, authn.CallInfo{}); err != nil {
			t.Fatal(err)
		}
		d := keys.DigestHash(keys.MD5(tok))
		if exists(ctx, e.rdb, digestKey(d)) != 1 {
			t.Fatal("no entry after the validation")
		}
		if err := e.st.kill(ctx, stale); err != nil {
			t.Fatal(err)
		}
		if exists(ctx, e.rdb, digestKey(d)) != 0 {
			t.Error("entry left by a revocation that read the record before the backfill")
		}
		_, err = e.st.ValidateDigest(ctx, keys.MD5(tok), sdkCall)
		wantReason(t, err, gatewayv1.Reason_REASON_REVOKED_KEY)

		// The backfill reads the record, the revocation deletes it, then the backfill
		// writes: its compare-and-set finds the record gone and removes the entry.
		tok2, rec2 := record(t, "b", time.Hour, "qot:read")
		issue(t, e.st, rec2)
		read, raw, err := e.st.get(ctx, rec2.Hash)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.st.Revoke(ctx, "b"); err != nil {
			t.Fatal(err)
		}
		d2 := keys.DigestHash(keys.MD5(tok2))
		if err := e.st.indexDigest(ctx, read, raw, d2); err != nil {
			t.Fatal(err)
		}
		if exists(ctx, e.rdb, digestKey(d2), tokKey(rec2.Hash)) != 0 {
			t.Error("a backfill after the revocation left an entry or a record")
		}
	})
}

// An entry whose key is gone (a revocation that failed half-way, say) is refused and
// dropped.
func TestStaleDigestEntry(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b redistest.Backend) {
		e := newEnv(t, b, Options{})
		ctx := context.Background()
		tok, rec := indexed(t, "gone", time.Hour, "qot:read")
		if err := e.rdb.Set(ctx, digestKey(rec.DigestHash), rec.Hash, time.Hour).Err(); err != nil {
			t.Fatal(err)
		}
		_, err := e.st.ValidateDigest(ctx, keys.MD5(tok), sdkCall)
		wantReason(t, err, gatewayv1.Reason_REASON_INVALID_KEY)
		if exists(ctx, e.rdb, digestKey(rec.DigestHash)) != 0 {
			t.Error("stale entry kept")
		}
		// An entry pointing to another key (that names another digest) is no match.
		tok2, rec2 := indexed(t, "other", time.Hour, "qot:read")
		issue(t, e.st, rec2)
		if err := e.rdb.Set(ctx, digestKey(rec.DigestHash), rec2.Hash, time.Hour).Err(); err != nil {
			t.Fatal(err)
		}
		_, err = e.st.ValidateDigest(ctx, keys.MD5(tok), sdkCall)
		wantReason(t, err, gatewayv1.Reason_REASON_INVALID_KEY)
		if _, err := e.st.ValidateDigest(ctx, keys.MD5(tok2), sdkCall); err != nil {
			t.Fatal(err)
		}
	})
}

// A refused digest is audited and logged without the digest; Redis holds neither the
// key nor its MD5, only hashes of them.
func TestDigestNeverStoredOrLogged(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b redistest.Backend) {
		e := newEnv(t, b, Options{})
		ctx := context.Background()
		tok, rec := indexed(t, "k", time.Hour, "qot:read")
		oldTok, old := record(t, "old", time.Hour, "qot:read")
		issue(t, e.st, rec, old)
		if _, err := e.st.Validate(ctx, oldTok, authn.CallInfo{}); err != nil {
			t.Fatal(err)
		}
		unknown, _ := record(t, "u", 0)
		secrets := []string{tok, oldTok, unknown, keys.MD5(tok), keys.MD5(oldTok), keys.MD5(unknown)}
		for _, s := range secrets[3:] {
			_, _ = e.st.ValidateDigest(ctx, s, sdkCall)
			_, _ = e.st.ValidateDigest(ctx, strings.ToUpper(s), sdkCall)
		}
		if _, err := e.st.Revoke(ctx, "k"); err != nil {
			t.Fatal(err)
		}
		_, _ = e.st.ValidateDigest(ctx, keys.MD5(tok), sdkCall)
		all := dumpRedis(t, ctx, e) + e.logs.String()
		if !strings.Contains(all, md5Prefix) || !strings.Contains(all, md5RevPrefix) || !strings.Contains(all, "auth_failed") {
			t.Fatalf("the dump shows no digest entries or audit; the check is vacuous:\n%s", all)
		}
		for _, s := range secrets {
			if strings.Contains(strings.ToLower(all), strings.ToLower(s)) {
				t.Errorf("a key or its MD5 is in Redis or the logs")
			}
		}
	})
}

// dumpRedis returns every key name and value (strings, sets, streams) on every primary.
func dumpRedis(t *testing.T, ctx context.Context, e *env) string {
	t.Helper()
	var out strings.Builder
	dump := func(c redis.Cmdable) {
		it := c.Scan(ctx, 0, "*", 100).Iterator()
		for it.Next(ctx) {
			k := it.Val()
			out.WriteString(k + "\n")
			switch c.Type(ctx, k).Val() {
			case "string":
				out.WriteString(c.Get(ctx, k).Val())
			case "set":
				out.WriteString(strings.Join(c.SMembers(ctx, k).Val(), " "))
			case "stream":
				for _, m := range c.XRange(ctx, k, "-", "+").Val() {
					for f, v := range m.Values {
						out.WriteString(f + "=" + v.(string) + " ")
					}
				}
			default:
				t.Errorf("unexpected key type of %s", k)
			}
			out.WriteString("\n")
		}
		if err := it.Err(); err != nil {
			t.Fatal(err)
		}
	}
	if cc, ok := e.rdb.(*redis.ClusterClient); ok {
		var mu sync.Mutex
		if err := cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error {
			mu.Lock()
			defer mu.Unlock()
			dump(c)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	} else {
		dump(e.rdb)
	}
	return out.String()
}
