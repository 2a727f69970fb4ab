package keypolicy

import "testing"

func TestScopes(t *testing.T) {
	for _, s := range Scopes() {
		if !KnownScope(s) {
			t.Errorf("KnownScope(%q) = false", s)
		}
	}
	for _, s := range []string{"", "ADMIN", "qot:read ", "trade", "qot:writes"} {
		if KnownScope(s) {
			t.Errorf("KnownScope(%q) = true", s)
		}
	}
	if TradeScope(true) != ScopeTradeReal || TradeScope(false) != ScopeTradeSimulate {
		t.Error("TradeScope maps real/simulated accounts to the wrong scope")
	}
	if got, want := ScopeList(), "qot:read, qot:write, acc:read, trade:simulate, trade:real, admin, service"; got != want {
		t.Errorf("ScopeList() = %q, want %q", got, want)
	}
}
