package keys

import (
	"cmp"
	"slices"
	"time"
)

// Record is what the service stores for a key (never its plaintext).
type Record struct {
	ID                string    `json:"id"`
	Hash              string    `json:"hash"` // hex SHA-256 of the plaintext
	Scopes            []string  `json:"scopes"`
	Limits            Limits    `json:"limits,omitzero"`
	CreatedAt         time.Time `json:"created_at"`
	ExpiresAt         time.Time `json:"expires_at,omitzero"` // zero: never expires
	Note              string    `json:"note,omitempty"`
	ParentID          string    `json:"parent_id,omitempty"`         // set on session keys
	SessionStartedAt  time.Time `json:"session_started_at,omitzero"` // first session of a refresh chain
	SessionID         string    `json:"session_id,omitempty"`        // the first session key's id, kept across refreshes
	LongLivedOverride bool      `json:"long_lived_override,omitempty"`
	// OriginSession is set on an SDK socket's session opened with a session key's MD5:
	// that session's id, so logging it out ends the socket's session too.
	OriginSession string `json:"origin_session,omitempty"`
	// DigestHash is DigestHash(MD5(plaintext)): it names the key's entry in the SDK
	// digest index, so revoking the key removes it. Empty on keys minted before the
	// index existed, until their first validation adds them.
	DigestHash string `json:"digest_hash,omitempty"`
}

// Has reports whether the key holds scope exactly (admin implies nothing else).
func (r *Record) Has(scope string) bool { return slices.Contains(r.Scopes, scope) }

// IsSession reports whether the record is a session key.
func (r *Record) IsSession() bool { return r.ParentID != "" }

// EndsWith reports whether logging out session ends this key: it belongs to the
// session, or was opened from it (OriginSession).
func (r *Record) EndsWith(session string) bool {
	return r.Session() == session || r.OriginSession == session
}

// Session names the session the key belongs to: stable across refreshes, the key's own
// id for keys that are not session keys.
func (r *Record) Session() string { return cmp.Or(r.SessionID, r.ID) }

// TTL is the remaining life at now: 0 when the key never expires, negative or zero
// remaining life is returned as a negative duration (expired).
func (r *Record) TTL(now time.Time) (ttl time.Duration, expires bool) {
	if r.ExpiresAt.IsZero() {
		return 0, false
	}
	return r.ExpiresAt.Sub(now), true
}

// Expired reports whether the key has expired at now.
func (r *Record) Expired(now time.Time) bool {
	return !r.ExpiresAt.IsZero() && !now.Before(r.ExpiresAt)
}
