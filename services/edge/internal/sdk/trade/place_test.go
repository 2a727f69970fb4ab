package trade

import (
	"math"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/api/gen/go/futu/opend/common"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdmodifyorder"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdplaceorder"
)

func header(env int32, acc uint64, mkt int32) *trdcommon.TrdHeader {
	return &trdcommon.TrdHeader{TrdEnv: proto.Int32(env), AccID: proto.Uint64(acc), TrdMarket: proto.Int32(mkt)}
}

func packet(conn uint64, serial uint32) *common.PacketID {
	return &common.PacketID{ConnID: proto.Uint64(conn), SerialNo: proto.Uint32(serial)}
}

// limitOrder is an official limit buy of 100 HK.00700 at 300 on account 1001.
func limitOrder() *trdplaceorder.C2S {
	return &trdplaceorder.C2S{
		PacketID: packet(7, 42), Header: header(0, 1001, 1),
		TrdSide: proto.Int32(1), OrderType: proto.Int32(1), Code: proto.String("00700"),
		Qty: proto.Float64(100), Price: proto.Float64(300),
	}
}

// body is the official Request carrying c2s (as the SDK encodes it: protobufjs
// does not check required fields when encoding).
func body(c2s proto.Message) []byte {
	b, err := proto.MarshalOptions{AllowPartial: true}.Marshal(c2s)
	if err != nil {
		panic(err)
	}
	return protowire.AppendBytes(protowire.AppendTag(nil, 1, protowire.BytesType), b)
}

func TestPlaceRequestMapsEveryServedField(t *testing.T) {
	c := &trdplaceorder.C2S{
		PacketID: packet(1<<40+3, 9), Header: header(1, 2002, 2),
		TrdSide: proto.Int32(3), OrderType: proto.Int32(15), Code: proto.String("AAPL"),
		Qty: proto.Float64(5), Price: proto.Float64(0), SecMarket: proto.Int32(2),
		Remark: proto.String("page"), TimeInForce: proto.Int32(1), FillOutsideRTH: proto.Bool(true),
		TrailType: proto.Int32(2), TrailValue: proto.Float64(1.5), TrailSpread: proto.Float64(0.2),
		Session: proto.Int32(int32(common.Session_Session_RTH)),
	}
	got, err := placeRequest(c)
	if err != nil {
		t.Fatal(err)
	}
	want := &gatewayv1.PlaceOrderRequest{
		TrdEnv: gatewayv1.TrdEnv_TRD_ENV_REAL, AccId: 2002, TrdMarket: gatewayv1.TrdMarket_TRD_MARKET_US,
		Code: "AAPL", SecMarket: 2, TrdSide: gatewayv1.TrdSide_TRD_SIDE_SELL_SHORT,
		OrderType: gatewayv1.OrderType_ORDER_TYPE_TRAILING_STOP_LIMIT, Qty: 5,
		TimeInForce: gatewayv1.TimeInForce_TIME_IN_FORCE_GTC, Remark: "page",
		ClientOrderId: "sdk:1099511627779:9", TrailType: gatewayv1.TrailType_TRAIL_TYPE_AMOUNT,
		TrailValue: 1.5, TrailSpread: 0.2, FillOutsideRth: true,
	}
	if !proto.Equal(got, want) {
		t.Fatalf("placeRequest =\n %v\nwant\n %v", got, want)
	}

	stop := limitOrder()
	stop.OrderType, stop.AuxPrice = proto.Int32(11), proto.Float64(310)
	got, err = placeRequest(stop)
	if err != nil || got.GetAuxPrice() != 310 || got.GetPrice() != 300 || got.GetOrderType() != gatewayv1.OrderType_ORDER_TYPE_STOP_LIMIT ||
		got.GetClientOrderId() != "sdk:7:42" || got.GetTrdEnv() != gatewayv1.TrdEnv_TRD_ENV_SIMULATE {
		t.Fatalf("stop limit: %v %v", got, err)
	}
}

