package trade

import (
	"fmt"
	"strings"

	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdplaceorder"
	"github.com/futugw/gateway/opend/sim/market"
	"google.golang.org/protobuf/proto"
)

// placeOrder handles Trd_PlaceOrder 2202. Every refusal leaves the state
// untouched; an accepted order is matched at once as far as the market allows.
func (e *Engine) placeOrder(c2s *trdplaceorder.C2S) (*trdplaceorder.S2C, error) {
	if c2s.GetPacketID() == nil {
		return nil, refuse(codeInvalidRequest, "missing packetID")
	}
	pk := packetKey{c2s.GetPacketID().GetConnID(), c2s.GetPacketID().GetSerialNo()}

	e.mu.Lock()
	a, o, err := e.admitOrder(c2s, pk)
	if err != nil {
		e.mu.Unlock()
		return nil, err
	}
	evs := []event{orderEvent(o)}
	evs = e.match(o, evs)
	s2c := &trdplaceorder.S2C{
		Header:    a.header(c2s.GetHeader().GetTrdMarket()),
		OrderID:   proto.Uint64(o.id),
		OrderIDEx: proto.String(o.idEx),
	}
	e.log.Debug("order placed", "acc", a.cfg.ID, "order", o.id, "code", o.inst.Key(),
		"side", o.side, "type", o.typ, "qty", o.qty, "price", o.price)
	e.unlockAndPush(evs)
	return s2c, nil
}

// admitOrder validates a place request and, if it passes, books the order and
// reserves its cash or shares. Callers hold mu.
func (e *Engine) admitOrder(c2s *trdplaceorder.C2S, pk packetKey) (*account, *order, error) {
	a, err := e.account(c2s.GetHeader())
	if err != nil {
		return nil, nil, err
	}
	if err := e.checkUnlocked(a); err != nil {
		return nil, nil, err
	}
	if err := e.checkReplay(pk); err != nil {
		return nil, nil, err
	}
	now := e.cfg.Now()
	side := c2s.GetTrdSide()
	if side < sideBuy || side > sideBuyBack {
		return nil, nil, refuse(codeInvalidRequest, "invalid trdSide %d (want 1 Buy, 2 Sell, 3 SellShort or 4 BuyBack)", side)
	}
	typ := c2s.GetOrderType()
	if _, ok := orderKinds[typ]; !ok {
		return nil, nil, refuse(codeUnsupported, "unsupported orderType %d (the simulator takes 1 Normal, 2 Market and 10-15 stop, touched and trailing orders)", typ)
	}
	inst, err := e.instrument(c2s.GetHeader().GetTrdMarket(), c2s.GetSecMarket(), c2s.GetCode())
	if err != nil {
		return nil, nil, err
	}
	qty := c2s.GetQty()
	if err := checkQty(inst, qty); err != nil {
		return nil, nil, err
	}
	cur, ok := e.lastPrice(inst)
	if !ok {
		return nil, nil, refuse(codeSecurity, "no price for %s", inst.Key())
	}
	o := &order{acc: a, inst: inst, side: side, typ: typ, status: statusSubmitted,
		qty: qty, remark: c2s.GetRemark(), created: now, updated: now}
	if err := setTerms(o, c2s, cur); err != nil {
		return nil, nil, err
	}
	if err := e.checkSession(o, now); err != nil {
		return nil, nil, err
	}
	if o.tif == tifDay {
		o.expires = dayClose(inst.Market, now, o.outsideRTH)
	}

	ref := o.refPrice(cur)
	switch side {
	case sideBuy:
		if p := a.positions[inst.Key()]; p != nil && p.qty < 0 {
			return nil, nil, refuse(codePosition, "account %d holds a short position in %s: cover it with BuyBack", a.cfg.ID, inst.Key())
		}
		need := qty * ref
		if power := e.buyingPower(a, inst); need > power+1e-6 {
			return nil, nil, refuse(codeFunds, "insufficient buying power: the order needs %.2f %s, available %.2f",
				need, currencyName(inst.Currency), power)
		}
		if typ != typeMarket {
			o.frozen = round6(need)
			a.frozen = round6(a.frozen + o.frozen)
		}
	case sideSell:
		p := a.positions[inst.Key()]
		can := 0.0
		if p != nil && p.qty > 0 {
			can = p.canSell()
		}
		if qty > can {
			return nil, nil, refuse(codePosition, "insufficient position: can sell %g of %s, order qty %g", can, inst.Key(), qty)
		}
		p.reserved += qty
	default:
		if err := e.admitShort(a, o, ref); err != nil {
			return nil, nil, err
		}
	}
	o.id, o.idEx = e.newID()
	e.admit(a, pk, now)
	a.orders = append(a.orders, o)
	e.orders[o.id] = o
	if e.books(o, now) {
		e.open[inst.Key()] = append(e.open[inst.Key()], o)
		e.noteExpiry(o)
	}
	return a, o, nil
}

// instrument finds the security an order names, in the header's market.
func (e *Engine) instrument(trdMarket, secMarket int32, code string) (market.Instrument, error) {
	qm, ok := qotMarket(trdMarket)
	if !ok {
		return market.Instrument{}, refuse(codeSecurity, "trdMarket %d is not simulated (1 HK, 2 US)", trdMarket)
	}
	if secMarket != 0 {
		sm, ok := secMarketQot(secMarket)
		if !ok || sm != qm {
			return market.Instrument{}, refuse(codeSecurity, "secMarket %d does not match trdMarket %d", secMarket, trdMarket)
		}
	}
	code = strings.TrimSpace(code)
	// Accept "HK.00700" as well as "00700", but only in the header's market.
	if m, c, ok := market.ParseKey(code); ok {
		if m != qm {
			return market.Instrument{}, refuse(codeSecurity, "code %q is not in trdMarket %d", code, trdMarket)
		}
		code = c
	}
	if code == "" {
		return market.Instrument{}, refuse(codeSecurity, "missing code")
	}
	inst, ok := e.mkt.Instrument(qm, code)
	if !ok {
		return market.Instrument{}, refuse(codeSecurity, "unknown code %q in market %s", code, market.MarketPrefix(qm))
	}
	return inst, nil
}

func checkQty(inst market.Instrument, qty float64) error {
	if !(qty > 0) {
		return refuse(codeQty, "qty must be positive, got %g", qty)
	}
	if _, ok := lotCount(qty, inst.LotSize); !ok {
		return refuse(codeQty, "qty %g is not a multiple of the lot size %d of %s", qty, inst.LotSize, inst.Key())
	}
	return nil
}

func checkPrice(inst market.Instrument, price float64) error {
	if !(price > 0) {
		return refuse(codePrice, "a limit order needs a positive price, got %g", price)
	}
	if !market.ValidPrice(inst.Market, price) {
		return refuse(codePrice, "price %g is not on the tick grid of %s (tick %g)",
			price, inst.Key(), market.TickSize(inst.Market, price))
	}
	return nil
}

func currencyName(c int32) string {
	if name, ok := trdcommon.Currency_name[c]; ok {
		return strings.TrimPrefix(name, "Currency_")
	}
	return fmt.Sprintf("currency %d", c)
}
