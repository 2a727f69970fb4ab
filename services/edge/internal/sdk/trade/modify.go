package trade

import (
	"context"
	"errors"
	"math"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdmodifyorder"
	"github.com/futugw/gateway/services/edge/internal/sdk/sdkcall"
	"google.golang.org/protobuf/proto"
)

// modification is the gateway call an official Trd_ModifyOrder C2S becomes: exactly
// one of its requests is set.
type modification struct {
	key       string // the packet's idempotency key
	modify    *gatewayv1.ModifyOrderRequest
	cancel    *gatewayv1.CancelOrderRequest
	cancelAll *gatewayv1.CancelAllOrderRequest
}

// modifyRequest maps an official Trd_ModifyOrder C2S: forAll with Cancel is
// OrderService.CancelAllOrder (trdMarket, when set, narrows it to one market); Cancel
// of one order is CancelOrder (qty and price ignored, as OpenD does); Normal,
// Disable, Enable and Delete are ModifyOrder with the op, qty, price and the trigger
// terms (auxPrice, trailType, trailValue, trailSpread). Refused: forAll with another
// op (the gateway cancels all, nothing else), adjustPrice and adjustSideAndLimit, an
// order named only by orderIDEx (the gateway names orders by orderID), an unknown op.
func modifyRequest(c *trdmodifyorder.C2S) (modification, error) {
	if c.GetPacketID() == nil {
		return modification{}, errors.New("packetID is required: {connID, serialNo} identifies the request, a resent packet runs once")
	}
	a, err := accountOf(c.GetHeader(), true)
	if err != nil {
		return modification{}, err
	}
	m := modification{key: PacketKey(c.GetPacketID())}
	op := c.GetModifyOrderOp()
	if op < int32(trdcommon.ModifyOrderOp_ModifyOrderOp_Normal) || op > int32(trdcommon.ModifyOrderOp_ModifyOrderOp_Delete) {
		return modification{}, invalid("modifyOrderOp must be 1 Normal, 2 Cancel, 3 Disable, 4 Enable or 5 Delete, got %d", op)
	}
	if c.GetAdjustPrice() || c.GetAdjustSideAndLimit() != 0 {
		return modification{}, errors.New("adjustPrice and adjustSideAndLimit are not supported: send a valid price")
	}
	if c.GetForAll() {
		if op != int32(trdcommon.ModifyOrderOp_ModifyOrderOp_Cancel) {
			return modification{}, errors.New("forAll is supported with modifyOrderOp 2 Cancel only")
		}
		only := c.GetTrdMarket()
		if only != 0 && gatewayv1.TrdMarket_name[only] == "" {
			return modification{}, invalid("trdMarket must be 1 HK, 2 US, 3 CN or 4 HKCC, got %d", only)
		}
		m.cancelAll = &gatewayv1.CancelAllOrderRequest{TrdEnv: a.env, AccId: a.accID, TrdMarket: a.market,
			OnlyTrdMarket: gatewayv1.TrdMarket(only)}
		return m, nil
	}
	if c.GetOrderID() == 0 {
		if c.GetOrderIDEx() != "" {
			return modification{}, errors.New("orderIDEx is not supported: name the order by orderID")
		}
		return modification{}, errors.New("orderID is required")
	}
	id := formatID(c.GetOrderID())
	if op == int32(trdcommon.ModifyOrderOp_ModifyOrderOp_Cancel) {
		m.cancel = &gatewayv1.CancelOrderRequest{TrdEnv: a.env, AccId: a.accID, TrdMarket: a.market, OrderId: id}
		return m, nil
	}
	if t := c.GetTrailType(); gatewayv1.TrailType_name[t] == "" {
		return modification{}, invalid("trailType must be 1 Ratio or 2 Amount, got %d", t)
	}
	for _, f := range []float64{c.GetQty(), c.GetPrice(), c.GetAuxPrice(), c.GetTrailValue(), c.GetTrailSpread()} {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return modification{}, errors.New("qty, price, auxPrice and the trail must be numbers")
		}
	}
	m.modify = &gatewayv1.ModifyOrderRequest{
		TrdEnv: a.env, AccId: a.accID, TrdMarket: a.market, OrderId: id,
		ModifyOrderOp: gatewayv1.ModifyOrderOp(op),
		Qty:           c.GetQty(), Price: c.GetPrice(),
		AuxPrice: c.GetAuxPrice(), TrailType: gatewayv1.TrailType(c.GetTrailType()),
		TrailValue: c.GetTrailValue(), TrailSpread: c.GetTrailSpread(),
	}
	return m, nil
}

// modifyOrder answers Trd_ModifyOrder with the call modifyRequest chooses, the
// packet's key sent as the Idempotency-Key: each of them runs once per packet, and
// the packet resent answers the first result.
func modifyOrder(ctx context.Context, c sdkcall.Conns, r sdkcall.Request) []byte {
	var c2s trdmodifyorder.C2S
	if err := decodePartial(r.Body, &c2s); err != nil {
		return malformed(r.ProtoID, err)
	}
	m, err := modifyRequest(&c2s)
	if err == nil {
		err = proto.CheckInitialized(&c2s)
	}
	if err != nil {
		return malformed(r.ProtoID, err)
	}
	ctx = withPacket(ctx, m.key)
	orders := gatewayv1.NewOrderServiceClient(c.Order)
	id := c2s.GetOrderID()
	switch {
	case m.cancelAll != nil:
		_, err = orders.CancelAllOrder(ctx, m.cancelAll)
	case m.cancel != nil:
		var resp *gatewayv1.ModifyOrderResponse
		if resp, err = orders.CancelOrder(ctx, m.cancel); err == nil {
			id = answeredID(resp.GetOrderId(), id)
		}
	default:
		var resp *gatewayv1.ModifyOrderResponse
		if resp, err = orders.ModifyOrder(ctx, m.modify); err == nil {
			id = answeredID(resp.GetOrderId(), id)
		}
	}
	if err != nil {
		return sdkcall.Refuse(err)
	}
	return sdkcall.Answer(&trdmodifyorder.S2C{Header: c2s.GetHeader(), OrderID: proto.Uint64(id)})
}

// answeredID is the order id the service answered, else the one asked about.
func answeredID(s string, asked uint64) uint64 {
	if id, ok := parseID(s); ok && id != 0 {
		return id
	}
	return asked
}