func TestPlaceRequestRefusesWhatTheGatewayDoesNotServe(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*trdplaceorder.C2S)
		want string
	}{
		{"no packetID", func(c *trdplaceorder.C2S) { c.PacketID = nil }, "packetID is required"},
		{"no header", func(c *trdplaceorder.C2S) { c.Header = nil }, "header is required"},
		{"env 2", func(c *trdplaceorder.C2S) { c.Header.TrdEnv = proto.Int32(2) }, "trdEnv must be"},
		{"account 0", func(c *trdplaceorder.C2S) { c.Header.AccID = proto.Uint64(0) }, "accID is required"},
		{"futures market", func(c *trdplaceorder.C2S) { c.Header.TrdMarket = proto.Int32(5) }, "trdMarket must be"},
		{"jp account", func(c *trdplaceorder.C2S) { c.Header.JpAccType = proto.Int32(1) }, "jpAccType"},
		{"adjustPrice", func(c *trdplaceorder.C2S) { c.AdjustPrice = proto.Bool(true) }, "adjustPrice"},
		{"adjustSideAndLimit", func(c *trdplaceorder.C2S) { c.AdjustSideAndLimit = proto.Float64(0.01) }, "adjustPrice"},
		{"session ETH", func(c *trdplaceorder.C2S) { c.Session = proto.Int32(2) }, "session"},
		{"overnight", func(c *trdplaceorder.C2S) { c.Session = proto.Int32(4) }, "session"},
		{"positionID", func(c *trdplaceorder.C2S) { c.PositionID = proto.Uint64(3) }, "positionID"},
		{"GTD", func(c *trdplaceorder.C2S) { c.ExpireTime = proto.String("2026-12-31") }, "expireTime"},
		{"amount", func(c *trdplaceorder.C2S) { c.Amount = proto.Float64(1000) }, "amount"},
		{"predSide", func(c *trdplaceorder.C2S) { c.PredSide = proto.Int32(1) }, "predSide"},
		{"side 0", func(c *trdplaceorder.C2S) { c.TrdSide = proto.Int32(0) }, "trdSide must be"},
		{"side 5", func(c *trdplaceorder.C2S) { c.TrdSide = proto.Int32(5) }, "trdSide must be"},
		{"absolute limit", func(c *trdplaceorder.C2S) { c.OrderType = proto.Int32(5) }, "orderType 5 is not supported"},
		{"twap", func(c *trdplaceorder.C2S) { c.OrderType = proto.Int32(16) }, "orderType 16 is not supported"},
		{"type 0", func(c *trdplaceorder.C2S) { c.OrderType = proto.Int32(0) }, "orderType 0 is not supported"},
		{"IOC", func(c *trdplaceorder.C2S) { c.TimeInForce = proto.Int32(2) }, "timeInForce"},
		{"trail type 3", func(c *trdplaceorder.C2S) { c.TrailType = proto.Int32(3) }, "trailType"},
		{"NaN qty", func(c *trdplaceorder.C2S) { c.Qty = proto.Float64(math.NaN()) }, "numbers"},
		{"Inf price", func(c *trdplaceorder.C2S) { c.Price = proto.Float64(math.Inf(1)) }, "numbers"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := limitOrder()
			tc.edit(c)
			if r, err := placeRequest(c); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("placeRequest = %v, %v; want an error with %q", r, err, tc.want)
			}
		})
	}
}

func TestModifyRequest(t *testing.T) {
	base := func() *trdmodifyorder.C2S {
		return &trdmodifyorder.C2S{PacketID: packet(7, 43), Header: header(0, 1001, 1),
			OrderID: proto.Uint64(555), ModifyOrderOp: proto.Int32(1), Qty: proto.Float64(200), Price: proto.Float64(301)}
	}
	for _, tc := range []struct {
		name string
		edit func(*trdmodifyorder.C2S)
		want modification
		err  string
	}{
		{name: "normal", edit: func(*trdmodifyorder.C2S) {}, want: modification{key: "sdk:7:43", modify: &gatewayv1.ModifyOrderRequest{
			AccId: 1001, TrdMarket: 1, OrderId: "555", ModifyOrderOp: gatewayv1.ModifyOrderOp_MODIFY_ORDER_OP_NORMAL, Qty: 200, Price: 301}}},
		{name: "normal with trigger terms", edit: func(c *trdmodifyorder.C2S) {
			c.AuxPrice, c.TrailType, c.TrailValue, c.TrailSpread = proto.Float64(299), proto.Int32(1), proto.Float64(2), proto.Float64(0.5)
		}, want: modification{key: "sdk:7:43", modify: &gatewayv1.ModifyOrderRequest{
			AccId: 1001, TrdMarket: 1, OrderId: "555", ModifyOrderOp: gatewayv1.ModifyOrderOp_MODIFY_ORDER_OP_NORMAL, Qty: 200, Price: 301,
			AuxPrice: 299, TrailType: gatewayv1.TrailType_TRAIL_TYPE_RATIO, TrailValue: 2, TrailSpread: 0.5}}},
		{name: "cancel ignores qty and price", edit: func(c *trdmodifyorder.C2S) { c.ModifyOrderOp = proto.Int32(2) },
			want: modification{key: "sdk:7:43", cancel: &gatewayv1.CancelOrderRequest{AccId: 1001, TrdMarket: 1, OrderId: "555"}}},
		{name: "disable", edit: func(c *trdmodifyorder.C2S) { c.ModifyOrderOp, c.Qty, c.Price = proto.Int32(3), nil, nil },
			want: modification{key: "sdk:7:43", modify: &gatewayv1.ModifyOrderRequest{
				AccId: 1001, TrdMarket: 1, OrderId: "555", ModifyOrderOp: gatewayv1.ModifyOrderOp_MODIFY_ORDER_OP_DISABLE}}},
		{name: "cancel all of one market", edit: func(c *trdmodifyorder.C2S) {
			c.ModifyOrderOp, c.ForAll, c.TrdMarket, c.OrderID, c.Header = proto.Int32(2), proto.Bool(true), proto.Int32(1), proto.Uint64(0), header(1, 2001, 1)
		}, want: modification{key: "sdk:7:43", cancelAll: &gatewayv1.CancelAllOrderRequest{
			TrdEnv: gatewayv1.TrdEnv_TRD_ENV_REAL, AccId: 2001, TrdMarket: 1, OnlyTrdMarket: 1}}},
		{name: "forAll disable", edit: func(c *trdmodifyorder.C2S) { c.ForAll, c.ModifyOrderOp = proto.Bool(true), proto.Int32(3) }, err: "forAll"},
		{name: "forAll futures", edit: func(c *trdmodifyorder.C2S) {
			c.ForAll, c.ModifyOrderOp, c.TrdMarket = proto.Bool(true), proto.Int32(2), proto.Int32(5)
		}, err: "trdMarket must be"},
		{name: "op 0", edit: func(c *trdmodifyorder.C2S) { c.ModifyOrderOp = proto.Int32(0) }, err: "modifyOrderOp"},
		{name: "op 6", edit: func(c *trdmodifyorder.C2S) { c.ModifyOrderOp = proto.Int32(6) }, err: "modifyOrderOp"},
		{name: "orderIDEx only", edit: func(c *trdmodifyorder.C2S) { c.OrderID, c.OrderIDEx = proto.Uint64(0), proto.String("x1") }, err: "orderIDEx"},
		{name: "no order", edit: func(c *trdmodifyorder.C2S) { c.OrderID = proto.Uint64(0) }, err: "orderID is required"},
		{name: "adjustPrice", edit: func(c *trdmodifyorder.C2S) { c.AdjustPrice = proto.Bool(true) }, err: "adjustPrice"},
		{name: "no packet", edit: func(c *trdmodifyorder.C2S) { c.PacketID = nil }, err: "packetID"},
		{name: "NaN", edit: func(c *trdmodifyorder.C2S) { c.Price = proto.Float64(math.NaN()) }, err: "numbers"},
		{name: "real jp", edit: func(c *trdmodifyorder.C2S) { c.Header.JpAccType = proto.Int32(2) }, err: "jpAccType"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := base()
			tc.edit(c)
			got, err := modifyRequest(c)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("modifyRequest = %+v, %v; want an error with %q", got, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.key != tc.want.key || !proto.Equal(got.modify, tc.want.modify) || !proto.Equal(got.cancel, tc.want.cancel) ||
				!proto.Equal(got.cancelAll, tc.want.cancelAll) {
				t.Fatalf("modifyRequest =\n %+v\nwant\n %+v", got, tc.want)
			}
		})
	}
}

