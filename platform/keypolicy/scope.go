package keypolicy

import (
	"slices"
	"strings"
)

// Scopes a key can hold, as they appear on the wire and in stored records. admin does
// not imply the others: a key gets exactly the scopes it lists.
const (
	ScopeQotRead       = "qot:read"       // quotes and subscriptions
	ScopeQotWrite      = "qot:write"      // the Futu user's own quote-side state: watchlists, price reminders
	ScopeAccRead       = "acc:read"       // account reads and trade pushes
	ScopeTradeSimulate = "trade:simulate" // orders on simulated accounts
	ScopeTradeReal     = "trade:real"     // orders on real accounts
	ScopeAdmin         = "admin"          // issue, list and revoke keys; read the audit
	ScopeService       = "service"        // edge-to-service push streams (a deployment's own key)
)

// Scopes lists every scope in display order.
func Scopes() []string {
	return []string{ScopeQotRead, ScopeQotWrite, ScopeAccRead, ScopeTradeSimulate, ScopeTradeReal, ScopeAdmin, ScopeService}
}

// KnownScope reports whether s is one of the scopes, exactly (no case folding).
func KnownScope(s string) bool { return slices.Contains(Scopes(), s) }

// ScopeList is the scopes for messages and help texts: "qot:read, acc:read, ...".
func ScopeList() string { return strings.Join(Scopes(), ", ") }

// TradeScope is the scope an order needs on a real (true) or simulated account.
func TradeScope(real bool) string {
	if real {
		return ScopeTradeReal
	}
	return ScopeTradeSimulate
}
