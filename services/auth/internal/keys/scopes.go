package keys

import "slices"

// Scopes a key can hold. They equal the authn package's constants; a test in the
// server package keeps them in step.
const (
	ScopeQotRead       = "qot:read"
	ScopeAccRead       = "acc:read"
	ScopeTradeSimulate = "trade:simulate"
	ScopeTradeReal     = "trade:real"
	ScopeAdmin         = "admin"
	ScopeService       = "service"
)

// knownScopes lists every scope in display order.
func knownScopes() []string {
	return []string{ScopeQotRead, ScopeAccRead, ScopeTradeSimulate, ScopeTradeReal, ScopeAdmin, ScopeService}
}

// KnownScope reports whether s is a scope a key can hold.
func KnownScope(s string) bool { return slices.Contains(knownScopes(), s) }

// checkScopes reports unknown, duplicate or missing scopes under field.
func checkScopes(p *problems, field string, scopes []string) {
	if len(scopes) == 0 {
		p.add(field, "at least one scope is required (qot:read, acc:read, trade:simulate, trade:real, admin, service)")
		return
	}
	seen := map[string]bool{}
	for _, s := range scopes {
		switch {
		case !KnownScope(s):
			p.add(field, "unknown scope "+quote(s)+" (want qot:read, acc:read, trade:simulate, trade:real, admin or service)")
		case seen[s]:
			p.add(field, "scope "+s+" given twice")
		}
		seen[s] = true
	}
}
