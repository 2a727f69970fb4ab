package qot

import (
	"strings"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim/calendar"
	"github.com/futugw/gateway/opend/sim/market"
)

// registerKinds serves the protocols about security kinds: option chains and
// their expirations, the warrant screener, future contract details and the
// warrants or contracts related to a security.
func (s *Service) registerKinds() {
	s.srv.Handle(protoid.QotGetOptionChain, s.getOptionChain)
	s.srv.Handle(protoid.QotGetOptionExpirationDate, s.getOptionExpirationDate)
	s.srv.Handle(protoid.QotGetWarrant, s.getWarrant)
	s.srv.Handle(protoid.QotGetFutureInfo, s.getFutureInfo)
	s.srv.Handle(protoid.QotGetReference, s.getReference)
}

// lookup finds one security or fails as OpenD does for an unknown one.
func (s *Service) lookup(sec *qotcommon.Security) (market.Quote, error) {
	q, ok := s.m.Quote(sec.GetMarket(), sec.GetCode())
	if !ok {
		return market.Quote{}, failf(codeUnknownSec, "unknown security %s (market %d, code %q)",
			securityKey(sec), sec.GetMarket(), sec.GetCode())
	}
	return q, nil
}

// derivativesOf lists the securities of a type whose underlying is owner, in
// universe order.
func (s *Service) derivativesOf(owner string, secType int32) []market.Quote {
	var out []market.Quote
	for _, inst := range s.m.Instruments() {
		if inst.SecType != secType || inst.Terms == nil || inst.Terms.Owner != owner {
			continue
		}
		q, _ := s.m.QuoteByKey(inst.Key())
		out = append(out, q)
	}
	return out
}

// parseDay reads Futu's date strings: "2006-01-02", optionally with a time.
func parseDay(v string) (calendar.Date, bool) {
	v = strings.TrimSpace(v)
	if day, _, ok := strings.Cut(v, " "); ok {
		v = day
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return calendar.Date{}, false
	}
	return calendar.DateOf(t), true
}

// today is the current date in the market's own zone.
func (s *Service) today(mkt int32) calendar.Date {
	return calendar.DateOf(s.cfg.Now().In(calendar.Location(calendar.Market(mkt))))
}
