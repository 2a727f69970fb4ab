package authn

// Scopes a key can carry. admin does not imply the others: a key gets exactly the
// scopes it lists.
const (
	ScopeQotRead       = "qot:read"       // quotes and subscriptions
	ScopeAccRead       = "acc:read"       // account reads and trade pushes
	ScopeTradeSimulate = "trade:simulate" // orders on simulated accounts
	ScopeTradeReal     = "trade:real"     // orders on real accounts
	ScopeAdmin         = "admin"          // issue, list and revoke keys; read the audit
	ScopeService       = "service"        // edge-to-service push streams (a deployment's own key)
)

// KnownScope reports whether s is one of the scope constants.
func KnownScope(s string) bool {
	switch s {
	case ScopeQotRead, ScopeAccRead, ScopeTradeSimulate, ScopeTradeReal, ScopeAdmin, ScopeService:
		return true
	}
	return false
}
