package limits

import (
	"slices"
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
	p := Policy{KeyID: keyID, Scopes: scopes}
	if l == nil {
		return p
	}
	p.AllowedAccIDs = l.GetAllowedAccIds()
	p.AllowedMarkets = l.GetAllowedMarkets()
	p.AllowedSymbols = l.GetAllowedSymbols()
	p.AllowedSides = l.GetAllowedTrdSides()
	if l.MaxOrderValue != nil {
		v := l.GetMaxOrderValue()
		p.MaxOrderValue = &v
	}
	if l.MaxDailyValue != nil {
		v := l.GetMaxDailyValue()
		p.MaxDailyValue = &v
	}
	if l.MaxOrdersPerMinute != nil {
		v := l.GetMaxOrdersPerMinute()
		p.MaxPerMinute = &v
	}
	p.HoursWindow = l.GetHoursWindow()
	return p
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
