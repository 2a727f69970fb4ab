package placer

import (
	"context"
	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"strconv"
	"strings"

	"github.com/futugw/gateway/api/gen/go/futu/opend/common"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetorderlist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdmodifyorder"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdplaceorder"
	"github.com/futugw/gateway/opend/protoid"
	"google.golang.org/protobuf/proto"
)

// Header names an account: environment (0 simulate, 1 real), id and trading market.
type Header struct {
	Env    int32
	AccID  uint64
	Market int32
}

func (h Header) proto() *trdcommon.TrdHeader { return header(h.Env, h.AccID, h.Market) }

// PlaceRequest is one order, in OpenD's terms.
type PlaceRequest struct {
	Header
	SecMarket   int32 // Trd_Common.TrdSecMarket; 0 = OpenD derives it
	Code        string
	Side        int32
	OrderType   int32
	Price       float64 // limit orders only
	Qty         float64
	TimeInForce int32
	Remark      string
}

// Place sends Trd_PlaceOrder and returns OpenD's order id. Real orders are refused
// with KindLocked before reaching OpenD while real trading is locked.
func (p *Placer) Place(ctx context.Context, r PlaceRequest) (uint64, error) {
	c, err := p.current()
	if err != nil {
		return 0, err
	}
	if r.Env == 1 && !p.unlocked.Load() {
		return 0, &Error{Kind: KindLocked, Reason: gatewayv1.Reason_REASON_TRADING_LOCKED, Msg: "real trading is locked: the order service has no (valid) trade password"}
	}
	connID, serial := c.NextPacketID()
	c2s := &trdplaceorder.C2S{
		PacketID:  &common.PacketID{ConnID: proto.Uint64(connID), SerialNo: proto.Uint32(serial)},
		Header:    r.Header.proto(),
		TrdSide:   proto.Int32(r.Side),
		OrderType: proto.Int32(r.OrderType),
		Code:      proto.String(r.Code),
		Qty:       proto.Float64(r.Qty),
	}
	if r.OrderType != orderTypeMarket {
		c2s.Price = proto.Float64(r.Price)
	}
	if r.SecMarket != 0 {
		c2s.SecMarket = proto.Int32(r.SecMarket)
	}
	if r.Remark != "" {
		c2s.Remark = proto.String(r.Remark)
	}
	if r.TimeInForce != 0 {
		c2s.TimeInForce = proto.Int32(r.TimeInForce)
	}
	var resp trdplaceorder.Response
	if err := p.call(ctx, c, protoid.TrdPlaceOrder, &trdplaceorder.Request{C2S: c2s}, &resp); err != nil {
		return 0, classify(err)
	}
	return resp.GetS2C().GetOrderID(), nil
}

const orderTypeMarket int32 = 2

// FindByRemark looks for today's order of h whose remark starts with tag: how a
// retry learns whether an attempt that got no answer placed its order.
func (p *Placer) FindByRemark(ctx context.Context, h Header, tag string) (orderID uint64, found bool, err error) {
	orders, err := p.Orders(ctx, h)
	if err != nil {
		return 0, false, err
	}
	for _, o := range orders {
		if r := o.GetRemark(); r == tag || strings.HasPrefix(r, tag+" ") {
			return o.GetOrderID(), true, nil
		}
	}
	return 0, false, nil
}

// Orders returns today's orders of h.
func (p *Placer) Orders(ctx context.Context, h Header) ([]*trdcommon.Order, error) {
	c, err := p.current()
	if err != nil {
		return nil, err
	}
	var resp trdgetorderlist.Response
	if err := p.call(ctx, c, protoid.TrdGetOrderList, &trdgetorderlist.Request{C2S: &trdgetorderlist.C2S{Header: h.proto()}}, &resp); err != nil {
		return nil, readError(err)
	}
	return resp.GetS2C().GetOrderList(), nil
}

// Modify ops of Trd_Common.ModifyOrderOp.
const (
	ModifyNormal int32 = 1
	ModifyCancel int32 = 2
)

// Modify changes (op ModifyNormal: qty and price) or cancels (ModifyCancel) an order.
func (p *Placer) Modify(ctx context.Context, h Header, orderID string, op int32, qty, price float64) (uint64, error) {
	id, err := strconv.ParseUint(strings.TrimSpace(orderID), 10, 64)
	if err != nil {
		return 0, &Error{Kind: KindInvalid, Reason: gatewayv1.Reason_REASON_INVALID_ORDER, Msg: "order_id must be OpenD's numeric order id"}
	}
	c, err := p.current()
	if err != nil {
		return 0, err
	}
	if h.Env == 1 && !p.unlocked.Load() {
		return 0, &Error{Kind: KindLocked, Reason: gatewayv1.Reason_REASON_TRADING_LOCKED, Msg: "real trading is locked: the order service has no (valid) trade password"}
	}
	connID, serial := c.NextPacketID()
	c2s := &trdmodifyorder.C2S{
		PacketID:      &common.PacketID{ConnID: proto.Uint64(connID), SerialNo: proto.Uint32(serial)},
		Header:        h.proto(),
		OrderID:       proto.Uint64(id),
		ModifyOrderOp: proto.Int32(op),
	}
	if op == ModifyNormal {
		c2s.Qty = proto.Float64(qty)
		c2s.Price = proto.Float64(price)
	}
	var resp trdmodifyorder.Response
	if err := p.call(ctx, c, protoid.TrdModifyOrder, &trdmodifyorder.Request{C2S: c2s}, &resp); err != nil {
		return 0, classify(err)
	}
	return resp.GetS2C().GetOrderID(), nil
}

// readError classifies a failed read: a read never changes anything, so an
// unanswered one is simply unavailable.
func readError(err error) error {
	e := classify(err)
	if e.Kind == KindUnknown {
		e.Kind = KindUnavailable
	}
	return e
}
