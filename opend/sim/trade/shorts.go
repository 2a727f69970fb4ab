package trade

// bookShort books a fill of a short sale or a buy back. A short position is a
// position with negative qty whose cost is the average price sold at; buying
// back realises (cost - price) per share. Callers hold mu.
func (e *Engine) bookShort(o *order, qty, price float64) {
	a := o.acc
	key := o.inst.Key()
	p := a.positions[key]
	val := qty * price
	switch o.side {
	case sideSellShort:
		a.cash = round6(a.cash + val)
		if p == nil {
			id, _ := e.newID()
			p = &position{id: id, inst: o.inst}
			a.positions[key] = p
		}
		short := -p.qty
		p.cost = (p.cost*short + val) / (short + qty)
		p.qty -= qty
		p.sellQty += qty
		p.sellVal = round6(p.sellVal + val)
	case sideBuyBack:
		a.cash = round6(a.cash - val)
		pl := (p.cost - price) * qty
		p.realized = round6(p.realized + pl)
		a.realized = round6(a.realized + pl)
		p.qty += qty
		p.reserved -= qty
		p.buyQty += qty
		p.buyVal = round6(p.buyVal + val)
		if p.qty >= 0 {
			delete(a.positions, key)
		}
	}
}

// admitShort checks a SellShort or BuyBack order and reserves what it needs:
// short sales are for margin accounts, within the security's short pool and
// the account's excess liquidity, and never while a long position is held
// (sell that first); a buy back covers at most the open short. Callers hold
// mu; a refusal changes nothing.
func (e *Engine) admitShort(a *account, o *order, ref float64) error {
	p := a.positions[o.inst.Key()]
	switch o.side {
	case sideSellShort:
		if a.cfg.AccType != accTypeMargin {
			return refuse(codeUnsupported, "short selling needs a margin account; account %d is a cash account", a.cfg.ID)
		}
		if p != nil && p.qty > 0 {
			return refuse(codePosition, "account %d holds a long position in %s: sell it before selling short", a.cfg.ID, o.inst.Key())
		}
		t := e.marginTerms(o.inst)
		if !t.shortOK {
			return refuse(codeUnsupported, "%s is not shortable", o.inst.Key())
		}
		if max := e.maxQtys(a, o.inst, ref, nil).sellShort; o.qty > max {
			return refuse(codeFunds, "insufficient short capacity: can sell short %g of %s (short pool %g), order qty %g",
				max, o.inst.Key(), t.pool, o.qty)
		}
	case sideBuyBack:
		can := 0.0
		if p != nil && p.qty < 0 {
			can = p.buyBackable()
		}
		if o.qty > can {
			return refuse(codePosition, "insufficient short position: can buy back %g of %s, order qty %g", can, o.inst.Key(), o.qty)
		}
		p.reserved += o.qty
	}
	return nil
}

// side is the Trd_Common.PositionSide: 0 Long, 1 Short.
func (p *position) side() int32 {
	if p.qty < 0 {
		return 1
	}
	return 0
}
