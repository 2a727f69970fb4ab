package trade

import (
	"slices"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetacclist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetfunds"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetorderfilllist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetorderlist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetpositionlist"
	"github.com/futugw/gateway/opend/sim/market"
)

// getAccList handles Trd_GetAccList 2001. Every account is a securities
// account, so other trdCategory filters return an empty list.
func (e *Engine) getAccList(c2s *trdgetacclist.C2S) (*trdgetacclist.S2C, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s2c := &trdgetacclist.S2C{}
	if cat := c2s.GetTrdCategory(); cat > 1 {
		return s2c, nil
	}
	for _, a := range e.accList {
		s2c.AccList = append(s2c.AccList, a.toProto())
	}
	return s2c, nil
}

// getFunds handles Trd_GetFunds 2101. Amounts are in the account's currency;
// a cash account's buying power is cash less frozen cash, a margin account's
// comes from fillMarginFunds.
func (e *Engine) getFunds(c2s *trdgetfunds.C2S) (*trdgetfunds.S2C, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, err := e.account(c2s.GetHeader())
	if err != nil {
		return nil, err
	}
	var mv, upl float64
	for _, p := range a.positions {
		price, _ := e.lastPrice(p.inst)
		mv += p.qty * price
		upl += (price - p.cost) * p.qty
	}
	mv, upl = round6(mv), round6(upl)
	avail := round6(a.available())
	total := round6(a.cash + mv)
	s2c := &trdgetfunds.S2C{
		Header: a.header(c2s.GetHeader().GetTrdMarket()),
		Funds: &trdcommon.Funds{
			Power:             proto.Float64(avail),
			TotalAssets:       proto.Float64(total),
			Cash:              proto.Float64(a.cash),
			MarketVal:         proto.Float64(mv),
			FrozenCash:        proto.Float64(a.frozen),
			DebtCash:          proto.Float64(0),
			AvlWithdrawalCash: proto.Float64(avail),
			Currency:          proto.Int32(a.cfg.Currency),
			AvailableFunds:    proto.Float64(avail),
			UnrealizedPL:      proto.Float64(upl),
			RealizedPL:        proto.Float64(a.realized),
			RiskLevel:         proto.Int32(0),
			InitialMargin:     proto.Float64(0),
			MaintenanceMargin: proto.Float64(0),
			MaxPowerShort:     proto.Float64(0),
			NetCashPower:      proto.Float64(avail),
			LongMv:            proto.Float64(mv),
			ShortMv:           proto.Float64(0),
			PendingAsset:      proto.Float64(0),
			MaxWithdrawal:     proto.Float64(avail),
			SecuritiesAssets:  proto.Float64(total),
		},
	}
	e.fillMarginFunds(a, s2c.Funds)
	return s2c, nil
}

// getPositionList handles Trd_GetPositionList 2102.
func (e *Engine) getPositionList(c2s *trdgetpositionlist.C2S) (*trdgetpositionlist.S2C, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, err := e.account(c2s.GetHeader())
	if err != nil {
		return nil, err
	}
	f := c2s.GetFilterConditions()
	s2c := &trdgetpositionlist.S2C{Header: a.header(c2s.GetHeader().GetTrdMarket())}
	for _, p := range a.positions {
		if !matchFilter(f, p.inst, p.id) {
			continue
		}
		price, _ := e.lastPrice(p.inst)
		pp := p.toProto(a, price)
		if c2s.FilterPLRatioMin != nil && pp.GetPlRatio() < c2s.GetFilterPLRatioMin() {
			continue
		}
		if c2s.FilterPLRatioMax != nil && pp.GetPlRatio() > c2s.GetFilterPLRatioMax() {
			continue
		}
		s2c.PositionList = append(s2c.PositionList, pp)
	}
	// Map iteration is random; answer in a stable order.
	slices.SortFunc(s2c.PositionList, func(x, y *trdcommon.Position) int {
		return strings.Compare(x.GetCode(), y.GetCode())
	})
	return s2c, nil
}

// getOrderList handles Trd_GetOrderList 2201: today's orders, oldest first.
func (e *Engine) getOrderList(c2s *trdgetorderlist.C2S) (*trdgetorderlist.S2C, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, err := e.account(c2s.GetHeader())
	if err != nil {
		return nil, err
	}
	f := c2s.GetFilterConditions()
	s2c := &trdgetorderlist.S2C{Header: a.header(c2s.GetHeader().GetTrdMarket())}
	for _, o := range a.orders {
		if o.status == statusDeleted || !matchFilter(f, o.inst, o.id) {
			continue
		}
		if ex := f.GetOrderIDExList(); len(ex) > 0 && !slices.Contains(ex, o.idEx) {
			continue
		}
		if st := c2s.GetFilterStatusList(); len(st) > 0 && !slices.Contains(st, o.status) {
			continue
		}
		s2c.OrderList = append(s2c.OrderList, o.toProto())
	}
	return s2c, nil
}

// getOrderFillList handles Trd_GetOrderFillList 2211: today's fills, oldest
// first; idList filters on fill ids.
func (e *Engine) getOrderFillList(c2s *trdgetorderfilllist.C2S) (*trdgetorderfilllist.S2C, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, err := e.account(c2s.GetHeader())
	if err != nil {
		return nil, err
	}
	fc := c2s.GetFilterConditions()
	s2c := &trdgetorderfilllist.S2C{Header: a.header(c2s.GetHeader().GetTrdMarket())}
	for _, f := range a.fills {
		if !matchFilter(fc, f.ord.inst, f.id) {
			continue
		}
		s2c.OrderFillList = append(s2c.OrderFillList, f.toProto())
	}
	return s2c, nil
}

// matchFilter applies the filter conditions the position, order and fill lists share:
// codeList, which may hold "00700" or "HK.00700", and idList (position, order or fill
// ids, as the list says). An empty list lets everything through.
func matchFilter(f *trdcommon.TrdFilterConditions, inst market.Instrument, id uint64) bool {
	codes, ids := f.GetCodeList(), f.GetIdList()
	return (len(codes) == 0 || slices.Contains(codes, inst.Code) || slices.Contains(codes, inst.Key())) &&
		(len(ids) == 0 || slices.Contains(ids, id))
}
