package trade

import (
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/trdmodifyorder"
	"google.golang.org/protobuf/proto"
)

// modifyOrder handles Trd_ModifyOrder 2205: op 1 changes an open order's
// price and quantity, op 2 cancels it (forAll cancels every open order of the
// account). Refusals change nothing.
func (e *Engine) modifyOrder(c2s *trdmodifyorder.C2S) (*trdmodifyorder.S2C, error) {
	if c2s.GetPacketID() == nil {
		return nil, refuse(codeInvalidRequest, "missing packetID")
	}
	pk := packetKey{c2s.GetPacketID().GetConnID(), c2s.GetPacketID().GetSerialNo()}

	e.mu.Lock()
	a, err := e.account(c2s.GetHeader())
	if err == nil {
		err = e.checkUnlocked(a)
	}
	if err == nil {
		err = e.checkReplay(pk)
	}
	now := e.cfg.Now()
	if err != nil {
		e.mu.Unlock()
		return nil, err
	}
	s2c := &trdmodifyorder.S2C{
		Header:  a.header(c2s.GetHeader().GetTrdMarket()),
		OrderID: proto.Uint64(c2s.GetOrderID()),
	}

	op := c2s.GetModifyOrderOp()
	if op == opCancel && c2s.GetForAll() {
		var evs []event
		for _, o := range a.orders {
			if o.open() {
				e.cancelOrder(o, now)
				evs = append(evs, orderEvent(o))
			}
		}
		e.admit(a, pk, now)
		e.unlockAndPush(evs)
		return s2c, nil
	}

	o, err := e.modifiable(a, c2s)
	if err == nil && op != opCancel && op != opNormal {
		err = refuse(codeUnsupported, "unsupported modifyOrderOp %d (the simulator takes 1 Normal and 2 Cancel)", op)
	}
	if err == nil && op == opNormal {
		err = e.reprice(o, c2s.GetQty(), c2s.GetPrice(), now)
	}
	if err != nil {
		e.mu.Unlock()
		return nil, err
	}
	s2c.OrderIDEx = proto.String(o.idEx)
	e.admit(a, pk, now)
	var evs []event
	if op == opCancel {
		e.cancelOrder(o, now)
		evs = append(evs, orderEvent(o))
	} else {
		evs = append(evs, orderEvent(o))
		evs = e.match(o, evs)
	}
	e.log.Debug("order modified", "acc", a.cfg.ID, "order", o.id, "op", op, "status", statusName(o.status))
	e.unlockAndPush(evs)
	return s2c, nil
}

// modifiable finds the request's order in a and checks it is still open.
// Callers hold mu.
func (e *Engine) modifiable(a *account, c2s *trdmodifyorder.C2S) (*order, error) {
	o, ok := e.orders[c2s.GetOrderID()]
	if !ok && c2s.GetOrderIDEx() != "" {
		for _, x := range a.orders {
			if x.idEx == c2s.GetOrderIDEx() {
				o, ok = x, true
				break
			}
		}
	}
	if !ok || o.acc != a {
		return nil, refuse(codeOrder, "unknown order id %d for account %d", c2s.GetOrderID(), a.cfg.ID)
	}
	if !o.open() {
		return nil, refuse(codeOrder, "order %d can no longer be modified: its status is %s", o.id, statusName(o.status))
	}
	return o, nil
}

// reprice changes an open limit order's total qty and price, re-reserving
// cash or shares for what remains. Callers hold mu; a refusal changes nothing.
func (e *Engine) reprice(o *order, qty, price float64, now time.Time) error {
	if o.typ != typeLimit {
		return refuse(codeOrder, "order %d is a market order; only limit orders can be modified", o.id)
	}
	if err := checkQty(o.inst, qty); err != nil {
		return err
	}
	if qty <= o.filled {
		return refuse(codeQty, "new qty %g must exceed the filled qty %g of order %d", qty, o.filled, o.id)
	}
	if err := checkPrice(o.inst, price); err != nil {
		return err
	}
	a := o.acc
	rest := qty - o.filled
	switch o.side {
	case sideBuy:
		need := round6(rest * price)
		if need > a.available()+o.frozen+1e-6 {
			return refuse(codeFunds, "insufficient buying power: the modified order needs %.2f %s, available %.2f",
				need, currencyName(o.inst.Currency), a.available()+o.frozen)
		}
		a.frozen = round6(a.frozen - o.frozen + need)
		o.frozen = need
	case sideSell:
		p := a.positions[o.inst.Key()]
		extra := rest - o.remaining()
		if p == nil || extra > p.canSell() {
			can := 0.0
			if p != nil {
				can = p.canSell()
			}
			return refuse(codePosition, "insufficient position: can sell %g more of %s, modification needs %g",
				can, o.inst.Key(), extra)
		}
		p.reserved += extra
	}
	o.qty, o.price, o.updated = qty, price, now
	return nil
}

// cancelOrder cancels what remains of o and releases its reservation.
// Callers hold mu.
func (e *Engine) cancelOrder(o *order, now time.Time) {
	a := o.acc
	switch o.side {
	case sideBuy:
		a.frozen = round6(max(a.frozen-o.frozen, 0))
		o.frozen = 0
	case sideSell:
		if p := a.positions[o.inst.Key()]; p != nil {
			p.reserved -= o.remaining()
		}
	}
	if o.filled > 0 {
		o.status = statusCancelledPart
	} else {
		o.status = statusCancelledAll
	}
	o.updated = now
	e.close(o)
}
