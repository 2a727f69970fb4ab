package sim

import "github.com/futugw/gateway/opend/protoid"

// Coverage facts for docs/opend-sim-coverage.md, which a test writes from them and
// from the handlers the simulator registers: a request proto is served when it has a
// handler, a push when pushTriggers names what sends it, and every other official
// protocol needs a reason here.

// pushTriggers says what makes the simulator send each push it sends.
var pushTriggers = map[uint32]string{
	protoid.Notify:                 "a connection-status event after InitConnect with recvNotify",
	protoid.TrdUpdateOrder:         "every order state change, to connections that ran Trd_SubAccPush for the account",
	protoid.TrdUpdateOrderFill:     "every fill, to connections that ran Trd_SubAccPush for the account",
	protoid.QotUpdateBasicQot:      "every price step of a security subscribed with SubType Basic and push on",
	protoid.QotUpdateOrderBook:     "every price step of a security subscribed with SubType OrderBook and push on",
	protoid.QotUpdateTicker:        "every trade of a security subscribed with SubType Ticker and push on",
	protoid.QotUpdateKL:            "every price step, the forming bar of each K-line type subscribed with push on",
	protoid.QotUpdateRT:            "every price step, the forming minute of a security subscribed with SubType RT and push on",
	protoid.QotUpdateBroker:        "every price step of an HK security subscribed with SubType Broker and push on",
	protoid.QotUpdatePriceReminder: "a price step that crosses into an enabled price reminder's condition, to every connection of the user",
}

// notServedRange gives the reason a run of official proto ids is not served.
type notServedRange struct {
	from, to uint32
	why      string
}

// notServed lists, by id range, the official protocols the simulator does not
// answer (they get OpenD's "unsupported proto id" refusal). A served id inside a
// range is served: handlers win over this table.
var notServed = []notServedRange{
	{protoid.TrdGetComboMaxTrdQtys, protoid.TrdGetComboMaxTrdQtys, "combo (multi-leg option) orders are outside the simulated accounts"},
	{protoid.TrdPlaceComboOrder, protoid.TrdPlaceComboOrder, "combo (multi-leg option) orders are outside the simulated accounts"},
	{protoid.QotStockScreen, protoid.QotGetSearchNews, "screeners, option strategies, indicators and search of newer OpenD releases; outside the SDK surface a panel or script uses"},
	{protoid.QotGetOptionMarketStatistic, protoid.QotGetOptionSellerScreener, "option market statistics and screeners of newer OpenD releases; outside the SDK surface a panel or script uses"},
	{protoid.QotGetEarningsCalendar, protoid.QotGetRiseFallDistribution, "research data (calendars, rankings, institutions, industrial chains) of newer OpenD releases; synthetic values would mislead"},
	{protoid.QotGetEventContractCategory, protoid.QotRequestHistoryEventContractKL, "event contracts are a separate product the simulated accounts do not trade"},
}

// whyNotServed returns the reason id is not served, "" when the table has none.
func whyNotServed(id uint32) string {
	for _, r := range notServed {
		if id >= r.from && id <= r.to {
			return r.why
		}
	}
	return ""
}

// Serves reports whether the simulator answers request protocol id.
func (s *Sim) Serves(id uint32) bool { return s.srv.Handles(id) }
