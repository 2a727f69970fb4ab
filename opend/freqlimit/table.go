// Package freqlimit is OpenD's per-interface frequency limits: one table of
// documented limits keyed by proto id (For, All), and a Limiter that enforces
// them the way OpenD does, refusing the request past the limit with retType -1
// instead of dropping it.
//
// The gateway reads the same table to pace itself below OpenD's limits (Reserve,
// and a Pacer for processes sharing one OpenD, whose windows live in a Shared
// store such as Redis), so a row here is a promise about the real OpenD: every
// value comes from the "Interface Limitations" (接口限制) section of the Futu
// OpenAPI page (openapi.futunn.com/futu-api-doc) of the API function named in the
// row's Doc.
package freqlimit

import (
	"cmp"
	"slices"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetreference"
	"github.com/futugw/gateway/opend/protoid"
)

// Limit is one interface's documented frequency limit: at most N requests
// within any Window (a sliding window).
type Limit struct {
	N      int
	Window time.Duration
	// PerAccount counts requests per trading account (the TrdHeader.accID of
	// the request), as OpenD does for trade interfaces; otherwise requests are
	// counted per OpenD login, across all its connections.
	PerAccount bool
	// FirstPageOnly counts only requests without a page key: OpenD exempts the
	// later pages of a paged query (Qot_RequestHistoryKL's nextReqKey).
	FirstPageOnly bool
	// RefreshOnly counts only requests with c2s.refreshCache set: OpenD
	// answers the others from its cache without asking Futu's servers.
	RefreshOnly bool
	// Exempt names requests OpenD does not count: those whose c2s field
	// Exempt.Field is Exempt.Equals (zero value: none exempt).
	Exempt Match
	// MinInterval is the documented least time between two requests of one
	// account. It is published for callers pacing themselves; the simulator
	// does not enforce it, since a loaded test machine would trip it at random.
	MinInterval time.Duration
}

// Match is a c2s integer field and the value that exempts a request.
type Match struct {
	Field  string
	Equals int64
}

// Row is one table entry: the proto id, its limit and the Futu API function
// whose doc page states the limit.
type Row struct {
	ID    uint32
	Limit Limit
	Doc   string
}

const window = 30 * time.Second // every documented OpenD limit is per 30 seconds

func per30s(n int) Limit        { return Limit{N: n, Window: window} }
func perAccount30s(n int) Limit { return Limit{N: n, Window: window, PerAccount: true} }

// refreshPerAccount30s is a cached trade query: limited per account, and only
// when it asks OpenD to refresh its cache.
func refreshPerAccount30s(n int) Limit {
	return Limit{N: n, Window: window, PerAccount: true, RefreshOnly: true}
}

// table holds every documented limit, sorted by id (For binary-searches it).
// Interfaces without a row have no documented frequency limit, or are limited
// by quota instead (Qot_Sub's subscription slots).
var table = []Row{
	{protoid.TrdGetFunds, refreshPerAccount30s(10), "accinfo_query"},
	{protoid.TrdGetPositionList, refreshPerAccount30s(10), "position_list_query"},
	{protoid.TrdGetMaxTrdQtys, perAccount30s(10), "acctradinginfo_query"},
	{protoid.TrdGetOrderList, refreshPerAccount30s(10), "order_list_query"},
	{protoid.TrdPlaceOrder, Limit{N: 15, Window: window, PerAccount: true, MinInterval: 20 * time.Millisecond}, "place_order"},
	{protoid.TrdModifyOrder, Limit{N: 20, Window: window, PerAccount: true, MinInterval: 40 * time.Millisecond}, "modify_order"},
	{protoid.TrdGetOrderFillList, refreshPerAccount30s(10), "deal_list_query"},
	{protoid.TrdGetHistoryOrderList, perAccount30s(10), "history_order_list_query"},
	{protoid.TrdGetHistoryOrderFillList, perAccount30s(10), "history_deal_list_query"},
	{protoid.TrdGetMarginRatio, per30s(10), "get_margin_ratio"}, // per user, not per account
	{protoid.TrdGetOrderFee, perAccount30s(10), "order_fee_query"},
	{protoid.TrdFlowSummary, perAccount30s(20), "get_acc_cash_flow"},
	{protoid.QotRequestHistoryKL, Limit{N: 60, Window: window, FirstPageOnly: true}, "request_history_kline"},
	{protoid.QotRequestRehab, per30s(60), "get_rehab"},
	{protoid.QotGetSecuritySnapshot, per30s(60), "get_market_snapshot"},
	{protoid.QotGetPlateSet, per30s(10), "get_plate_list"},
	{protoid.QotGetPlateSecurity, per30s(10), "get_plate_stock"},
	// Warrants of an underlying are exempt.
	{protoid.QotGetReference, Limit{N: 10, Window: window,
		Exempt: Match{"referenceType", int64(qotgetreference.ReferenceType_ReferenceType_Warrant)}}, "get_referencestock_list"},
	{protoid.QotGetOwnerPlate, per30s(10), "get_owner_plate"},
	{protoid.QotGetOptionChain, per30s(10), "get_option_chain"},
	{protoid.QotGetWarrant, per30s(60), "get_warrant"},
	{protoid.QotGetCapitalFlow, per30s(30), "get_capital_flow"},
	{protoid.QotGetCapitalDistribution, per30s(30), "get_capital_distribution"},
	{protoid.QotGetUserSecurity, per30s(10), "get_user_security"},
	{protoid.QotModifyUserSecurity, per30s(10), "modify_user_security"},
	{protoid.QotStockFilter, per30s(10), "get_stock_filter"},
	{protoid.QotGetIpoList, per30s(10), "get_ipo_list"},
	{protoid.QotGetFutureInfo, per30s(30), "get_future_info"},
	{protoid.QotRequestTradeDate, per30s(30), "request_trading_days"},
	{protoid.QotSetPriceReminder, per30s(60), "set_price_reminder"},
	{protoid.QotGetPriceReminder, per30s(10), "get_price_reminder"},
	{protoid.QotGetUserSecurityGroup, per30s(10), "get_user_security_group"},
	{protoid.QotGetMarketState, per30s(10), "get_market_state"},
	{protoid.QotGetOptionExpirationDate, per30s(60), "get_option_expiration_date"},
}

// For returns the documented limit of protoID, false when OpenD documents none.
func For(protoID uint32) (Limit, bool) {
	i, ok := slices.BinarySearchFunc(table, protoID, func(r Row, id uint32) int { return cmp.Compare(r.ID, id) })
	if !ok {
		return Limit{}, false
	}
	return table[i].Limit, true
}

// All returns every row, sorted by proto id.
func All() []Row { return slices.Clone(table) }
