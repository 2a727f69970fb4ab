package manage

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/platform/testkit"
	"github.com/futugw/gateway/services/auth/internal/keys"
)

// edge is the caller of OpenSDKSession: an edge's service key, for an SDK client.
var edge = Actor{KeyID: "bootstrap-service-1", Client: "198.51.100.7"}

func wantRefusal(t *testing.T, err error, reason gatewayv1.Reason) {
	t.Helper()
	if got := errinfo.Reason(err); got != reason {
		t.Fatalf("err = %v (reason %q), want %q", err, got, reason)
	}
}

// digestEntries counts the SDK digest index entries in Redis.
func digestEntries(t *testing.T, e *env) int {
	t.Helper()
	n, err := e.rdb.Keys(context.Background(), "futugw:md5:*").Result()
	if err != nil {
		t.Fatal(err)
	}
	return len(n)
}

func TestOpenSDKSession(t *testing.T) {
	e := newEnv(t, keys.DefaultPolicy())
	ctx := context.Background()
	limits := keys.Limits{Markets: []string{"HK", "US"}, MaxOrderValue: new(float64)}
	*limits.MaxOrderValue = 5000
	ptok, parent, err := e.m.Issue(ctx, keys.IssueSpec{ID: "page", Scopes: []string{"qot:read", "acc:read", "trade:simulate"},
		Limits: limits, ExpiresIn: 8 * time.Hour}, admin)
	if err != nil {
		t.Fatal(err)
	}
	stok, panel, err := e.m.CreateSession(ctx, parent.Hash, keys.SessionSpec{Scopes: []string{"qot:read"},
		Limits: keys.Limits{Markets: []string{"HK"}}}, admin)
	if err != nil {
		t.Fatal(err)
	}
	tokens := []string{ptok, stok}

	tests := []struct {
		name    string
		md5     string
		scopes  []string
		markets []string
		maxExp  time.Duration // from now
		started time.Time     // zero: the new session's own start
	}{
		{name: "a minted key", md5: keys.MD5(ptok), scopes: parent.Scopes, markets: []string{"HK", "US"}, maxExp: 30 * time.Minute},
		{name: "upper-case hex", md5: strings.ToUpper(keys.MD5(ptok)), scopes: parent.Scopes, markets: []string{"HK", "US"}, maxExp: 30 * time.Minute},
		{name: "a session key (the panel's login)", md5: keys.MD5(stok), scopes: []string{"qot:read"}, markets: []string{"HK"},
			maxExp: 30 * time.Minute, started: panel.SessionStartedAt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, rec, err := e.m.OpenSDKSession(ctx, tt.md5, edge)
			if err != nil {
				t.Fatal(err)
			}
			tokens = append(tokens, tok)
			if !keys.WellFormed(tok) || rec.Hash != keys.Hash(tok) || rec.DigestHash != keys.DigestHash(keys.MD5(tok)) {
				t.Errorf("minted key and record disagree: %+v", rec)
			}
			if rec.ParentID != "page" || !reflect.DeepEqual(rec.Scopes, tt.scopes) || !reflect.DeepEqual(rec.Limits.Markets, tt.markets) ||
				rec.Limits.MaxOrderValue == nil || *rec.Limits.MaxOrderValue != 5000 || rec.Note != keys.SDKNote {
				t.Errorf("session = %+v, limits %+v", rec, rec.Limits)
			}
			if rec.ExpiresAt.After(time.Now().Add(tt.maxExp)) || rec.ExpiresAt.Before(time.Now().Add(tt.maxExp-time.Minute)) {
				t.Errorf("expires at %v, want about now + %v", rec.ExpiresAt, tt.maxExp)
			}
			if want := tt.started; !want.IsZero() && !rec.SessionStartedAt.Equal(want) {
				t.Errorf("session started %v, want the presented session's %v", rec.SessionStartedAt, want)
			}
			if rec.Session() != rec.ID {
				t.Errorf("session id %q: an SDK socket is a session of its own", rec.Session())
			}
			p, err := e.st.Validate(ctx, tok, authn.CallInfo{})
			if err != nil || p.Owner() != "page" {
				t.Fatalf("the SDK session key: %+v, %v", p, err)
			}
		})
	}
	// Bounded by the key's expiry.
	shortTok := ""
	{
		tok, rec, err := e.m.Issue(ctx, keys.IssueSpec{ID: "brief", Scopes: []string{"qot:read"}, ExpiresIn: 5 * time.Minute}, admin)
		if err != nil {
			t.Fatal(err)
		}
		shortTok = tok
		_, s, err := e.m.OpenSDKSession(ctx, keys.MD5(tok), edge)
		if err != nil || !s.ExpiresAt.Equal(rec.ExpiresAt) {
			t.Fatalf("session of a 5-minute key: expires %v (key %v), %v", s.ExpiresAt, rec.ExpiresAt, err)
		}
	}
	tokens = append(tokens, shortTok)
	if got := testutil.ToFloat64(e.m.sessions.WithLabelValues("sdk")); got != 4 {
		t.Errorf("sessions{op=sdk} = %v", got)
	}

	// Audited with the key whose MD5 was presented and the SDK's address.
	entries, err := e.al.List(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var opened int
	for _, en := range entries {
		if en.Action == "sdk_session" {
			opened++
			if en.Client != edge.Client || en.Fields["by"] != edge.KeyID || en.Fields["parent_id"] != "page" && en.Fields["parent_id"] != "brief" ||
				en.Fields["presented_id"] == "" || en.KeyID == "" {
				t.Errorf("sdk_session entry = %+v", en)
			}
		}
	}
	if opened != 4 {
		t.Errorf("%d sdk_session entries", opened)
	}

	// Unknown and malformed digests are refused as Validate refuses keys.
	unknown, _, _ := keys.Generate(nil)
	_, _, err = e.m.OpenSDKSession(ctx, keys.MD5(unknown), edge)
	wantRefusal(t, err, gatewayv1.Reason_REASON_INVALID_KEY)
	_, _, err = e.m.OpenSDKSession(ctx, ptok, edge)
	wantRefusal(t, err, gatewayv1.Reason_REASON_MALFORMED_KEY)
	_, _, err = e.m.OpenSDKSession(ctx, "", edge)
	wantRefusal(t, err, gatewayv1.Reason_REASON_MISSING_KEY)

	// Logging an SDK session out (its socket closed) leaves the panel's session be.
	xtok, x, err := e.m.OpenSDKSession(ctx, keys.MD5(stok), edge)
	if err != nil {
		t.Fatal(err)
	}
	tokens = append(tokens, xtok)
	if err := e.m.Logout(ctx, x.Hash, edge); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.Validate(ctx, stok, authn.CallInfo{}); err != nil {
		t.Fatalf("the panel's session key after an SDK session's logout: %v", err)
	}

	// Logging the panel out ends its MD5 and the SDK session opened with it (and
	// nothing else); revoking the key ends its MD5 and every SDK session under it.
	if err := e.m.Logout(ctx, panel.Hash, admin); err != nil {
		t.Fatal(err)
	}
	_, _, err = e.m.OpenSDKSession(ctx, keys.MD5(stok), edge)
	wantRefusal(t, err, gatewayv1.Reason_REASON_REVOKED_KEY)
	for i, tok := range tokens[2:6] {
		_, err := e.st.Validate(ctx, tok, authn.CallInfo{})
		if fromPanel := i == 2; fromPanel != (err != nil) {
			t.Errorf("SDK session %d after the panel's logout: %v", i, err)
		}
	}
	if err := e.m.Revoke(ctx, "page", admin); err != nil {
		t.Fatal(err)
	}
	_, _, err = e.m.OpenSDKSession(ctx, keys.MD5(ptok), edge)
	wantRefusal(t, err, gatewayv1.Reason_REASON_REVOKED_KEY)
	for _, tok := range tokens[2:5] {
		if _, err := e.st.Validate(ctx, tok, authn.CallInfo{}); errinfo.Reason(err) != gatewayv1.Reason_REASON_REVOKED_KEY {
			t.Errorf("SDK session after its key's revocation: %v", err)
		}
	}
	for _, tok := range []string{ptok, stok} {
		if n, _ := e.rdb.Exists(ctx, "futugw:md5:"+keys.DigestHash(keys.MD5(tok))).Result(); n != 0 {
			t.Error("the digest entry of a revoked key is left")
		}
	}
	// Left: "brief" and its SDK session.
	if n := digestEntries(t, e); n != 2 {
		t.Errorf("%d digest entries left, want 2", n)
	}
	assertNoSecrets(t, e, tokens)
}

