package trade

import (
	"context"
	"errors"
	"math"
	"strconv"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/api/gen/go/futu/opend/common"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdplaceorder"
	"github.com/futugw/gateway/services/edge/internal/sdk/sdkcall"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"
)

// idempotencyHeader is the gRPC metadata the order service reads an Idempotency-Key
// from (the edge forwards REST's Idempotency-Key header as it).
const idempotencyHeader = "idempotency-key"

// PacketKey is the idempotency key of an official write: its PacketID, which OpenD
// itself treats as the request's identity (it refuses a PacketID it has seen). The
// order service scopes idempotency keys by the key's owner (a session shares its
// parent's), so the same packet resent on a socket of the same key, or after a
// reconnect with the request kept as it was, places once and answers the first
// order id; the same packet with another body is refused (idempotency_conflict).
// The key lives 24 hours: the SDK listener must hand out connIDs that do not repeat
// for a key within that time (random 64-bit ones do), and a page must not reuse a
// serialNo on one connection for two orders, as on OpenD.
func PacketKey(p *common.PacketID) string {
	return "sdk:" + strconv.FormatUint(p.GetConnID(), 10) + ":" + strconv.FormatUint(uint64(p.GetSerialNo()), 10)
}

// formatID is an OpenD order id as the gateway names it.
func formatID(id uint64) string { return strconv.FormatUint(id, 10) }

// withPacket is ctx carrying the packet's idempotency key to the order service.
func withPacket(ctx context.Context, key string) context.Context {
	return metadata.AppendToOutgoingContext(ctx, idempotencyHeader, key)
}

// placeOrder answers Trd_PlaceOrder with OrderService.PlaceOrder, keyed by the
// packet (PacketKey).
func placeOrder(ctx context.Context, c sdkcall.Conns, r sdkcall.Request) []byte {
	var c2s trdplaceorder.C2S
	if err := decodePartial(r.Body, &c2s); err != nil {
		return malformed(r.ProtoID, err)
	}
	req, err := placeRequest(&c2s)
	if err == nil {
		err = proto.CheckInitialized(&c2s)
	}
	if err != nil {
		return malformed(r.ProtoID, err)
	}
	resp, err := gatewayv1.NewOrderServiceClient(c.Order).PlaceOrder(withPacket(ctx, req.GetClientOrderId()), req)
	if err != nil {
		return sdkcall.Refuse(err)
	}
	id, ok := parseID(resp.GetOrderId())
	if !ok {
		return internal(r.ProtoID, "the order service answered a non-numeric order id")
	}
	return sdkcall.Answer(&trdplaceorder.S2C{Header: c2s.GetHeader(), OrderID: proto.Uint64(id)})
}

// placeRequest is the gateway's order of an official Trd_PlaceOrder C2S, its
// client_order_id the packet's key. It maps every field the gateway serves (header,
// trdSide, orderType, code, qty, price, secMarket, remark, timeInForce,
// fillOutsideRTH, auxPrice, trailType, trailValue, trailSpread) and refuses the rest
// when set: adjustPrice and adjustSideAndLimit (OpenD's price adjustment: the gateway
// places the price given, checked against the key's limits), a session other than
// RTH (pre- and after-hours are fillOutsideRTH), positionID, expireTime (GTD),
// amount (orders by value) and predSide (prediction markets). Order types, sides and
// times in force the gateway does not place are refused naming what it does.
// The order service checks the rest (terms of each order type, lot, tick, limits).
func placeRequest(c *trdplaceorder.C2S) (*gatewayv1.PlaceOrderRequest, error) {
	if c.GetPacketID() == nil {
		return nil, errors.New("packetID is required: {connID, serialNo} identifies the order, a resent packet places once")
	}
	a, err := accountOf(c.GetHeader(), true)
	if err != nil {
		return nil, err
	}
	switch {
	case c.GetAdjustPrice() || c.GetAdjustSideAndLimit() != 0:
		return nil, errors.New("adjustPrice and adjustSideAndLimit are not supported: send a valid price")
	case c.GetSession() != int32(common.Session_Session_NONE) && c.GetSession() != int32(common.Session_Session_RTH):
		return nil, errors.New("session must be RTH or absent: use fillOutsideRTH for pre-market and after-hours")
	case c.GetPositionID() != 0:
		return nil, errors.New("positionID is not supported")
	case c.GetExpireTime() != "":
		return nil, errors.New("expireTime (GTD) is not supported")
	case c.GetAmount() != 0:
		return nil, errors.New("amount is not supported: give qty")
	case c.GetPredSide() != 0:
		return nil, errors.New("predSide is not supported")
	}
	if s := c.GetTrdSide(); s < int32(trdcommon.TrdSide_TrdSide_Buy) || s > int32(trdcommon.TrdSide_TrdSide_BuyBack) {
		return nil, invalid("trdSide must be 1 Buy, 2 Sell, 3 SellShort or 4 BuyBack, got %d", s)
	}
	if t := c.GetOrderType(); gatewayv1.OrderType_name[t] == "" || t == int32(gatewayv1.OrderType_ORDER_TYPE_UNKNOWN) {
		return nil, invalid("orderType %d is not supported: 1 Normal (limit), 2 Market, 10 Stop, 11 StopLimit, 12 MarketifTouched, 13 LimitifTouched, 14 TrailingStop or 15 TrailingStopLimit", t)
	}
	if t := c.GetTimeInForce(); t != int32(trdcommon.TimeInForce_TimeInForce_DAY) && t != int32(trdcommon.TimeInForce_TimeInForce_GTC) {
		return nil, invalid("timeInForce must be 0 DAY or 1 GTC, got %d", t)
	}
	if t := c.GetTrailType(); gatewayv1.TrailType_name[t] == "" {
		return nil, invalid("trailType must be 1 Ratio or 2 Amount, got %d", t)
	}
	for _, f := range []float64{c.GetQty(), c.GetPrice(), c.GetAuxPrice(), c.GetTrailValue(), c.GetTrailSpread()} {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, errors.New("qty, price, auxPrice and the trail must be numbers")
		}
	}
	return &gatewayv1.PlaceOrderRequest{
		TrdEnv:         a.env,
		AccId:          a.accID,
		TrdMarket:      a.market,
		Code:           c.GetCode(),
		SecMarket:      c.GetSecMarket(),
		TrdSide:        gatewayv1.TrdSide(c.GetTrdSide()),
		OrderType:      gatewayv1.OrderType(c.GetOrderType()),
		Price:          c.GetPrice(),
		Qty:            c.GetQty(),
		TimeInForce:    gatewayv1.TimeInForce(c.GetTimeInForce()),
		Remark:         c.GetRemark(),
		ClientOrderId:  PacketKey(c.GetPacketID()),
		AuxPrice:       c.GetAuxPrice(),
		TrailType:      gatewayv1.TrailType(c.GetTrailType()),
		TrailValue:     c.GetTrailValue(),
		TrailSpread:    c.GetTrailSpread(),
		FillOutsideRth: c.GetFillOutsideRTH(),
	}, nil
}
