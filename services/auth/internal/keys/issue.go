package keys

import (
	"fmt"
	"time"

	"github.com/futugw/gateway/platform/keypolicy"
)

// IssueSpec is a request for a new long-lived key.
type IssueSpec struct {
	ID                 string // "" lets the caller generate one
	Scopes             []string
	Limits             Limits
	ExpiresIn          time.Duration // 0 = never expires
	Note               string
	AllowLongLivedReal bool // the audited override of the trade:real cap
}

// maxNoteLen bounds the free-text note.
const maxNoteLen = 256

// NewRecord checks spec against the policy and returns the record to store for the
// key whose plaintext hashes to hash. Malformed input gives *InvalidError; a
// trade:real key living longer than RealKeyMaxTTL (or forever) without the override
// gives *PolicyError. With the override, the record is marked LongLivedOverride so the
// caller audits it.
func (pol Policy) NewRecord(spec IssueSpec, hash string, now time.Time) (Record, error) {
	if err := pol.CheckIssue(spec); err != nil {
		return Record{}, err
	}
	rec := Record{
		ID:        spec.ID,
		Hash:      hash,
		Scopes:    append([]string(nil), spec.Scopes...),
		Limits:    spec.Limits.canonical(),
		CreatedAt: now.UTC(),
		Note:      spec.Note,
	}
	if spec.ExpiresIn > 0 {
		rec.ExpiresAt = now.Add(spec.ExpiresIn).UTC()
	}
	rec.LongLivedOverride = rec.Has(keypolicy.ScopeTradeReal) && pol.beyondRealCap(spec.ExpiresIn)
	return rec, nil
}

// CheckIssue validates spec without building a record; the CLI runs it before any RPC.
func (pol Policy) CheckIssue(spec IssueSpec) error {
	var p problems
	if spec.ID != "" {
		checkID(&p, "id", spec.ID)
	}
	checkScopes(&p, "scopes", spec.Scopes)
	spec.Limits.check(&p, "limits")
	checkExpiresIn(&p, spec.ExpiresIn)
	if spec.ExpiresIn > pol.MaxTTL {
		p.add("expires_in", fmt.Sprintf("must be at most %v", pol.MaxTTL))
	}
	if len(spec.Note) > maxNoteLen {
		p.add("note", fmt.Sprintf("longer than %d bytes", maxNoteLen))
	}
	if err := p.err(); err != nil {
		return err
	}
	for _, s := range spec.Scopes {
		if s == keypolicy.ScopeTradeReal && pol.beyondRealCap(spec.ExpiresIn) && !spec.AllowLongLivedReal {
			return &PolicyError{Rule: "trade_real_max_ttl", Msg: fmt.Sprintf(
				"a trade:real key must expire within %v; set expires_in (e.g. 8h) or issue it with allow_long_lived_real, which is audited",
				pol.RealKeyMaxTTL)}
		}
	}
	return nil
}

func (pol Policy) beyondRealCap(expiresIn time.Duration) bool {
	return expiresIn == 0 || expiresIn > pol.RealKeyMaxTTL
}