// An expired key's MD5 is refused and its entry gone; an SDK session of a session key
// ends with that session's chain.
func TestOpenSDKSessionRefusesEndedKeys(t *testing.T) {
	pol := keys.DefaultPolicy()
	pol.SessionLifetime = 2 * time.Second
	e := newEnv(t, pol)
	ctx := context.Background()
	tok, rec, err := e.m.Issue(ctx, keys.IssueSpec{ID: "brief", Scopes: []string{"qot:read"}, ExpiresIn: time.Second}, admin)
	if err != nil {
		t.Fatal(err)
	}
	_, parent, err := e.m.Issue(ctx, keys.IssueSpec{ID: "long", Scopes: []string{"qot:read"}, ExpiresIn: time.Hour}, admin)
	if err != nil {
		t.Fatal(err)
	}
	stok, panel, err := e.m.CreateSession(ctx, parent.Hash, keys.SessionSpec{}, admin)
	if err != nil {
		t.Fatal(err)
	}
	// An SDK session opened from the panel's session key is on the panel session's
	// chain: it ends when that chain's lifetime does, not a lifetime after it opened.
	_, sdk, err := e.m.OpenSDKSession(ctx, keys.MD5(stok), edge)
	if err != nil {
		t.Fatal(err)
	}
	if capAt := panel.SessionStartedAt.Add(pol.SessionLifetime); sdk.ExpiresAt.After(capAt) {
		t.Errorf("SDK session expires %v, after the presented session's chain ends (%v)", sdk.ExpiresAt, capAt)
	}
	testkit.Eventually(t, 10*time.Second, "the key to expire", func() bool {
		_, _, err := e.m.OpenSDKSession(ctx, keys.MD5(tok), edge)
		if r := errinfo.Reason(err); err != nil && r != gatewayv1.Reason_REASON_INVALID_KEY && r != gatewayv1.Reason_REASON_EXPIRED_KEY {
			t.Fatalf("reason = %q (%v)", r, err)
		}
		return err != nil
	})
	testkit.Eventually(t, 10*time.Second, "its digest entry to expire", func() bool {
		n, _ := e.rdb.Exists(ctx, "futugw:md5:"+rec.DigestHash).Result()
		return n == 0
	})
	testkit.Eventually(t, 10*time.Second, "the panel's session to end", func() bool {
		_, _, err := e.m.OpenSDKSession(ctx, keys.MD5(stok), edge)
		return err != nil
	})
}

