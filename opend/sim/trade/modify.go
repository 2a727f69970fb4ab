package trade

import (
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/trdmodifyorder"
	"google.golang.org/protobuf/proto"
)

// modifyOrder handles Trd_ModifyOrder 2205: every ModifyOrderOp (see
// applyOp), and with forAll a cancel of every open order of the account.
// Refusals change nothing.
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
	if c2s.GetForAll() {
		evs, err := e.cancelAll(a, op, c2s.GetTrdMarket(), now)
		if err != nil {
			e.mu.Unlock()
			return nil, err
		}
		e.admit(a, pk, now)
		e.unlockAndPush(evs)
		return s2c, nil
	}

	o, err := e.modifiable(a, c2s)
	if err == nil {
		err = e.applyOp(o, op, c2s, now)
	}
	if err != nil {
		e.mu.Unlock()
		return nil, err
	}
	s2c.OrderIDEx = proto.String(o.idEx)
	e.admit(a, pk, now)
	evs := []event{orderEvent(o)}
	if o.open() {
		evs = e.match(o, evs)
	}
	e.log.Debug("order modified", "acc", a.cfg.ID, "order", o.id, "op", op, "status", statusName(o.status))
	e.unlockAndPush(evs)
	return s2c, nil
}

// modifiable finds the request's order in a; applyOp checks its status.
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
	if !ok || o.acc != a || o.status == statusDeleted {
		return nil, refuse(codeOrder, "unknown order id %d for account %d", c2s.GetOrderID(), a.cfg.ID)
	}
	return o, nil
}

// cancelOrder cancels what remains of o and releases its reservation.
// Callers hold mu.
func (e *Engine) cancelOrder(o *order, now time.Time) {
	a := o.acc
	switch o.side {
	case sideBuy:
		a.frozen = round6(max(a.frozen-o.frozen, 0))
		o.frozen = 0
	case sideSell, sideBuyBack:
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
