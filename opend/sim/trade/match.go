package trade

import (
	"math"

	"github.com/futugw/gateway/opend/sim/market"
)

// onTick re-checks the open orders of the ticked security, after expiring
// Day orders whose market has closed.
func (e *Engine) onTick(q market.Quote) {
	key := q.Key()
	e.mu.Lock()
	if q.Cur > 0 {
		e.prices[key] = q.Cur
	}
	evs := e.expireDayOrders(e.cfg.Now(), nil)
	for _, o := range e.open[key] {
		evs = e.matchAt(o, q.Cur, evs)
	}
	e.unlockAndPush(evs)
}

// match fills o as far as the current price allows and appends the resulting
// pushes to evs: a market order fills completely at the current price; a
// limit order that the price reaches fills a random number of lots, at most
// MaxFillFraction of what remains. Callers hold mu.
func (e *Engine) match(o *order, evs []event) []event {
	cur, ok := e.lastPrice(o.inst)
	if !ok {
		return evs
	}
	return e.matchAt(o, cur, evs)
}

// matchAt is match at a known current price. Outside the hours Config.Fills
// allows, o neither triggers, trails nor fills. Callers hold mu.
func (e *Engine) matchAt(o *order, cur float64, evs []event) []event {
	if !o.open() || !(cur > 0) {
		return evs
	}
	if e.cfg.Fills != nil && !e.fillsNow(o, e.cfg.Now()) {
		return evs
	}
	if !o.trigger(cur) {
		return evs
	}
	qty := o.remaining()
	if o.limited() {
		if !o.reaches(cur) {
			return evs
		}
		qty = e.fillSize(o)
	}
	f := e.execute(o, qty, cur)
	return append(evs, orderEvent(o), fillEvent(f))
}

// fillSize picks the next partial fill of a limit order, in whole lots.
func (e *Engine) fillSize(o *order) float64 {
	lot := float64(max(o.inst.LotSize, 1))
	lots := int64(math.Round(o.remaining() / lot))
	if lots <= 1 {
		return o.remaining()
	}
	upTo := max(int64(math.Ceil(float64(lots)*e.cfg.MaxFillFraction)), 1)
	return float64(1+e.rng.Int64N(upTo)) * lot
}

// execute books one fill of qty at price: cash, frozen cash, position and
// order state all move together. Callers hold mu.
func (e *Engine) execute(o *order, qty, price float64) *fill {
	a := o.acc
	now := e.cfg.Now()
	val := qty * price
	key := o.inst.Key()
	p := a.positions[key]
	switch o.side {
	case sideBuy:
		a.cash = round6(a.cash - val)
		if o.frozen > 0 {
			// Release the cash frozen for these shares at the limit price.
			rel := math.Min(o.frozen, qty*o.price)
			if qty == o.remaining() {
				rel = o.frozen
			}
			o.frozen = round6(o.frozen - rel)
			a.frozen = round6(math.Max(a.frozen-rel, 0))
		}
		if p == nil {
			id, _ := e.newID()
			p = &position{id: id, inst: o.inst}
			a.positions[key] = p
		}
		p.cost = (p.cost*p.qty + val) / (p.qty + qty)
		p.qty += qty
		p.buyQty += qty
		p.buyVal = round6(p.buyVal + val)
	case sideSell:
		a.cash = round6(a.cash + val)
		pl := (price - p.cost) * qty
		p.realized = round6(p.realized + pl)
		a.realized = round6(a.realized + pl)
		p.qty -= qty
		p.reserved -= qty
		p.sellQty += qty
		p.sellVal = round6(p.sellVal + val)
		if p.qty <= 0 {
			delete(a.positions, key)
		}
	default:
		e.bookShort(o, qty, price)
	}
	o.filled += qty
	o.fillVal += val
	o.updated = now
	e.chargeFees(o)
	if o.remaining() <= 0 {
		o.status = statusFilledAll
		e.close(o)
	} else {
		o.status = statusFilledPart
	}
	id, idEx := e.newID()
	f := &fill{id: id, idEx: idEx, ord: o, qty: qty, price: price, at: now}
	a.fills = append(a.fills, f)
	return f
}

// close removes a finished order from the open book. Callers hold mu.
func (e *Engine) close(o *order) {
	key := o.inst.Key()
	list := e.open[key]
	for i, x := range list {
		if x == o {
			list = append(list[:i:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(e.open, key)
	} else {
		e.open[key] = list
	}
}
