// Package limits decides whether an API key may place an order: the key's scopes and
// whitelists, its hours window, the order's own validity (lot, tick, price), its value,
// and the counted limits (orders per sliding minute, value per UTC day) that a single
// Redis script checks and reserves atomically. It knows nothing about gRPC: refusals
// are *Refusal values with a stable reason that the server maps to a status.
package limits

import (
	"slices"
	"strconv"
	"strings"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
)

// Policy is one key's scopes and limits. Empty lists and nil caps mean unlimited.
type Policy struct {
	// KeyID is the key the counted limits are booked under: the parent of a session
	// key (authn.Principal.Owner), so all its sessions share one window and one day.
	KeyID          string
	Scopes         []string
	AllowedAccIDs  []string
	AllowedMarkets []string
	AllowedSymbols []string
	AllowedSides   []string
	MaxOrderValue  *float64
	MaxDailyValue  *float64
	MaxPerMinute   *int32
	HoursWindow    string
}

// PolicyFrom builds a Policy from a key's id, scopes and limits (nil = unlimited).
func PolicyFrom(keyID string, scopes []string, l *gatewayv1.KeyLimits) Policy {
	if l == nil {
		l = &gatewayv1.KeyLimits{}
	}
	return Policy{KeyID: keyID, Scopes: scopes,
		AllowedAccIDs: l.GetAllowedAccIds(), AllowedMarkets: l.GetAllowedMarkets(),
		AllowedSymbols: l.GetAllowedSymbols(), AllowedSides: l.GetAllowedTrdSides(),
		MaxOrderValue: l.MaxOrderValue, MaxDailyValue: l.MaxDailyValue, MaxPerMinute: l.MaxOrdersPerMinute,
		HoursWindow: l.GetHoursWindow()}
}

// AccountAllowed reports whether the key may use account acc (decimal id).
func (p Policy) AccountAllowed(acc string) bool {
	return len(p.AllowedAccIDs) == 0 || slices.Contains(p.AllowedAccIDs, acc)
}

// MarketAllowed reports whether the key may trade in market (HK, US, ...).
func (p Policy) MarketAllowed(market string) bool {
	return len(p.AllowedMarkets) == 0 || containsFold(p.AllowedMarkets, market)
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(strings.TrimSpace(v), s) {
			return true
		}
	}
	return false
}

func (p Policy) has(scope string) bool { return slices.Contains(p.Scopes, scope) }

// Order is what the checks look at, already normalised by the caller.
type Order struct {
	Real     bool    // trd_env real (else simulate)
	AccID    uint64  // OpenD account id
	Market   string  // trading market name: HK, US, CN, HKCC
	SecKey   string  // "HK.00700": the security's market prefix and code
	Side     string  // BUY, SELL, SELL_SHORT, BUY_BACK
	IsMarket bool    // a market order (else a limit order)
	Price    float64 // limit price; ignored for market orders
	Qty      float64
}

// SecMarket returns the market prefix of SecKey ("HK" of "HK.00700").
func (o Order) SecMarket() string {
	m, _, _ := strings.Cut(o.SecKey, ".")
	return m
}

// AccIDString is the account id as allowed_acc_ids spells it.
func (o Order) AccIDString() string { return strconv.FormatUint(o.AccID, 10) }
