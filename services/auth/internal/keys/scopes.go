package keys

import "github.com/futugw/gateway/platform/keypolicy"

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
