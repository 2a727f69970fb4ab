package qot

import "github.com/futugw/gateway/opend/protoid"

// registerMarketData registers the handlers about the market itself (states,
// trading days) and about the logged-in user's own state (watchlists, price
// reminders).
func (s *Service) registerMarketData() {
	s.srv.Handle(protoid.QotGetMarketState, s.getMarketState)
	s.srv.Handle(protoid.QotRequestTradeDate, s.requestTradeDate)
	s.srv.Handle(protoid.QotGetPlateSet, s.getPlateSet)
	s.srv.Handle(protoid.QotGetPlateSecurity, s.getPlateSecurity)
	s.srv.Handle(protoid.QotGetOwnerPlate, s.getOwnerPlate)
	s.srv.Handle(protoid.QotGetSuspend, s.getSuspend)
	s.srv.Handle(protoid.QotGetCapitalFlow, s.getCapitalFlow)
	s.srv.Handle(protoid.QotGetCapitalDistribution, s.getCapitalDistribution)
	s.srv.Handle(protoid.QotStockFilter, s.stockFilter)
	s.srv.Handle(protoid.QotGetIpoList, s.getIpoList)
	s.srv.Handle(protoid.QotGetCodeChange, s.getCodeChange)
	s.srv.Handle(protoid.QotGetHoldingChangeList, s.getHoldingChangeList)

	u := newUserState(s)
	s.srv.Handle(protoid.QotGetUserSecurityGroup, u.getGroups)
	s.srv.Handle(protoid.QotGetUserSecurity, u.getSecurities)
	s.srv.Handle(protoid.QotModifyUserSecurity, u.modifySecurities)
	s.srv.Handle(protoid.QotSetPriceReminder, u.setReminder)
	s.srv.Handle(protoid.QotGetPriceReminder, u.getReminders)
	// The listener lives as long as the market: it only reads and pushes, and
	// does nothing for securities without an enabled reminder.
	s.m.OnTick(u.onTick)
}