// The edge keeps an SDK socket's session alive with RefreshSession, as the panel does;
// the page's key (and its MD5) stays the same throughout.
func TestSDKSessionRefresh(t *testing.T) {
	pol := keys.DefaultPolicy()
	pol.RefreshGrace = time.Second
	e := newEnv(t, pol)
	ctx := context.Background()
	ptok, parent, err := e.m.Issue(ctx, keys.IssueSpec{ID: "page", Scopes: []string{"qot:read"}, ExpiresIn: time.Hour}, admin)
	if err != nil {
		t.Fatal(err)
	}
	s1tok, s1, err := e.m.OpenSDKSession(ctx, keys.MD5(ptok), edge)
	if err != nil {
		t.Fatal(err)
	}
	s2tok, s2, err := e.m.Refresh(ctx, s1.Hash, edge)
	if err != nil {
		t.Fatal(err)
	}
	if s2.ParentID != "page" || s2.Session() != s1.ID || s2.Note != keys.SDKNote || s2.DigestHash != keys.DigestHash(keys.MD5(s2tok)) {
		t.Errorf("refreshed SDK session = %+v", s2)
	}
	if _, _, err := e.m.Refresh(ctx, s1.Hash, edge); err == nil {
		t.Error("second refresh of one SDK session key accepted")
	}
	// The page's MD5 still names the page's key, and opens another socket's session.
	got, err := e.st.GetByDigest(ctx, keys.DigestHash(keys.MD5(ptok)))
	if err != nil || got.ID != "page" || got.Hash != parent.Hash {
		t.Fatalf("the page key's digest after a refresh: %+v, %v", got, err)
	}
	if _, _, err := e.m.OpenSDKSession(ctx, keys.MD5(ptok), edge); err != nil {
		t.Fatalf("reconnect with the same MD5: %v", err)
	}
	// The refreshed-away key's entry lives only as long as its grace.
	if ttl := e.rdb.PTTL(ctx, "futugw:md5:"+s1.DigestHash).Val(); ttl <= 0 || ttl > time.Second {
		t.Errorf("TTL of the old SDK session key's digest entry = %v, want <= the grace", ttl)
	}
	testkit.Eventually(t, 10*time.Second, "the old SDK session key to end", func() bool {
		_, err := e.st.Validate(ctx, s1tok, authn.CallInfo{})
		return err != nil
	})
	if _, err := e.st.Validate(ctx, s2tok, authn.CallInfo{}); err != nil {
		t.Fatalf("refreshed SDK session key: %v", err)
	}
	assertNoSecrets(t, e, []string{ptok, s1tok, s2tok})
}

