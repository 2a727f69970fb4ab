package trade

import (
	"slices"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgethistoryorderfilllist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgethistoryorderlist"
	"github.com/futugw/gateway/opend/sim/calendar"
	"github.com/futugw/gateway/opend/sim/market"
)

// historyQuery is a resolved history request: the account, its window and
// today's live records inside it, rendered while Engine.mu was held.
type historyQuery struct {
	a          *account
	idx        int
	begin, end time.Time
	today      calendar.Date
	liveOrders []*trdcommon.Order
	liveFills  []*trdcommon.OrderFill
}

// openHistory checks the header and the window and snapshots today's records;
// the past days are read afterwards without Engine.mu.
func (e *Engine) openHistory(h *trdcommon.TrdHeader, f *trdcommon.TrdFilterConditions) (*historyQuery, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, err := e.account(h)
	if err != nil {
		return nil, err
	}
	loc := accountLoc(a)
	now := e.cfg.Now().In(loc)
	begin, end, err := timeRange(f, loc, now)
	if err != nil {
		return nil, err
	}
	hq := &historyQuery{a: a, idx: slices.Index(e.accList, a), begin: begin, end: end, today: calendar.DateOf(now)}
	for _, o := range a.orders {
		if hq.inWindow(o.created) {
			hq.liveOrders = append(hq.liveOrders, o.toProto())
		}
	}
	for _, fl := range a.fills {
		if hq.inWindow(fl.at) {
			hq.liveFills = append(hq.liveFills, fl.toProto())
		}
	}
	return hq, nil
}

func (hq *historyQuery) inWindow(t time.Time) bool { return !t.Before(hq.begin) && !t.After(hq.end) }

// eachPastDay calls fn for every earlier day of the window within the
// synthetic history, oldest first, in each of the account's markets.
func (e *Engine) eachPastDay(hq *historyQuery, fn func(*pastDay)) {
	first := hq.begin
	if floor := e.cfg.Now().Add(-historyDepth); first.Before(floor) {
		first = floor
	}
	for _, tm := range hq.a.cfg.Markets {
		qm, ok := qotMarket(tm)
		if !ok {
			continue
		}
		loc := marketLoc(qm)
		for d := calendar.DateOf(first.In(loc)); !d.After(calendar.DateOf(hq.end.In(loc))) && d.Before(hq.today); d = d.AddDays(1) {
			fn(e.past.day(hq.a, hq.idx, qm, d))
		}
	}
}

// getHistoryOrderList handles Trd_GetHistoryOrderList 2221: the orders
// created within [beginTime, endTime] (see timeRange), earlier days' synthetic
// ones and today's, newest first as OpenD lists them, filtered like
// Trd_GetOrderList.
func (e *Engine) getHistoryOrderList(c2s *trdgethistoryorderlist.C2S) (*trdgethistoryorderlist.S2C, error) {
	f := c2s.GetFilterConditions()
	hq, err := e.openHistory(c2s.GetHeader(), f)
	if err != nil {
		return nil, err
	}
	s2c := &trdgethistoryorderlist.S2C{Header: hq.a.header(c2s.GetHeader().GetTrdMarket())}
	keep := func(o *trdcommon.Order) {
		if keepOrder(f, c2s.GetFilterStatusList(), o) {
			s2c.OrderList = append(s2c.OrderList, o)
		}
	}
	e.eachPastDay(hq, func(pd *pastDay) {
		for _, o := range pd.orders {
			if hq.inWindow(o.created) {
				keep(o.toProto())
			}
		}
	})
	for _, o := range hq.liveOrders {
		keep(o)
	}
	slices.Reverse(s2c.OrderList) // OpenD lists history newest first
	return s2c, nil
}

// getHistoryOrderFillList handles Trd_GetHistoryOrderFillList 2222: fills
// within the window, newest first; idList filters on fill ids. Like OpenD it
// serves real accounts only.
func (e *Engine) getHistoryOrderFillList(c2s *trdgethistoryorderfilllist.C2S) (*trdgethistoryorderfilllist.S2C, error) {
	f := c2s.GetFilterConditions()
	hq, err := e.openHistory(c2s.GetHeader(), f)
	if err != nil {
		return nil, err
	}
	if hq.a.cfg.Env == EnvSimulate {
		return nil, refuse(codeUnsupported, "historical fills are available for real accounts only: simulated trading has no fill records (account %d)", hq.a.cfg.ID)
	}
	s2c := &trdgethistoryorderfilllist.S2C{Header: hq.a.header(c2s.GetHeader().GetTrdMarket())}
	keep := func(fl *trdcommon.OrderFill) {
		if keepRecord(f, fl.GetCode(), fl.GetSecMarket(), fl.GetFillID()) {
			s2c.OrderFillList = append(s2c.OrderFillList, fl)
		}
	}
	e.eachPastDay(hq, func(pd *pastDay) {
		for _, fl := range pd.fills {
			if hq.inWindow(fl.at) {
				keep(fl.toProto())
			}
		}
	})
	for _, fl := range hq.liveFills {
		keep(fl)
	}
	slices.Reverse(s2c.OrderFillList) // newest first, like the orders
	return s2c, nil
}

// keepOrder applies the filter conditions and status list to a rendered order.
func keepOrder(f *trdcommon.TrdFilterConditions, statuses []int32, o *trdcommon.Order) bool {
	if !keepRecord(f, o.GetCode(), o.GetSecMarket(), o.GetOrderID()) {
		return false
	}
	if ex := f.GetOrderIDExList(); len(ex) > 0 && !slices.Contains(ex, o.GetOrderIDEx()) {
		return false
	}
	return len(statuses) == 0 || slices.Contains(statuses, o.GetOrderStatus())
}

// keepRecord applies codeList ("00700" or "HK.00700"), idList and
// filterMarket (a TrdMarket; for HK and US it has the TrdSecMarket's value) to
// a rendered record.
func keepRecord(f *trdcommon.TrdFilterConditions, code string, secMarket int32, id uint64) bool {
	if fm := f.GetFilterMarket(); fm != 0 && fm != secMarket {
		return false
	}
	if codes := f.GetCodeList(); len(codes) > 0 {
		qm, _ := secMarketQot(secMarket)
		key := market.Key(qm, code)
		if !slices.Contains(codes, code) && !slices.Contains(codes, key) {
			return false
		}
	}
	ids := f.GetIdList()
	return len(ids) == 0 || slices.Contains(ids, id)
}
