package trade

import (
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/trdmodifyorder"
)

// Trd_Common.ModifyOrderOp and OrderStatus values beyond Normal and Cancel.
const (
	opDisable int32 = 3
	opEnable  int32 = 4
	opDelete  int32 = 5

	statusDisabled int32 = 22
	statusDeleted  int32 = 23
)

// applyOp performs one ModifyOrderOp on o:
//   - Normal changes an open order's qty, price and trigger terms;
//   - Cancel ends an open or disabled order and releases its reservation;
//   - Disable takes an open order out of the market (Disabled) while keeping
//     its reservation, so Enable can put it back (Submitted or Filled_Part);
//   - Delete removes a finished or disabled order from the order list, which
//     in OpenD is a local operation.
//
// Callers hold mu; a refusal changes nothing.
func (e *Engine) applyOp(o *order, op int32, c2s *trdmodifyorder.C2S, now time.Time) error {
	notOpen := func(what string) error {
		return refuse(codeOrder, "order %d can no longer be %s: its status is %s", o.id, what, statusName(o.status))
	}
	switch op {
	case opNormal:
		if !o.open() {
			return notOpen("modified")
		}
		return e.reprice(o, c2s, now)
	case opCancel:
		if !o.open() && o.status != statusDisabled {
			return notOpen("cancelled")
		}
		e.cancelOrder(o, now)
	case opDisable:
		if !o.open() {
			return notOpen("disabled")
		}
		o.status, o.updated = statusDisabled, now
		e.close(o)
	case opEnable:
		if o.status != statusDisabled {
			return refuse(codeOrder, "order %d is not disabled: its status is %s", o.id, statusName(o.status))
		}
		o.status, o.updated = statusSubmitted, now
		if o.filled > 0 {
			o.status = statusFilledPart
		}
		if e.books(o, now) {
			e.open[o.inst.Key()] = append(e.open[o.inst.Key()], o)
			e.noteExpiry(o)
		}
	case opDelete:
		if o.open() {
			return refuse(codeOrder, "order %d is still working (%s): cancel it before deleting it", o.id, statusName(o.status))
		}
		if o.status == statusDisabled {
			e.cancelOrder(o, now)
		}
		o.status, o.updated = statusDeleted, now
	default:
		return refuse(codeInvalidRequest, "invalid modifyOrderOp %d (1 Normal, 2 Cancel, 3 Disable, 4 Enable, 5 Delete)", op)
	}
	return nil
}

// cancelAll handles forAll: every open or disabled order of a, optionally of
// one trdMarket, is cancelled. Only Cancel applies to all orders.
func (e *Engine) cancelAll(a *account, op, trdMarket int32, now time.Time) ([]event, error) {
	if op != opCancel {
		return nil, refuse(codeInvalidRequest, "forAll applies to modifyOrderOp 2 (Cancel) only, got %d", op)
	}
	var evs []event
	for _, o := range a.orders {
		if trdMarket != 0 && trdMarketOf(o.inst.Market) != trdMarket {
			continue
		}
		if o.open() || o.status == statusDisabled {
			e.cancelOrder(o, now)
			evs = append(evs, orderEvent(o))
		}
	}
	return evs, nil
}

// reprice changes an open order's total qty, its limit price and, for a
// conditional order not yet triggered, its trigger terms, re-reserving cash or
// shares for what remains. Market orders cannot be changed. Callers hold mu; a
// refusal restores the order and changes nothing.
func (e *Engine) reprice(o *order, c2s *trdmodifyorder.C2S, now time.Time) error {
	if o.typ == typeMarket {
		return refuse(codeOrder, "order %d is a market order; market orders cannot be modified", o.id)
	}
	qty := c2s.GetQty()
	if err := checkQty(o.inst, qty); err != nil {
		return err
	}
	if qty <= o.filled {
		return refuse(codeQty, "new qty %g must exceed the filled qty %g of order %d", qty, o.filled, o.id)
	}
	cur, ok := e.lastPrice(o.inst)
	if !ok {
		return refuse(codeSecurity, "no price for %s", o.inst.Key())
	}
	saved := *o
	if err := o.retune(c2s, cur); err != nil {
		*o = saved
		return err
	}
	if err := e.rereserve(o, qty-o.filled, cur); err != nil {
		*o = saved
		return err
	}
	o.qty, o.updated = qty, now
	return nil
}

// retune applies a modification's price and trigger terms to o.
func (o *order) retune(c2s *trdmodifyorder.C2S, cur float64) error {
	k := o.kind()
	if k.limit && (o.typ != typeTrailingStopLimit || o.triggered) {
		if err := checkPrice(o.inst, c2s.GetPrice()); err != nil {
			return err
		}
		o.price = c2s.GetPrice()
	}
	if o.triggered {
		return nil
	}
	if k.aux {
		if err := o.setAux(c2s.GetAuxPrice(), cur); err != nil {
			return err
		}
	}
	if k.trailing {
		return o.setTrail(c2s.GetTrailType(), c2s.GetTrailValue(), c2s.GetTrailSpread(), cur)
	}
	return nil
}

// rereserve re-reserves cash or shares for rest, the new unfilled qty of o.
// Callers hold mu.
func (e *Engine) rereserve(o *order, rest, cur float64) error {
	a := o.acc
	extra := rest - o.remaining()
	p := a.positions[o.inst.Key()]
	switch o.side {
	case sideBuy:
		need := round6(rest * o.refPrice(cur))
		if power := e.buyingPower(a, o.inst) + o.frozen; need > power+1e-6 {
			return refuse(codeFunds, "insufficient buying power: the modified order needs %.2f %s, available %.2f",
				need, currencyName(o.inst.Currency), power)
		}
		a.frozen = round6(a.frozen - o.frozen + need)
		o.frozen = need
	case sideSell, sideBuyBack:
		can := 0.0
		if p != nil && o.side == sideSell && p.qty > 0 {
			can = p.canSell()
		}
		if p != nil && o.side == sideBuyBack && p.qty < 0 {
			can = p.buyBackable()
		}
		if extra > can {
			return refuse(codePosition, "insufficient position: can sell %g more of %s, modification needs %g",
				can, o.inst.Key(), extra)
		}
		p.reserved += extra
	case sideSellShort:
		if can := e.maxQtys(a, o.inst, o.refPrice(cur), nil).sellShort; extra > can {
			return refuse(codeFunds, "insufficient short capacity: can sell short %g more of %s, modification needs %g",
				can, o.inst.Key(), extra)
		}
	}
	return nil
}
