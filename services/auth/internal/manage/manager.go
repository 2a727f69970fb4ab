// Package manage carries out the key operations: it applies the keys policies, stores
// through the Redis store, audits and counts each operation. No transport types: the
// gRPC handlers and the bootstrap at startup both call it.
package manage

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/audit"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/services/auth/internal/keys"
	"github.com/futugw/gateway/services/auth/internal/store"
)

// ErrAlreadyRefreshed refuses a second refresh of one session key: it has a successor
// already, and a second one would fork the session.
var ErrAlreadyRefreshed = errors.New("this session key was already refreshed; use the key that refresh returned")

// Actor is who asks for an operation, for the audit.
type Actor struct {
	KeyID  string // the caller's key id ("" for the service itself)
	Client string // the end client's address
}

// Options configure a Manager. Store is required.
type Options struct {
	Store    *store.Store
	Policy   keys.Policy
	Audit    *audit.Log // nil: nothing audited
	Logger   *slog.Logger
	Metrics  prometheus.Registerer
	Now      func() time.Time
	Rand     io.Reader              // nil: crypto/rand
	OnRevoke func(tokenHash string) // drop the local cache entry at once
}

// Manager performs key operations. Safe for concurrent use.
type Manager struct {
	o   Options
	log *slog.Logger

	issued   prometheus.Counter
	revoked  prometheus.Counter
	sessions *prometheus.CounterVec
}

// New returns a Manager.
func New(o Options) *Manager {
	o.Logger = obs.OrDiscard(o.Logger)
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.OnRevoke == nil {
		o.OnRevoke = func(string) {}
	}
	m := &Manager{o: o, log: o.Logger,
		issued: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "futugw_auth_keys_issued_total", Help: "Long-lived keys issued."}),
		revoked: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "futugw_auth_keys_revoked_total", Help: "Keys revoked, session keys included."}),
		sessions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "futugw_auth_sessions_total", Help: "Session operations by op: create, refresh, logout, sdk (OpenSDKSession)."}, []string{"op"}),
	}
	if o.Metrics != nil {
		o.Metrics.MustRegister(m.issued, m.revoked, m.sessions)
	}
	return m
}

// Issue mints a long-lived key. It returns the plaintext, shown once, and the record.
func (m *Manager) Issue(ctx context.Context, spec keys.IssueSpec, by Actor) (string, keys.Record, error) {
	if err := m.o.Policy.CheckIssue(spec); err != nil {
		return "", keys.Record{}, err
	}
	if spec.ID == "" {
		id, err := keys.NewID(m.o.Rand, "key")
		if err != nil {
			return "", keys.Record{}, err
		}
		spec.ID = id
	}
	token, hash, err := keys.Generate(m.o.Rand)
	if err != nil {
		return "", keys.Record{}, err
	}
	rec, err := m.o.Policy.NewRecord(spec, hash, m.o.Now())
	if err != nil {
		return "", keys.Record{}, err
	}
	rec.DigestHash = keys.DigestHash(keys.MD5(token))
	if err := m.o.Store.Issue(ctx, rec); err != nil {
		return "", keys.Record{}, err
	}
	m.issued.Inc()
	fields := map[string]string{"by": by.KeyID, "scopes": joinScopes(rec.Scopes), "expires_at": timeField(rec.ExpiresAt)}
	m.audit(ctx, "key_issued", rec.ID, by, fields)
	m.log.Info("key issued", "key_id", rec.ID, "by", by.KeyID, "scopes", rec.Scopes, "expires_at", timeField(rec.ExpiresAt))
	if rec.LongLivedOverride {
		m.audit(ctx, "long_lived_override", rec.ID, by, fields)
		m.log.Warn("trade:real key issued beyond the 24h cap by explicit override",
			"key_id", rec.ID, "by", by.KeyID, "expires_at", timeField(rec.ExpiresAt))
	}
	return token, rec, nil
}

// Get returns the record of key id.
func (m *Manager) Get(ctx context.Context, id string) (keys.Record, error) {
	return m.o.Store.GetByID(ctx, id)
}

// List returns every live key.
func (m *Manager) List(ctx context.Context) ([]keys.Record, error) { return m.o.Store.List(ctx) }

// Revoke revokes key id and its session keys.
func (m *Manager) Revoke(ctx context.Context, id string, by Actor) error {
	return m.revokeWith(ctx, m.o.Store.Revoke, id, by, "key_revoked")
}