// FuzzPlaceRequest: no body crashes the conversion, and what it accepts is an order
// keyed by its packet, with values the gateway's enums name.
func FuzzPlaceRequest(f *testing.F) {
	f.Add(body(limitOrder()))
	trail := limitOrder()
	trail.OrderType, trail.TrailType, trail.TrailValue = proto.Int32(14), proto.Int32(1), proto.Float64(2)
	f.Add(body(trail))
	f.Add(body(&trdplaceorder.C2S{}))
	f.Add([]byte{0x0a, 0x02, 0x0a, 0x00})
	f.Add([]byte{0x0a, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		var c trdplaceorder.C2S
		if err := decodePartial(b, &c); err != nil {
			return
		}
		req, err := placeRequest(&c)
		if err != nil {
			_ = malformed(2202, err)
			return
		}
		if !strings.HasPrefix(req.GetClientOrderId(), "sdk:") || gatewayv1.OrderType_name[int32(req.GetOrderType())] == "" ||
			gatewayv1.TrdSide_name[int32(req.GetTrdSide())] == "" || gatewayv1.TrdMarket_name[int32(req.GetTrdMarket())] == "" ||
			req.GetAccId() == 0 || math.IsNaN(req.GetQty()) {
			t.Fatalf("accepted %v as %v", &c, req)
		}
	})
}

// FuzzModifyRequest: no body crashes the conversion, and what it accepts is exactly
// one call keyed by its packet.
func FuzzModifyRequest(f *testing.F) {
	f.Add(body(&trdmodifyorder.C2S{PacketID: packet(7, 43), Header: header(0, 1001, 1),
		OrderID: proto.Uint64(555), ModifyOrderOp: proto.Int32(1), Qty: proto.Float64(200), Price: proto.Float64(301)}))
	f.Add(body(&trdmodifyorder.C2S{PacketID: packet(7, 44), Header: header(1, 2001, 1),
		OrderID: proto.Uint64(0), ModifyOrderOp: proto.Int32(2), ForAll: proto.Bool(true), TrdMarket: proto.Int32(1)}))
	f.Add([]byte{0x0a, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		var c trdmodifyorder.C2S
		if err := decodePartial(b, &c); err != nil {
			return
		}
		m, err := modifyRequest(&c)
		if err != nil {
			return
		}
		n := 0
		for _, set := range []bool{m.modify != nil, m.cancel != nil, m.cancelAll != nil} {
			if set {
				n++
			}
		}
		if n != 1 || !strings.HasPrefix(m.key, "sdk:") {
			t.Fatalf("accepted %v as %+v", &c, m)
		}
	})
}