// A key minted before the digest index opens SDK sessions after one ordinary use.
func TestOpenSDKSessionForAnOlderKey(t *testing.T) {
	e := newEnv(t, keys.DefaultPolicy())
	ctx := context.Background()
	tok, hash, err := keys.Generate(nil)
	if err != nil {
		t.Fatal(err)
	}
	old, err := keys.DefaultPolicy().NewRecord(keys.IssueSpec{ID: "old", Scopes: []string{"qot:read"}, ExpiresIn: time.Hour}, hash, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := e.st.Issue(ctx, old); err != nil { // as an older version wrote it: no digest
		t.Fatal(err)
	}
	_, _, err = e.m.OpenSDKSession(ctx, keys.MD5(tok), edge)
	wantRefusal(t, err, gatewayv1.Reason_REASON_INVALID_KEY)
	if _, err := e.st.Validate(ctx, tok, authn.CallInfo{}); err != nil {
		t.Fatal(err)
	}
	stok, s, err := e.m.OpenSDKSession(ctx, keys.MD5(tok), edge)
	if err != nil || s.ParentID != "old" {
		t.Fatalf("after one validation: %+v, %v", s, err)
	}
	assertNoSecrets(t, e, []string{tok, stok})
}

// assertNoSecrets is assertNoPlaintext for the keys and their MD5s (the SDK's
// credential), upper and lower case.
func assertNoSecrets(t *testing.T, e *env, tokens []string) {
	t.Helper()
	assertNoPlaintext(t, e, tokens)
	all := strings.ToLower(dump(t, e) + e.logs.String())
	if !strings.Contains(all, "futugw:md5:") {
		t.Fatal("no digest entries in Redis; the check is vacuous")
	}
	for _, tok := range tokens {
		if strings.Contains(all, keys.MD5(tok)) {
			t.Errorf("the MD5 of a key is in Redis, the audit or the logs")
		}
	}
}

// An SDK session opened with the panel's session key, refreshed by the edge, ends when
// the panel logs out with a later key of its session (refreshed too).
func TestPanelLogoutEndsRefreshedSDKSession(t *testing.T) {
	e := newEnv(t, keys.DefaultPolicy())
	ctx := context.Background()
	_, parent, err := e.m.Issue(ctx, keys.IssueSpec{ID: "user", Scopes: []string{"qot:read"}, ExpiresIn: time.Hour}, admin)
	if err != nil {
		t.Fatal(err)
	}
	ptok, panel, err := e.m.CreateSession(ctx, parent.Hash, keys.SessionSpec{}, admin)
	if err != nil {
		t.Fatal(err)
	}
	_, sdk, err := e.m.OpenSDKSession(ctx, keys.MD5(ptok), edge)
	if err != nil {
		t.Fatal(err)
	}
	sdk2tok, _, err := e.m.Refresh(ctx, sdk.Hash, edge)
	if err != nil {
		t.Fatal(err)
	}
	_, panel2, err := e.m.Refresh(ctx, panel.Hash, admin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.Validate(ctx, sdk2tok, authn.CallInfo{}); err != nil {
		t.Fatalf("the SDK session after the panel's refresh: %v", err)
	}
	if err := e.m.Logout(ctx, panel2.Hash, admin); err != nil {
		t.Fatal(err)
	}
	_, err = e.st.Validate(ctx, sdk2tok, authn.CallInfo{})
	wantRefusal(t, err, gatewayv1.Reason_REASON_REVOKED_KEY)
}