// revokeWith runs a store revocation and announces and audits every key it
// revoked, also when it failed part-way (what it revoked stays revoked).
func (m *Manager) revokeWith(ctx context.Context, revoke func(context.Context, string) ([]keys.Record, error),
	id string, by Actor, action string) error {
	recs, err := revoke(ctx, id)
	for i, r := range recs {
		m.o.OnRevoke(r.Hash)
		m.revoked.Inc()
		f := map[string]string{"by": by.KeyID}
		if i > 0 {
			f["cause"] = action + " of " + id
		}
		m.audit(ctx, action, r.ID, by, f)
		m.log.Info("key revoked", "key_id", r.ID, "by", by.KeyID, "action", action)
	}
	return err
}

// CreateSession mints a session key under the caller's key (given by its hash). The
// parent is read from Redis, not from any cache, so a just-revoked key cannot mint one.
func (m *Manager) CreateSession(ctx context.Context, callerHash string, spec keys.SessionSpec, by Actor) (string, keys.Record, error) {
	parent, err := m.o.Store.Get(ctx, callerHash)
	if err != nil {
		return "", keys.Record{}, err
	}
	token, rec, err := m.mint(ctx, func(id, hash string) (keys.Record, error) {
		return m.o.Policy.NewSession(parent, spec, id, hash, m.o.Now())
	})
	if err != nil {
		return "", keys.Record{}, err
	}
	m.sessions.WithLabelValues("create").Inc()
	m.audit(ctx, "session_created", rec.ID, by, map[string]string{"parent_id": parent.ID, "expires_at": timeField(rec.ExpiresAt)})
	return token, rec, nil
}

// Refresh rotates the caller's session key: a new key with a fresh life, and the old
// one kept valid only for the refresh grace.
func (m *Manager) Refresh(ctx context.Context, callerHash string, by Actor) (string, keys.Record, error) {
	old, err := m.o.Store.Get(ctx, callerHash)
	if err != nil {
		return "", keys.Record{}, err
	}
	if !old.IsSession() {
		return "", keys.Record{}, &keys.PolicyError{Rule: "refresh_not_session",
			Msg: "only a session key can be refreshed; create one with CreateSession"}
	}
	parent, err := m.o.Store.GetByID(ctx, old.ParentID)
	if errors.Is(err, store.ErrNotFound) {
		return "", keys.Record{}, store.ErrParentGone
	}
	if err != nil {
		return "", keys.Record{}, err
	}
	// One successor per key: a second refresh of the same key (concurrent, or with
	// the old key during its grace) would fork the session.
	claimed, err := m.o.Store.ClaimRotation(ctx, old)
	if err != nil {
		return "", keys.Record{}, err
	}
	if !claimed {
		return "", keys.Record{}, ErrAlreadyRefreshed
	}
	token, rec, err := m.mint(ctx, func(id, hash string) (keys.Record, error) {
		return m.o.Policy.Refresh(old, parent, id, hash, m.o.Now())
	})
	if err != nil {
		return "", keys.Record{}, err
	}
	kept, err := m.o.Store.Shorten(ctx, old, m.o.Policy.GraceTTL(old, m.o.Now()))
	if err != nil || !kept {
		// The old key was revoked or logged out meanwhile (or we cannot tell): the
		// successor must not outlive it. A logout killing the old key later finds
		// the successor among the session's keys.
		if _, kerr := m.o.Store.Revoke(context.WithoutCancel(ctx), rec.ID); kerr != nil {
			m.log.Error("revoking the successor of a revoked session key", "key_id", rec.ID, obs.Err(kerr))
		}
		if err != nil {
			return "", keys.Record{}, err
		}
		return "", keys.Record{}, store.ErrRevoked
	}
	m.sessions.WithLabelValues("refresh").Inc()
	m.audit(ctx, "session_refreshed", rec.ID, by, map[string]string{"previous_id": old.ID, "parent_id": parent.ID})
	return token, rec, nil
}

