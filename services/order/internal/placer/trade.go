package placer

import (
	"context"
	"strconv"
	"strings"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/api/gen/go/futu/opend/common"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetsecuritysnapshot"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetfunds"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetorderfilllist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetorderlist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetpositionlist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdmodifyorder"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdplaceorder"
	"github.com/futugw/gateway/opend/client"
	"github.com/futugw/gateway/opend/protoid"
	"google.golang.org/protobuf/proto"
)

// Header names an account: environment (0 simulate, 1 real), id and trading market.
type Header struct {
	Env    int32
	AccID  uint64
	Market int32
}

func (h Header) proto() *trdcommon.TrdHeader {
	return &trdcommon.TrdHeader{TrdEnv: proto.Int32(h.Env), AccID: proto.Uint64(h.AccID), TrdMarket: proto.Int32(h.Market)}
}

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
	// Conditional orders (Trd_Common.OrderType 10-15): the trigger price, the trail.
	AuxPrice    float64
	TrailType   int32
	TrailValue  float64
	TrailSpread float64
	// FillOutsideRTH lets a US order fill in pre-market and after hours.
	FillOutsideRTH bool
}

// Place sends Trd_PlaceOrder and returns OpenD's order id. Real orders are refused
// with KindLocked before reaching OpenD while real trading is locked.
func (p *Placer) Place(ctx context.Context, r PlaceRequest) (uint64, error) {
	c, packet, err := p.trade(r.Env)
	if err != nil {
		return 0, err
	}
	c2s := &trdplaceorder.C2S{
		PacketID:  packet,
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
	if r.FillOutsideRTH {
		c2s.FillOutsideRTH = proto.Bool(true)
	}
	r.Terms().set(&c2s.AuxPrice, &c2s.TrailType, &c2s.TrailValue, &c2s.TrailSpread)
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
	var resp trdgetorderlist.Response
	err := p.read(ctx, protoid.TrdGetOrderList, &trdgetorderlist.Request{C2S: &trdgetorderlist.C2S{Header: h.proto()}}, &resp)
	return resp.GetS2C().GetOrderList(), err
}

// Modify ops of Trd_Common.ModifyOrderOp.
const (
	ModifyNormal  int32 = 1
	ModifyCancel  int32 = 2
	ModifyDisable int32 = 3
	ModifyEnable  int32 = 4
	ModifyDelete  int32 = 5
)

// Terms are a conditional order's trigger terms; zero fields are not sent.
type Terms struct {
	AuxPrice    float64
	TrailType   int32
	TrailValue  float64
	TrailSpread float64
}

// Terms are r's trigger terms.
func (r PlaceRequest) Terms() Terms {
	return Terms{AuxPrice: r.AuxPrice, TrailType: r.TrailType, TrailValue: r.TrailValue, TrailSpread: r.TrailSpread}
}

func (t Terms) set(aux **float64, typ **int32, value, spread **float64) {
	if t.AuxPrice != 0 {
		*aux = proto.Float64(t.AuxPrice)
	}
	if t.TrailType != 0 {
		*typ = proto.Int32(t.TrailType)
	}
	if t.TrailValue != 0 {
		*value = proto.Float64(t.TrailValue)
	}
	if t.TrailSpread != 0 {
		*spread = proto.Float64(t.TrailSpread)
	}
}

// Modify changes (op ModifyNormal: qty and price) or cancels (ModifyCancel) an order.
func (p *Placer) Modify(ctx context.Context, h Header, orderID string, op int32, qty, price float64) (uint64, error) {
	return p.ModifyTerms(ctx, h, orderID, op, qty, price, Terms{})
}

// CancelAll cancels every open or disabled order of h's account (Trd_ModifyOrder
// forAll), only those of trdMarket when it is not 0.
func (p *Placer) CancelAll(ctx context.Context, h Header, trdMarket int32) error {
	c, packet, err := p.trade(h.Env)
	if err != nil {
		return err
	}
	c2s := &trdmodifyorder.C2S{
		PacketID:      packet,
		Header:        h.proto(),
		OrderID:       proto.Uint64(0),
		ModifyOrderOp: proto.Int32(ModifyCancel),
		ForAll:        proto.Bool(true),
	}
	if trdMarket != 0 {
		c2s.TrdMarket = proto.Int32(trdMarket)
	}
	var resp trdmodifyorder.Response
	if err := p.call(ctx, c, protoid.TrdModifyOrder, &trdmodifyorder.Request{C2S: c2s}, &resp); err != nil {
		return classify(err)
	}
	return nil
}

// ModifyTerms is Modify with a conditional order's new trigger terms (op ModifyNormal).
func (p *Placer) ModifyTerms(ctx context.Context, h Header, orderID string, op int32, qty, price float64, t Terms) (uint64, error) {
	id, err := strconv.ParseUint(strings.TrimSpace(orderID), 10, 64)
	if err != nil {
		return 0, &Error{Kind: KindInvalid, Reason: gatewayv1.Reason_REASON_INVALID_ORDER, Msg: "order_id must be OpenD's numeric order id"}
	}
	c, packet, err := p.trade(h.Env)
	if err != nil {
		return 0, err
	}
	c2s := &trdmodifyorder.C2S{
		PacketID:      packet,
		Header:        h.proto(),
		OrderID:       proto.Uint64(id),
		ModifyOrderOp: proto.Int32(op),
	}
	if op == ModifyNormal {
		c2s.Qty = proto.Float64(qty)
		c2s.Price = proto.Float64(price)
		t.set(&c2s.AuxPrice, &c2s.TrailType, &c2s.TrailValue, &c2s.TrailSpread)
	}
	var resp trdmodifyorder.Response
	if err := p.call(ctx, c, protoid.TrdModifyOrder, &trdmodifyorder.Request{C2S: c2s}, &resp); err != nil {
		return 0, classify(err)
	}
	return resp.GetS2C().GetOrderID(), nil
}

// Unlocked refuses a real order (KindLocked) while real trading is locked.
func (p *Placer) Unlocked(real bool) error {
	if real && !p.unlocked.Load() {
		return &Error{Kind: KindLocked, Reason: gatewayv1.Reason_REASON_TRADING_LOCKED, Msg: "real trading is locked: the order service has no (valid) trade password"}
	}
	return nil
}

// trade returns the live connection for an order in env and a fresh PacketID, so
// OpenD refuses a replay.
func (p *Placer) trade(env int32) (*client.Conn, *common.PacketID, error) {
	c, err := p.current()
	if err == nil {
		err = p.Unlocked(env == 1)
	}
	if err != nil {
		return nil, nil, err
	}
	connID, serial := c.NextPacketID()
	return c, &common.PacketID{ConnID: proto.Uint64(connID), SerialNo: proto.Uint32(serial)}, nil
}

// Read makes one read call of any protocol (the catalog's account routes); errors
// are *Error like every other call's.
func (p *Placer) Read(ctx context.Context, protoID uint32, req, resp proto.Message) error {
	return p.read(ctx, protoID, req, resp)
}

// read makes one read call. A read never changes anything, so an unanswered one is
// simply unavailable.
func (p *Placer) read(ctx context.Context, protoID uint32, req, resp proto.Message) error {
	c, err := p.current()
	if err != nil {
		return err
	}
	if err := p.call(ctx, c, protoID, req, resp); err != nil {
		e := classify(err)
		if e.Kind == KindUnknown {
			e.Kind = KindUnavailable
		}
		return e
	}
	return nil
}

// Fills returns today's fills of h.
func (p *Placer) Fills(ctx context.Context, h Header) ([]*trdcommon.OrderFill, error) {
	var resp trdgetorderfilllist.Response
	err := p.read(ctx, protoid.TrdGetOrderFillList, &trdgetorderfilllist.Request{C2S: &trdgetorderfilllist.C2S{Header: h.proto()}}, &resp)
	return resp.GetS2C().GetOrderFillList(), err
}

// Funds returns h's funds.
func (p *Placer) Funds(ctx context.Context, h Header) (*trdcommon.Funds, error) {
	var resp trdgetfunds.Response
	err := p.read(ctx, protoid.TrdGetFunds, &trdgetfunds.Request{C2S: &trdgetfunds.C2S{Header: h.proto()}}, &resp)
	return resp.GetS2C().GetFunds(), err
}

// Positions returns h's positions.
func (p *Placer) Positions(ctx context.Context, h Header) ([]*trdcommon.Position, error) {
	var resp trdgetpositionlist.Response
	err := p.read(ctx, protoid.TrdGetPositionList, &trdgetpositionlist.Request{C2S: &trdgetpositionlist.C2S{Header: h.proto()}}, &resp)
	return resp.GetS2C().GetPositionList(), err
}

// Snapshot is what the order checks need of a security.
type Snapshot struct {
	LotSize  int32
	CurPrice float64
}

// Snapshot asks OpenD for a security's lot size and current price (Qot_GetSecuritySnapshot
// needs no subscription). qotMarket is Qot_Common.QotMarket (1 HK, 11 US).
func (p *Placer) Snapshot(ctx context.Context, qotMarket int32, code string) (Snapshot, error) {
	var resp qotgetsecuritysnapshot.Response
	req := &qotgetsecuritysnapshot.Request{C2S: &qotgetsecuritysnapshot.C2S{
		SecurityList: []*qotcommon.Security{{Market: proto.Int32(qotMarket), Code: proto.String(code)}},
	}}
	if err := p.read(ctx, protoid.QotGetSecuritySnapshot, req, &resp); err != nil {
		return Snapshot{}, err
	}
	list := resp.GetS2C().GetSnapshotList()
	if len(list) == 0 {
		return Snapshot{}, &Error{Kind: KindInvalid, Reason: gatewayv1.Reason_REASON_INVALID_ORDER, Msg: "unknown security " + code}
	}
	b := list[0].GetBasic()
	return Snapshot{LotSize: b.GetLotSize(), CurPrice: b.GetCurPrice()}, nil
}

// LotSize returns a security's lot size, from a cache filled by Snapshot (lot sizes
// change rarely; a stale one makes OpenD refuse, never place wrongly).
func (p *Placer) LotSize(ctx context.Context, qotMarket int32, code string) (int32, error) {
	key := lotKey{qotMarket, code}
	if v, ok := p.lots.Load(key); ok {
		return v.(int32), nil
	}
	s, err := p.Snapshot(ctx, qotMarket, code)
	if err != nil {
		return 0, err
	}
	p.lots.Store(key, s.LotSize)
	return s.LotSize, nil
}

type lotKey struct {
	market int32
	code   string
}
