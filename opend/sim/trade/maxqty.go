package trade

import (
	"math"

	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetmaxtrdqtys"
	"github.com/futugw/gateway/opend/sim/market"
)

// getMaxTrdQtys handles Trd_GetMaxTrdQtys 2111: how much of a security the
// account could buy or sell at a price, in whole lots. Market-type orders are
// sized at the current price. With orderID, the quantities are those the
// order could be modified to: its own reservation counts as available.
func (e *Engine) getMaxTrdQtys(c2s *trdgetmaxtrdqtys.C2S) (*trdgetmaxtrdqtys.S2C, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, err := e.account(c2s.GetHeader())
	if err != nil {
		return nil, err
	}
	kind, ok := orderKinds[c2s.GetOrderType()]
	if !ok {
		return nil, refuse(codeUnsupported, "unsupported orderType %d", c2s.GetOrderType())
	}
	inst, err := e.instrument(c2s.GetHeader().GetTrdMarket(), c2s.GetSecMarket(), c2s.GetCode())
	if err != nil {
		return nil, err
	}
	price, ok := e.lastPrice(inst)
	if !ok {
		return nil, refuse(codeSecurity, "no price for %s", inst.Key())
	}
	if kind.limit {
		price = c2s.GetPrice()
		if err := checkPrice(inst, price); err != nil {
			return nil, err
		}
	}
	var own *order
	if c2s.GetOrderID() != 0 || c2s.GetOrderIDEx() != "" {
		o, ok := e.orders[c2s.GetOrderID()]
		if !ok || o.acc != a {
			o, _, ok = e.orderByIDEx(a, c2s.GetOrderIDEx())
		}
		if !ok || o.acc != a || !o.open() || o.inst.Key() != inst.Key() {
			return nil, refuse(codeOrder, "order %d is not an open order of account %d in %s", c2s.GetOrderID(), a.cfg.ID, inst.Key())
		}
		own = o
	}
	q := e.maxQtys(a, inst, price, own)
	return &trdgetmaxtrdqtys.S2C{
		Header: a.header(c2s.GetHeader().GetTrdMarket()),
		MaxTrdQtys: &trdcommon.MaxTrdQtys{
			MaxCashBuy:          proto.Float64(q.cashBuy),
			MaxCashAndMarginBuy: proto.Float64(q.marginBuy),
			MaxPositionSell:     proto.Float64(q.positionSell),
			MaxSellShort:        proto.Float64(q.sellShort),
			MaxBuyBack:          proto.Float64(q.buyBack),
			LongRequiredIM:      proto.Float64(q.longIM),
			ShortRequiredIM:     proto.Float64(q.shortIM),
		},
	}, nil
}

// maxTrd are the answers of Trd_GetMaxTrdQtys: quantities in shares, and the
// initial margin one more share long or short would need.
type maxTrd struct {
	cashBuy, marginBuy, positionSell, sellShort, buyBack float64
	longIM, shortIM                                      float64
}

// maxQtys sizes orders in inst at price for account a; own is an order being
// modified, whose reservation is released first. Callers hold mu.
func (e *Engine) maxQtys(a *account, inst market.Instrument, price float64, own *order) maxTrd {
	avail, excess := a.available(), e.excessLiquidity(a)
	var sellable, short float64
	if p := a.positions[inst.Key()]; p != nil {
		if p.qty > 0 {
			sellable = p.canSell()
		} else {
			short = p.buyBackable()
		}
	}
	if own != nil {
		switch own.side {
		case sideBuy, sideBuyBack:
			avail += own.frozen
			excess += own.frozen
			if own.side == sideBuyBack {
				short += own.remaining()
			}
		case sideSell:
			sellable += own.remaining()
		}
	}
	var q maxTrd
	if !(price > 0) {
		return q
	}
	lot := inst.LotSize
	q.cashBuy = floorLots(avail/price, lot)
	q.marginBuy = q.cashBuy
	q.positionSell = floorLots(sellable, lot)
	q.buyBack = short
	q.longIM = round6(price) // a cash account pays in full and cannot short
	if a.cfg.AccType != accTypeMargin {
		return q
	}
	t := e.marginTerms(inst)
	q.longIM = round6(price * t.imLong / 100)
	if t.shortOK {
		q.shortIM = round6(price * t.imShort / 100)
	}
	if t.longOK {
		q.marginBuy = math.Max(q.cashBuy, floorLots(excess/(price*t.imLong/100), lot))
	}
	if t.shortOK {
		q.sellShort = math.Min(floorLots(excess/(price*t.imShort/100), lot), floorLots(t.pool, lot))
	}
	return q
}

// excessLiquidity is a margin account's equity less the initial margin of its
// positions and the cash held for open orders: what new positions may use.
// A cash account's is its available cash. Callers hold mu.
func (e *Engine) excessLiquidity(a *account) float64 {
	if a.cfg.AccType != accTypeMargin {
		return a.available()
	}
	equity, im := a.cash, 0.0
	for _, p := range a.positions {
		price, _ := e.lastPrice(p.inst)
		val := p.qty * price
		equity += val
		t := marginOf(p.inst, e.cfg.Seed)
		if p.qty > 0 {
			im += val * t.imLong / 100
		} else {
			im -= val * t.imShort / 100
		}
	}
	return math.Max(round6(equity-im-a.frozen), 0)
}
