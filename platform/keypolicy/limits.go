package keypolicy

import "slices"

// Bounds of a key's max_orders_per_minute.
const (
	MinOrdersPerMinute = 1
	MaxOrdersPerMinute = 10000
)

// Markets lists the market codes a key's allowed_markets and allowed_symbols may name.
func Markets() []string { return []string{"HK", "US", "CN", "HKCC", "SG", "JP", "AU", "MY", "CA"} }

// KnownMarket reports whether m is one of Markets, exactly.
func KnownMarket(m string) bool { return slices.Contains(Markets(), m) }

// TrdSides lists the sides a key's allowed_trd_sides may name.
func TrdSides() []string { return []string{"BUY", "SELL", "SELL_SHORT", "BUY_BACK"} }

// KnownTrdSide reports whether s is one of TrdSides, exactly.
func KnownTrdSide(s string) bool { return slices.Contains(TrdSides(), s) }
