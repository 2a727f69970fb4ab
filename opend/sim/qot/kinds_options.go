package qot

import (
	"context"
	"math"
	"slices"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetoptionchain"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetoptionexpirationdate"
	"github.com/futugw/gateway/opend/server"
	"github.com/futugw/gateway/opend/sim/calendar"
	"github.com/futugw/gateway/opend/sim/market"
	"google.golang.org/protobuf/proto"
)

// maxChainSpanDays is Futu's limit on an option chain request's expiry range.
const maxChainSpanDays = 30

// optionOwner checks that sec exists and may have options: Futu accepts HK
// and US stocks, ETFs and indices as the underlying.
func (s *Service) optionOwner(sec *qotcommon.Security) (market.Quote, error) {
	q, err := s.lookup(sec)
	if err != nil {
		return market.Quote{}, err
	}
	switch q.SecType {
	case market.SecTypeEqty, market.SecTypeTrust, market.SecTypeIndex:
		return q, nil
	}
	return market.Quote{}, failf(codeInvalid, "%s is not an underlying stock, ETF or index (security type %d); options have no options",
		q.Key(), q.SecType)
}

func (s *Service) getOptionExpirationDate(_ context.Context, _ *server.Conn, req server.Request) (proto.Message, error) {
	var in qotgetoptionexpirationdate.Request
	if err := decode("Qot_GetOptionExpirationDate", req.Body, &in); err != nil {
		return nil, err
	}
	owner, err := s.optionOwner(in.GetC2S().GetOwner())
	if err != nil {
		return nil, toEnvelope(err)
	}
	now := s.cfg.Now()
	out := &qotgetoptionexpirationdate.S2C{}
	for _, exp := range s.expiries(owner.Key()) {
		out.DateList = append(out.DateList, &qotgetoptionexpirationdate.OptionExpirationDate{
			StrikeTime:               proto.String(dateString(exp)),
			StrikeTimestamp:          proto.Float64(dateTimestamp(owner.Market, exp)),
			OptionExpiryDateDistance: proto.Int32(daysTo(owner.Market, exp, now)),
		})
	}
	return &qotgetoptionexpirationdate.Response{RetType: succeed(), S2C: out}, nil
}

// expiries lists an underlying's option expiries, earliest first.
func (s *Service) expiries(owner string) []calendar.Date {
	var out []calendar.Date
	for _, q := range s.derivativesOf(owner, market.SecTypeDrvt) {
		if !slices.Contains(out, q.Terms.Expiry) {
			out = append(out, q.Terms.Expiry)
		}
	}
	slices.SortFunc(out, calendar.Date.Compare)
	return out
}

// chainQuery is a validated Qot_GetOptionChain request.
type chainQuery struct {
	from, to   calendar.Date
	right      int32 // 0 = calls and puts
	condition  int32 // 0 = in and out of the money
	dataFilter *qotgetoptionchain.DataFilter
}

func (s *Service) parseChainQuery(c2s *qotgetoptionchain.C2S) (chainQuery, error) {
	from, ok1 := parseDay(c2s.GetBeginTime())
	to, ok2 := parseDay(c2s.GetEndTime())
	if !ok1 || !ok2 {
		return chainQuery{}, failf(codeInvalid, "beginTime %q and endTime %q must be dates like 2006-01-02",
			c2s.GetBeginTime(), c2s.GetEndTime())
	}
	if to.Before(from) {
		return chainQuery{}, failf(codeInvalid, "endTime %s is before beginTime %s", to, from)
	}
	if to.In(time.UTC).Sub(from.In(time.UTC)).Hours() > maxChainSpanDays*24 {
		return chainQuery{}, failf(codeInvalid, "the expiry range %s to %s spans more than %d days", from, to, maxChainSpanDays)
	}
	q := chainQuery{from: from, to: to, right: c2s.GetType(), condition: c2s.GetCondition(), dataFilter: c2s.GetDataFilter()}
	if q.right < 0 || q.right > market.OptionPut {
		return chainQuery{}, failf(codeInvalid, "unknown option type %d (Qot_Common.OptionType)", q.right)
	}
	if q.condition < 0 || q.condition > optionCondOutside {
		return chainQuery{}, failf(codeInvalid, "unknown condition %d (OptionCondType)", q.condition)
	}
	return q, nil
}

