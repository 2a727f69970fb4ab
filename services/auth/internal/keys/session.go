package keys

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/futugw/gateway/platform/keypolicy"
)

// SessionSpec asks for a session key under a parent key. Empty fields inherit the
// parent's value; given fields may only narrow it.
type SessionSpec struct {
	Scopes    []string
	Limits    Limits
	ExpiresIn time.Duration // 0 = Policy.SessionTTL
}

// NewSession returns the record of a session key under parent, which must be a
// long-lived key (a session key rotates with Refresh instead). Scopes and list limits
// must be subsets of the parent's, numbers no larger, the hours window inside the
// parent's; anything wider is a *PolicyError rather than being silently cut, so the
// caller learns what it will not get. The session never outlives its parent.
func (pol Policy) NewSession(parent Record, spec SessionSpec, id, hash string, now time.Time) (Record, error) {
	if parent.IsSession() {
		return Record{}, &PolicyError{Rule: "session_from_session",
			Msg: "a session key cannot create another session; use RefreshSession to rotate it"}
	}
	var p problems
	if len(spec.Scopes) > 0 {
		checkScopes(&p, "scopes", spec.Scopes)
	}
	spec.Limits.check(&p, "limits")
	checkExpiresIn(&p, spec.ExpiresIn)
	if err := p.err(); err != nil {
		return Record{}, err
	}
	if spec.ExpiresIn > pol.SessionTTL {
		return Record{}, &PolicyError{Rule: "session_ttl",
			Msg: fmt.Sprintf("a session key lives at most %v; asked for %v", pol.SessionTTL, spec.ExpiresIn)}
	}
	scopes, err := narrowList("scope", parent.Scopes, spec.Scopes)
	if err != nil {
		return Record{}, err
	}
	lim, err := narrowLimits(parent.Limits, spec.Limits)
	if err != nil {
		return Record{}, err
	}
	if err := lim.Check("limits"); err != nil {
		// Each side was valid alone; the combination can still clash (a symbol of a
		// market the parent does not allow).
		return Record{}, &PolicyError{Rule: "session_wider_than_parent", Msg: err.Error()}
	}
	ttl := cmp.Or(spec.ExpiresIn, pol.SessionTTL)
	rec := Record{
		ID: id, Hash: hash, Scopes: scopes, Limits: lim.canonical(),
		CreatedAt: now.UTC(), ParentID: parent.ID, SessionStartedAt: now.UTC(), SessionID: id,
		ExpiresAt: pol.capSession(now, now.Add(ttl), parent.ExpiresAt, now),
	}
	return rec, nil
}

// SDKNote marks the session keys OpenSDKSession mints, in listings.
const SDKNote = "futu-api SDK socket"

// NewSDKSession returns the record of the session key for an SDK socket whose page
// presented key (by its MD5). For a long-lived key it is the session CreateSession
// would mint with no narrowing asked: the key's scopes and limits, Policy.SessionTTL,
// never beyond the key's expiry. For a session key (the panel's login, say), which
// cannot parent a session, the new session is its sibling: a child of its parent,
// with its scopes and limits, so the order limits and idempotency keys of the parent
// stay shared, and on the presented session's chain, so it ends no later than that
// session could by refreshing; logging that session out ends it (OriginSession).
// parent is presented itself or its parent.
func (pol Policy) NewSDKSession(presented, parent Record, id, hash string, now time.Time) (Record, error) {
	if !presented.IsSession() {
		rec, err := pol.NewSession(presented, SessionSpec{}, id, hash, now)
		if err != nil {
			return Record{}, err
		}
		rec.Note = SDKNote
		return rec, nil
	}
	if presented.ParentID != parent.ID {
		return Record{}, fmt.Errorf("keys: parent %q does not match the session's parent %q", parent.ID, presented.ParentID)
	}
	rec, err := pol.NewSession(parent, SessionSpec{Scopes: presented.Scopes, Limits: presented.Limits}, id, hash, now)
	if err != nil {
		return Record{}, err
	}
	started := presented.SessionStartedAt
	if started.IsZero() {
		started = presented.CreatedAt
	}
	rec.SessionStartedAt = started.UTC()
	rec.OriginSession = cmp.Or(presented.OriginSession, presented.Session())
	rec.ExpiresAt = pol.capSession(now, now.Add(pol.SessionTTL), parent.ExpiresAt, started)
	if !rec.ExpiresAt.After(now.Add(MinTTL)) {
		return Record{}, &PolicyError{Rule: "session_lifetime",
			Msg: fmt.Sprintf("the presented session reached its total lifetime of %v (or its parent key expires); log in again", pol.SessionLifetime)}
	}
	rec.Note = SDKNote
	return rec, nil
}

