package qot

import "github.com/futugw/gateway/opend/protoid"

// registerMarketData registers the handlers about the market itself (states,
// trading days) and about the logged-in user's own state (watchlists, price
// reminders).
func (s *Service) registerMarketData() {
	s.srv.Handle(protoid.QotGetMarketState, s.getMarketState)
	s.srv.Handle(protoid.QotRequestTradeDate, s.requestTradeDate)
}
