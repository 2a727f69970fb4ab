// Package convert translates between the key domain (package keys) and the wire
// types: gatewayv1 messages and the authn.Principal the interceptors carry.
package convert

import (
	"slices"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/services/auth/internal/keys"
)

// LimitsFromProto copies l (nil = unlimited) into the domain type.
func LimitsFromProto(l *gatewayv1.KeyLimits) keys.Limits {
	if l == nil {
		return keys.Limits{}
	}
	return keys.Limits{
		Markets:            slices.Clone(l.GetAllowedMarkets()),
		Symbols:            slices.Clone(l.GetAllowedSymbols()),
		TrdSides:           slices.Clone(l.GetAllowedTrdSides()),
		AccIDs:             slices.Clone(l.GetAllowedAccIds()),
		MaxOrderValue:      clonePtr(l.MaxOrderValue),
		MaxDailyValue:      clonePtr(l.MaxDailyValue),
		MaxOrdersPerMinute: clonePtr(l.MaxOrdersPerMinute),
		HoursWindow:        l.GetHoursWindow(),
	}
}

// LimitsToProto returns nil for unlimited, so clients see no limits message at all.
func LimitsToProto(l keys.Limits) *gatewayv1.KeyLimits {
	if isUnlimited(l) {
		return nil
	}
	out := &gatewayv1.KeyLimits{
		AllowedMarkets:     slices.Clone(l.Markets),
		AllowedSymbols:     slices.Clone(l.Symbols),
		AllowedTrdSides:    slices.Clone(l.TrdSides),
		AllowedAccIds:      slices.Clone(l.AccIDs),
		MaxOrderValue:      clonePtr(l.MaxOrderValue),
		MaxDailyValue:      clonePtr(l.MaxDailyValue),
		MaxOrdersPerMinute: clonePtr(l.MaxOrdersPerMinute),
	}
	if l.HoursWindow != "" {
		out.HoursWindow = &l.HoursWindow
	}
	return out
}

func isUnlimited(l keys.Limits) bool {
	return len(l.Markets) == 0 && len(l.Symbols) == 0 && len(l.TrdSides) == 0 && len(l.AccIDs) == 0 &&
		l.MaxOrderValue == nil && l.MaxDailyValue == nil && l.MaxOrdersPerMinute == nil && l.HoursWindow == ""
}

// KeyInfo describes a record for clients; never the plaintext (the record has none).
func KeyInfo(r keys.Record) *gatewayv1.KeyInfo {
	return &gatewayv1.KeyInfo{
		Id:                r.ID,
		Scopes:            slices.Clone(r.Scopes),
		Limits:            LimitsToProto(r.Limits),
		CreatedAt:         timeString(r.CreatedAt),
		ExpiresAt:         timeString(r.ExpiresAt),
		Note:              r.Note,
		ParentId:          r.ParentID,
		SessionId:         r.Session(),
		LongLivedOverride: r.LongLivedOverride,
	}
}

// Principal is the authenticated caller built from a record.
func Principal(r keys.Record) *authn.Principal {
	return &authn.Principal{
		KeyID:     r.ID,
		ParentID:  r.ParentID,
		SessionID: r.Session(),
		Scopes:    slices.Clone(r.Scopes),
		Limits:    LimitsToProto(r.Limits),
		CreatedAt: r.CreatedAt,
		ExpiresAt: r.ExpiresAt,
		TokenHash: r.Hash,
	}
}

// PrincipalInfo describes the caller from its Principal alone, without a Redis round
// trip. The Principal carries no note, so WhoAmI answers without it.
func PrincipalInfo(p *authn.Principal) *gatewayv1.KeyInfo {
	return &gatewayv1.KeyInfo{
		Id:        p.KeyID,
		Scopes:    slices.Clone(p.Scopes),
		Limits:    p.Limits,
		CreatedAt: timeString(p.CreatedAt),
		ExpiresAt: timeString(p.ExpiresAt),
		ParentId:  p.ParentID,
		SessionId: p.Session(),
	}
}

func timeString(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