// Refresh returns the record of the session key that replaces old: the same scopes
// and limits, a fresh SessionTTL capped by the parent's expiry and by SessionLifetime
// from the chain's first session. It refuses once that cap is reached.
func (pol Policy) Refresh(old, parent Record, id, hash string, now time.Time) (Record, error) {
	if !old.IsSession() {
		return Record{}, &PolicyError{Rule: "refresh_not_session",
			Msg: "only a session key can be refreshed; create one with CreateSession"}
	}
	if old.ParentID != parent.ID {
		return Record{}, fmt.Errorf("keys: parent %q does not match the session's parent %q", parent.ID, old.ParentID)
	}
	started := old.SessionStartedAt
	if started.IsZero() {
		started = old.CreatedAt
	}
	exp := pol.capSession(now, now.Add(pol.SessionTTL), parent.ExpiresAt, started)
	if !exp.After(now.Add(MinTTL)) {
		return Record{}, &PolicyError{Rule: "session_lifetime",
			Msg: fmt.Sprintf("the session reached its total lifetime of %v (or its parent key expires); create a new session", pol.SessionLifetime)}
	}
	rec := old
	rec.ID, rec.Hash, rec.CreatedAt, rec.ExpiresAt = id, hash, now.UTC(), exp
	rec.Scopes = slices.Clone(old.Scopes)
	rec.SessionStartedAt = started.UTC()
	rec.SessionID = old.Session()
	rec.DigestHash = "" // old's, of another plaintext
	return rec, nil
}

// GraceTTL is how long the old session key stays valid after a refresh at now: the
// refresh grace, or less when it expires sooner anyway.
func (pol Policy) GraceTTL(old Record, now time.Time) time.Duration {
	if left, ok := old.TTL(now); ok && left < pol.RefreshGrace {
		return left
	}
	return pol.RefreshGrace
}

// capSession returns the earliest of want, the parent's expiry (when it has one) and
// the chain's lifetime cap.
func (pol Policy) capSession(now, want, parentExp, started time.Time) time.Time {
	exp := want
	if !parentExp.IsZero() && parentExp.Before(exp) {
		exp = parentExp
	}
	if limit := started.Add(pol.SessionLifetime); limit.Before(exp) {
		exp = limit
	}
	return exp.UTC()
}

// narrowList returns want when it is a subset of have, have when want is empty, and
// refuses anything outside have. An empty have means unlimited.
func narrowList(what string, have, want []string) ([]string, error) {
	if len(want) == 0 {
		return slices.Clone(have), nil
	}
	if len(have) == 0 {
		return slices.Clone(want), nil
	}
	for _, w := range want {
		if !slices.Contains(have, w) {
			return nil, &PolicyError{Rule: "session_wider_than_parent",
				Msg: fmt.Sprintf("%s %s is not allowed to the parent key", what, quote(w))}
		}
	}
	return slices.Clone(want), nil
}

func narrowLimits(have, want Limits) (Limits, error) {
	var out Limits
	var err error
	lists := []struct {
		what            string
		have, want, out *[]string
	}{
		{"market", &have.Markets, &want.Markets, &out.Markets},
		{"symbol", &have.Symbols, &want.Symbols, &out.Symbols},
		{"trd side", &have.TrdSides, &want.TrdSides, &out.TrdSides},
		{"account", &have.AccIDs, &want.AccIDs, &out.AccIDs},
	}
	for _, l := range lists {
		if *l.out, err = narrowList(l.what, *l.have, *l.want); err != nil {
			return Limits{}, err
		}
	}
	var errs [4]error
	out.MaxOrderValue, errs[0] = narrowMax("max_order_value", have.MaxOrderValue, want.MaxOrderValue)
	out.MaxDailyValue, errs[1] = narrowMax("max_daily_value", have.MaxDailyValue, want.MaxDailyValue)
	out.MaxOrdersPerMinute, errs[2] = narrowMax("max_orders_per_minute", have.MaxOrdersPerMinute, want.MaxOrdersPerMinute)
	out.HoursWindow, errs[3] = narrowWindow(have.HoursWindow, want.HoursWindow)
	if err := cmp.Or(errs[:]...); err != nil {
		return Limits{}, err
	}
	return out, nil
}

func narrowMax[T int32 | float64](name string, have, want *T) (*T, error) {
	switch {
	case want == nil && have == nil:
		return nil, nil
	case want == nil:
		v := *have
		return &v, nil
	case have != nil && *want > *have:
		return nil, &PolicyError{Rule: "session_wider_than_parent",
			Msg: fmt.Sprintf("%s %v exceeds the parent key's %v", name, *want, *have)}
	}
	v := *want
	return &v, nil
}

func narrowWindow(have, want string) (string, error) {
	if want == "" || have == "" {
		return cmp.Or(want, have), nil
	}
	hw, err1 := keypolicy.ParseHoursWindow(have)
	ww, err2 := keypolicy.ParseHoursWindow(want)
	if err1 != nil || err2 != nil || !ww.Within(hw) {
		return "", &PolicyError{Rule: "session_wider_than_parent",
			Msg: fmt.Sprintf("hours window %s is not inside the parent key's %s", want, have)}
	}
	return want, nil
}