func (s *Service) getOptionChain(_ context.Context, _ *server.Conn, req server.Request) (proto.Message, error) {
	var in qotgetoptionchain.Request
	if err := decode("Qot_GetOptionChain", req.Body, &in); err != nil {
		return nil, err
	}
	c2s := in.GetC2S()
	owner, err := s.optionOwner(c2s.GetOwner())
	if err != nil {
		return nil, toEnvelope(err)
	}
	query, err := s.parseChainQuery(c2s)
	if err != nil {
		return nil, toEnvelope(err)
	}
	now := s.cfg.Now()
	byExpiry := map[calendar.Date]map[float64]*qotgetoptionchain.OptionItem{}
	for _, q := range s.derivativesOf(owner.Key(), market.SecTypeDrvt) {
		t := q.Terms
		if t.Expiry.Before(query.from) || t.Expiry.After(query.to) {
			continue
		}
		if query.right != 0 && t.Right != query.right {
			continue
		}
		itm := t.Right == market.OptionCall && owner.Cur > t.Strike || t.Right == market.OptionPut && owner.Cur < t.Strike
		if query.condition == optionCondWithin && !itm || query.condition == optionCondOutside && itm {
			continue
		}
		if !s.passesDataFilter(q, query.dataFilter, now) {
			continue
		}
		items := byExpiry[t.Expiry]
		if items == nil {
			items = map[float64]*qotgetoptionchain.OptionItem{}
			byExpiry[t.Expiry] = items
		}
		item := items[t.Strike]
		if item == nil {
			item = &qotgetoptionchain.OptionItem{}
			items[t.Strike] = item
		}
		if t.Right == market.OptionCall {
			item.Call = staticInfo(q.Instrument)
		} else {
			item.Put = staticInfo(q.Instrument)
		}
	}
	out := &qotgetoptionchain.S2C{}
	for _, exp := range s.expiries(owner.Key()) {
		items, ok := byExpiry[exp]
		if !ok {
			continue
		}
		strikes := make([]float64, 0, len(items))
		for k := range items {
			strikes = append(strikes, k)
		}
		slices.Sort(strikes)
		chain := &qotgetoptionchain.OptionChain{StrikeTime: proto.String(dateString(exp)),
			StrikeTimestamp: proto.Float64(dateTimestamp(owner.Market, exp))}
		for _, k := range strikes {
			chain.Option = append(chain.Option, items[k])
		}
		out.OptionChain = append(out.OptionChain, chain)
	}
	return &qotgetoptionchain.Response{RetType: succeed(), S2C: out}, nil
}

// passesDataFilter applies the optional data filter with Futu's precision:
// volatility and counts to whole numbers, Greeks to three decimals.
func (s *Service) passesDataFilter(q market.Quote, f *qotgetoptionchain.DataFilter, now time.Time) bool {
	if f == nil {
		return true
	}
	ex := s.optionEx(q, now)
	within := func(v float64, lo, hi *float64, digits float64) bool {
		scale := math.Pow(10, digits)
		if lo != nil && v < math.Trunc(*lo*scale)/scale {
			return false
		}
		return hi == nil || v <= math.Trunc(*hi*scale)/scale
	}
	noi := float64(ex.GetNetOpenInterest())
	return within(ex.GetImpliedVolatility(), f.ImpliedVolatilityMin, f.ImpliedVolatilityMax, 0) &&
		within(ex.GetDelta(), f.DeltaMin, f.DeltaMax, 3) &&
		within(ex.GetGamma(), f.GammaMin, f.GammaMax, 3) &&
		within(ex.GetVega(), f.VegaMin, f.VegaMax, 3) &&
		within(ex.GetTheta(), f.ThetaMin, f.ThetaMax, 3) &&
		within(ex.GetRho(), f.RhoMin, f.RhoMax, 3) &&
		within(noi, f.NetOpenInterestMin, f.NetOpenInterestMax, 0) &&
		within(float64(ex.GetOpenInterest()), f.OpenInterestMin, f.OpenInterestMax, 0) &&
		within(float64(q.Volume), f.VolMin, f.VolMax, 0)
}
