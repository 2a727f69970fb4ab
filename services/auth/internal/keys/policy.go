package keys

import (
	"time"

	"github.com/futugw/gateway/platform/keypolicy"
)

// Policy holds the time limits the service enforces. DefaultPolicy gives the values of
// the contract; tests shorten them.
type Policy struct {
	RealKeyMaxTTL   time.Duration // longest life of a trade:real key without the override
	SessionTTL      time.Duration // default and maximum life of one session key
	SessionLifetime time.Duration // cap on a refresh chain, from its first session
	RefreshGrace    time.Duration // how long the old session key keeps working after refresh
	MaxTTL          time.Duration // longest expiry any key may ask for
}

// DefaultPolicy is 24 h for trade:real, 30 min sessions, 12 h session chains, 30 s
// refresh grace, and at most ten years for any key.
func DefaultPolicy() Policy {
	return Policy{
		RealKeyMaxTTL:   24 * time.Hour,
		SessionTTL:      30 * time.Minute,
		SessionLifetime: 12 * time.Hour,
		RefreshGrace:    30 * time.Second,
		MaxTTL:          10 * 365 * 24 * time.Hour,
	}
}

// MinTTL is the shortest expiry a key may ask for; shorter ones are surely typos.
const MinTTL = time.Second

// checkExpiresIn reports a negative or sub-second expiry; 0 means the default.
func checkExpiresIn(p *problems, d time.Duration) {
	if d < 0 {
		p.add("expires_in", "must not be negative")
	} else if d > 0 && d < MinTTL {
		p.add("expires_in", "must be at least 1s")
	}
}

// maxIDLen bounds key ids, which appear in Redis key names and logs.
const maxIDLen = 64

// CheckID reports whether id is usable: 1-64 of A-Z a-z 0-9 . _ - starting with a
// letter or digit.
func CheckID(id string) error {
	var p problems
	checkID(&p, "id", id)
	return p.err()
}

func checkID(p *problems, field, id string) {
	switch {
	case id == "":
		p.add(field, "must not be empty")
	case len(id) > maxIDLen:
		p.add(field, "longer than 64 characters")
	case !isUpper(id[0]) && !isLower(id[0]) && !isDigit(id[0]):
		p.add(field, quote(id)+" must start with a letter or digit")
	case !all(id, func(c byte) bool { return isUpper(c) || isLower(c) || isDigit(c) || c == '.' || c == '_' || c == '-' }):
		p.add(field, quote(id)+" may only hold A-Z a-z 0-9 . _ -")
	}
}

// checkScopes reports unknown, duplicate or missing scopes under field.
func checkScopes(p *problems, field string, scopes []string) {
	if len(scopes) == 0 {
		p.add(field, "at least one scope is required ("+keypolicy.ScopeList()+")")
		return
	}
	seen := map[string]bool{}
	for _, s := range scopes {
		switch {
		case !keypolicy.KnownScope(s):
			p.add(field, "unknown scope "+quote(s)+" (want one of "+keypolicy.ScopeList()+")")
		case seen[s]:
			p.add(field, "scope "+s+" given twice")
		}
		seen[s] = true
	}
}

func isLower(c byte) bool { return c >= 'a' && c <= 'z' }
