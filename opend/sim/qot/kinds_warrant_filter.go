package qot

import (
	"math"
	"slices"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetwarrant"
	"github.com/futugw/gateway/opend/sim/calendar"
)

// bound is one closed [lo, hi] filter; nil ends are open. Futu truncates the
// bounds to three decimals.
type bound struct {
	lo, hi *float64
	value  func(warrantRow) (float64, bool) // false: the field does not apply
}

func (b bound) pass(r warrantRow) bool {
	if b.lo == nil && b.hi == nil {
		return true
	}
	v, ok := b.value(r)
	if !ok {
		return false
	}
	trunc := func(p *float64) float64 { return math.Trunc(*p*1000) / 1000 }
	return (b.lo == nil || v >= trunc(b.lo)) && (b.hi == nil || v <= trunc(b.hi))
}

// warrantFilter is Qot_GetWarrant's filter part.
type warrantFilter struct {
	types, issuers []int32
	minMaturity    *time.Time
	maxMaturity    *time.Time
	listedFrom     string // ipoPeriod as a listing date range, "" = any
	listedTo       string
	priceType      int32
	status         int32
	bounds         []bound
}

func newWarrantFilter(c *qotgetwarrant.C2S, today calendar.Date) (warrantFilter, error) {
	f := warrantFilter{types: c.GetTypeList(), issuers: c.GetIssuerList(), priceType: c.GetPriceType(), status: c.GetStatus()}
	for _, tm := range []struct {
		v   *string
		dst **time.Time
	}{{c.MaturityTimeMin, &f.minMaturity}, {c.MaturityTimeMax, &f.maxMaturity}} {
		if tm.v == nil || *tm.v == "" {
			continue
		}
		d, ok := parseDay(*tm.v)
		if !ok {
			return f, failf(codeInvalid, "maturity time %q must be a date like 2006-01-02", *tm.v)
		}
		t := d.In(time.UTC)
		*tm.dst = &t
	}
	switch c.GetIpoPeriod() {
	case 0:
	case 1: // today
		f.listedFrom, f.listedTo = today.String(), today.String()
	case 2: // tomorrow
		f.listedFrom, f.listedTo = today.AddDays(1).String(), today.AddDays(1).String()
	case 3: // next week
		f.listedFrom, f.listedTo = today.AddDays(1).String(), today.AddDays(7).String()
	case 4: // last week
		f.listedFrom, f.listedTo = today.AddDays(-7).String(), today.String()
	case 5: // last month
		f.listedFrom, f.listedTo = today.AddDays(-30).String(), today.String()
	default:
		return f, failf(codeInvalid, "unknown ipoPeriod %d (Qot_Common.IpoPeriod)", c.GetIpoPeriod())
	}
	always := func(v func(warrantRow) float64) func(warrantRow) (float64, bool) {
		return func(r warrantRow) (float64, bool) { return v(r), true }
	}
	warrantsOnly := func(v func(warrantRow) float64) func(warrantRow) (float64, bool) {
		return func(r warrantRow) (float64, bool) { return v(r), !r.q.Terms.IsCBBC() }
	}
	cbbcOnly := func(v func(warrantRow) float64) func(warrantRow) (float64, bool) {
		return func(r warrantRow) (float64, bool) { return v(r), r.q.Terms.IsCBBC() }
	}
	f.bounds = []bound{
		{c.CurPriceMin, c.CurPriceMax, always(func(r warrantRow) float64 { return r.q.Cur })},
		{c.StrikePriceMin, c.StrikePriceMax, always(func(r warrantRow) float64 { return r.q.Terms.Strike })},
		{c.StreetMin, c.StreetMax, always(func(r warrantRow) float64 { return r.f.streetRate })},
		{c.ConversionMin, c.ConversionMax, always(func(r warrantRow) float64 { return r.q.Terms.Ratio })},
		{u64(c.VolMin), u64(c.VolMax), always(func(r warrantRow) float64 { return float64(r.q.Volume) })},
		{c.PremiumMin, c.PremiumMax, always(func(r warrantRow) float64 { return r.f.premium })},
		{c.LeverageRatioMin, c.LeverageRatioMax, always(func(r warrantRow) float64 { return r.f.leverage })},
		{c.DeltaMin, c.DeltaMax, warrantsOnly(func(r warrantRow) float64 { return r.f.delta })},
		{c.ImpliedMin, c.ImpliedMax, warrantsOnly(func(r warrantRow) float64 { return r.f.iv })},
		{c.RecoveryPriceMin, c.RecoveryPriceMax, cbbcOnly(func(r warrantRow) float64 { return r.q.Terms.CallPrice })},
		{c.PriceRecoveryRatioMin, c.PriceRecoveryRatioMax, cbbcOnly(func(r warrantRow) float64 { return r.f.priceRecovery })},
	}
	return f, nil
}

func u64(p *uint64) *float64 {
	if p == nil {
		return nil
	}
	v := float64(*p)
	return &v
}

func (f warrantFilter) pass(r warrantRow) bool {
	t := r.q.Terms
	if len(f.types) > 0 && !slices.Contains(f.types, t.Right) || len(f.issuers) > 0 && !slices.Contains(f.issuers, t.Issuer) {
		return false
	}
	maturity := t.Expiry.In(time.UTC)
	if f.minMaturity != nil && maturity.Before(*f.minMaturity) || f.maxMaturity != nil && maturity.After(*f.maxMaturity) {
		return false
	}
	if f.listedFrom != "" && (r.q.ListTime < f.listedFrom || r.q.ListTime > f.listedTo) {
		return false
	}
	switch f.priceType {
	case priceTypeWithin:
		if r.f.ipop <= 0 {
			return false
		}
	case priceTypeOutside:
		if r.f.ipop > 0 {
			return false
		}
	}
	if f.status != 0 && f.status != r.data.GetStatus() {
		return false
	}
	for _, b := range f.bounds {
		if !b.pass(r) {
			return false
		}
	}
	return true
}