// OpenSDKSession mints the session key of a socket of Futu's JavaScript SDK, whose
// page presented keyMD5, the MD5 of a futugw key (an edge calls it; by.KeyID is the
// edge's key, by.Client the SDK's address). The key is found by its digest, read from
// Redis (refusals as Validate's, audited); the session is the one CreateSession would
// mint for it with nothing narrowed, or, for a session key, its sibling under the same
// parent (keys.Policy.NewSDKSession). The digest and the plaintext appear nowhere.
func (m *Manager) OpenSDKSession(ctx context.Context, keyMD5 string, by Actor) (string, keys.Record, error) {
	info := authn.CallInfo{Client: by.Client, Method: gatewayv1.AuthService_OpenSDKSession_FullMethodName}
	presented, err := m.o.Store.ValidateDigest(ctx, keyMD5, info)
	if err != nil {
		return "", keys.Record{}, err
	}
	parent := presented
	if presented.IsSession() {
		parent, err = m.o.Store.GetByID(ctx, presented.ParentID)
		if errors.Is(err, store.ErrNotFound) {
			return "", keys.Record{}, store.ErrParentGone
		}
		if err != nil {
			return "", keys.Record{}, err
		}
	}
	token, rec, err := m.mint(ctx, func(id, hash string) (keys.Record, error) {
		return m.o.Policy.NewSDKSession(presented, parent, id, hash, m.o.Now())
	})
	if errors.Is(err, store.ErrExpired) || errors.Is(err, store.ErrParentGone) {
		// The presented key (or its parent) ended since it was validated: the page
		// hears why, as a login a moment later would.
		if _, verr := m.o.Store.ValidateDigest(ctx, keyMD5, info); verr != nil {
			return "", keys.Record{}, verr
		}
	}
	if err != nil {
		return "", keys.Record{}, err
	}
	if presented.IsSession() {
		// A logout of the presented session racing this: the new session is linked
		// to the parent now, so either the logout found it among the parent's
		// sessions, or it killed the presented key before, and this sees that.
		if _, err := m.o.Store.Get(ctx, presented.Hash); err != nil {
			if _, kerr := m.o.Store.Revoke(context.WithoutCancel(ctx), rec.ID); kerr != nil {
				m.log.Error("revoking the SDK session of an ended session", "key_id", rec.ID, obs.Err(kerr))
			}
			return "", keys.Record{}, err
		}
	}
	m.sessions.WithLabelValues("sdk").Inc()
	m.audit(ctx, "sdk_session", rec.ID, by, map[string]string{"by": by.KeyID, "presented_id": presented.ID,
		"parent_id": parent.ID, "expires_at": timeField(rec.ExpiresAt)})
	m.log.Info("sdk session opened", "key_id", rec.ID, "presented_key_id", presented.ID, "parent_id", parent.ID,
		"by", by.KeyID, "client", by.Client)
	return token, rec, nil
}

// Logout revokes the caller's session key. A long-lived key is refused: logging out
// must never destroy a key that was handed out on purpose.
func (m *Manager) Logout(ctx context.Context, callerHash string, by Actor) error {
	rec, err := m.o.Store.Get(ctx, callerHash)
	if err != nil {
		return err
	}
	if !rec.IsSession() {
		return &keys.PolicyError{Rule: "logout_not_session",
			Msg: "logout ends session keys only; revoke a long-lived key with RevokeKey"}
	}
	m.sessions.WithLabelValues("logout").Inc()
	// The whole session ends: earlier keys in their grace, any successor, and the SDK
	// sessions opened with one of its keys.
	return m.revokeWith(ctx, m.o.Store.RevokeSession, rec.ID, by, "logout")
}

// mint generates a session key and stores the record build makes for it, retrying
// once on the (astronomically unlikely) clash of a random id.
func (m *Manager) mint(ctx context.Context, build func(id, hash string) (keys.Record, error)) (string, keys.Record, error) {
	for attempt := 0; ; attempt++ {
		id, err := keys.NewID(m.o.Rand, "sess")
		if err != nil {
			return "", keys.Record{}, err
		}
		token, hash, err := keys.Generate(m.o.Rand)
		if err != nil {
			return "", keys.Record{}, err
		}
		rec, err := build(id, hash)
		if err != nil {
			return "", keys.Record{}, err
		}
		rec.DigestHash = keys.DigestHash(keys.MD5(token))
		err = m.o.Store.Issue(ctx, rec)
		if errors.Is(err, store.ErrIDTaken) && attempt == 0 {
			continue
		}
		return token, rec, err
	}
}

// audit appends an entry; a failure is logged, not returned: the operation happened.
func (m *Manager) audit(ctx context.Context, action, keyID string, by Actor, fields map[string]string) {
	if m.o.Audit == nil {
		return
	}
	e := audit.Entry{Action: action, KeyID: keyID, Client: by.Client, Fields: fields}
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
	defer cancel()
	if err := m.o.Audit.Append(actx, e); err != nil {
		m.log.Error("audit append failed", "action", action, "key_id", keyID, obs.Err(err))
	}
}

func joinScopes(s []string) string { return strings.Join(s, ",") }

func timeField(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format(time.RFC3339)
}
