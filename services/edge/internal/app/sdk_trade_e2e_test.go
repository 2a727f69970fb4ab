package app

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/api/gen/go/futu/opend/common"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetbasicqot"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetacclist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetfunds"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetorderfilllist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetorderlist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetpositionlist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdmodifyorder"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdplaceorder"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdunlocktrade"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/platform/testkit"
	"github.com/futugw/gateway/services/edge/internal/sdk/sdkcall"
	"github.com/futugw/gateway/services/edge/internal/sdk/trade"
)

// sdkResponse is what every official Response has.
type sdkResponse interface {
	proto.Message
	GetRetType() int32
	GetRetMsg() string
	GetErrCode() int32
}

// sdkCall sends the official Request of c2s to the trade handler of id with key as
// the socket's bearer and decodes the answer as resp with the default (non-partial)
// unmarshal: a required field the SDK's protobufjs would miss fails the test.
func sdkCall(t *testing.T, conns sdkcall.Conns, key string, id uint32, c2s proto.Message, resp sdkResponse) {
	t.Helper()
	b, err := proto.MarshalOptions{AllowPartial: true}.Marshal(c2s)
	if err != nil {
		t.Fatal(err)
	}
	body := protowire.AppendBytes(protowire.AppendTag(nil, 1, protowire.BytesType), b)
	ctx, cancel := context.WithTimeout(as(t, key), 10*time.Second)
	defer cancel()
	ans := trade.Handlers()[id](ctx, conns, sdkcall.Request{ProtoID: id, Serial: 1, Body: body})
	if err := proto.Unmarshal(ans, resp); err != nil {
		t.Fatalf("%d: the answer does not decode as %T: %v", id, resp, err)
	}
}

func sdkOK(t *testing.T, what string, resp sdkResponse) {
	t.Helper()
	if resp.GetRetType() != sdkcall.RetSucceed {
		t.Fatalf("%s: retType %d %q (errCode %d)", what, resp.GetRetType(), resp.GetRetMsg(), resp.GetErrCode())
	}
}

func sdkRefused(t *testing.T, what, reason string, resp sdkResponse) {
	t.Helper()
	if resp.GetRetType() != sdkcall.RetFailed || !strings.Contains(resp.GetRetMsg(), "(reason "+reason+")") || resp.GetErrCode() == 0 {
		t.Fatalf("%s: want a refusal with %s, got retType %d %q (errCode %d)", what, reason, resp.GetRetType(), resp.GetRetMsg(), resp.GetErrCode())
	}
}

// TestSDKTradeCommandsEndToEnd drives the SDK listener's trade handlers against the
// real order and quote services and opend-sim: official Requests in, official
// Responses out, the gateway's limits and idempotency in between.
func TestSDKTradeCommandsEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the binaries")
	}
	s := startTradeStack(t)
	conns := sdkcall.Conns{Order: dial(t, s.order), Quote: dial(t, s.quote)}
	trader := s.issueWith(t, "sdk-trader", `"qot:read","acc:read","trade:simulate"`, "")
	us := func(env int32, acc uint64) *trdcommon.TrdHeader {
		return &trdcommon.TrdHeader{TrdEnv: proto.Int32(env), AccID: proto.Uint64(acc), TrdMarket: proto.Int32(int32(trdcommon.TrdMarket_TrdMarket_US))}
	}
	sim := us(0, 1002)

	// Reads: every answer decodes as the official type.
	var accs trdgetacclist.Response
	sdkCall(t, conns, trader, protoid.TrdGetAccList, &trdgetacclist.C2S{UserID: proto.Uint64(0)}, &accs)
	sdkOK(t, "Trd_GetAccList", &accs)
	found := false
	for _, a := range accs.GetS2C().GetAccList() {
		found = found || (a.GetAccID() == 1002 && a.GetTrdEnv() == 0 && len(a.GetTrdMarketAuthList()) > 0)
	}
	if !found {
		t.Fatalf("Trd_GetAccList has no simulated US account 1002: %v", accs.GetS2C())
	}
	var funds trdgetfunds.Response
	sdkCall(t, conns, trader, protoid.TrdGetFunds, &trdgetfunds.C2S{Header: sim}, &funds)
	sdkOK(t, "Trd_GetFunds", &funds)
	if funds.GetS2C().GetFunds().GetTotalAssets() <= 0 {
		t.Fatalf("Trd_GetFunds: %v", funds.GetS2C())
	}
	var positions trdgetpositionlist.Response
	sdkCall(t, conns, trader, protoid.TrdGetPositionList, &trdgetpositionlist.C2S{Header: sim}, &positions)
	sdkOK(t, "Trd_GetPositionList", &positions)
	var fills trdgetorderfilllist.Response
	sdkCall(t, conns, trader, protoid.TrdGetOrderFillList, &trdgetorderfilllist.C2S{Header: sim}, &fills)
	sdkOK(t, "Trd_GetOrderFillList", &fills)
	var unlock trdunlocktrade.Response
	sdkCall(t, conns, trader, protoid.TrdUnlockTrade, &trdunlocktrade.C2S{Unlock: proto.Bool(true), PwdMD5: proto.String(strings.Repeat("0", 32))}, &unlock)
	sdkOK(t, "Trd_UnlockTrade", &unlock)

	var qot qotgetbasicqot.Response
	sdkCall(t, conns, trader, protoid.QotGetBasicQot, &qotgetbasicqot.C2S{SecurityList: []*qotcommon.Security{
		{Market: proto.Int32(11), Code: proto.String("AAPL")}, {Market: proto.Int32(1), Code: proto.String("00700")}}}, &qot)
	sdkOK(t, "Qot_GetBasicQot", &qot)
	if l := qot.GetS2C().GetBasicQotList(); len(l) != 2 || l[0].GetSecurity().GetCode() != "AAPL" || !(l[0].GetCurPrice() > 0) || l[0].GetUpdateTime() == "" {
		t.Fatalf("Qot_GetBasicQot: %v", qot.GetS2C())
	}
	cur := qot.GetS2C().GetBasicQotList()[0].GetCurPrice()
	below := math.Floor(cur*0.8*100) / 100 // a limit buy that rests

	connID := uint64(time.Now().UnixNano())
	order := func(serial uint32, hdr *trdcommon.TrdHeader, price float64) *trdplaceorder.C2S {
		return &trdplaceorder.C2S{
			PacketID: &common.PacketID{ConnID: proto.Uint64(connID), SerialNo: proto.Uint32(serial)},
			Header:   hdr, TrdSide: proto.Int32(1), OrderType: proto.Int32(1), Code: proto.String("AAPL"),
			Qty: proto.Float64(1), Price: proto.Float64(price), SecMarket: proto.Int32(2), Remark: proto.String("sdk e2e"),
		}
	}
	listOrders := func() []*trdcommon.Order {
		t.Helper()
		var l trdgetorderlist.Response
		sdkCall(t, conns, trader, protoid.TrdGetOrderList, &trdgetorderlist.C2S{Header: sim}, &l)
		sdkOK(t, "Trd_GetOrderList", &l)
		return l.GetS2C().GetOrderList()
	}
	find := func(id uint64) *trdcommon.Order {
		for _, o := range listOrders() {
			if o.GetOrderID() == id {
				return o
			}
		}
		return nil
	}

	// Place, then resend the same packet: one order.
	var placed, again trdplaceorder.Response
	sdkCall(t, conns, trader, protoid.TrdPlaceOrder, order(1, sim, below), &placed)
	sdkOK(t, "Trd_PlaceOrder", &placed)
	id := placed.GetS2C().GetOrderID()
	if id == 0 || placed.GetS2C().GetHeader().GetAccID() != 1002 {
		t.Fatalf("Trd_PlaceOrder: %v", placed.GetS2C())
	}
	before := len(listOrders())
	sdkCall(t, conns, trader, protoid.TrdPlaceOrder, order(1, sim, below), &again)
	sdkOK(t, "Trd_PlaceOrder resent", &again)
	if again.GetS2C().GetOrderID() != id {
		t.Fatalf("the resent packet answered order %d, want %d", again.GetS2C().GetOrderID(), id)
	}
	if after := len(listOrders()); after != before {
		t.Fatalf("the resent packet placed again: %d orders, then %d", before, after)
	}
	var conflict trdplaceorder.Response
	sdkCall(t, conns, trader, protoid.TrdPlaceOrder, order(1, sim, below-0.01), &conflict)
	sdkRefused(t, "the same packet with another price", "idempotency_conflict", &conflict)

	o := find(id)
	if o == nil || o.GetCode() != "AAPL" || o.GetQty() != 1 || o.GetPrice() != below || o.GetTrdSide() != 1 {
		t.Fatalf("Trd_GetOrderList: order %d is %v", id, o)
	}

	// Modify, then cancel.
	modify := func(serial uint32, op int32, qty, price float64) *trdmodifyorder.Response {
		var r trdmodifyorder.Response
		c := &trdmodifyorder.C2S{PacketID: &common.PacketID{ConnID: proto.Uint64(connID), SerialNo: proto.Uint32(serial)},
			Header: sim, OrderID: proto.Uint64(id), ModifyOrderOp: proto.Int32(op)}
		if qty != 0 {
			c.Qty, c.Price = proto.Float64(qty), proto.Float64(price)
		}
		sdkCall(t, conns, trader, protoid.TrdModifyOrder, c, &r)
		return &r
	}
	lower := math.Floor(cur*0.79*100) / 100
	m := modify(2, int32(trdcommon.ModifyOrderOp_ModifyOrderOp_Normal), 2, lower)
	sdkOK(t, "Trd_ModifyOrder", m)
	if m.GetS2C().GetOrderID() != id {
		t.Fatalf("Trd_ModifyOrder answered order %d", m.GetS2C().GetOrderID())
	}
	testkit.Eventually(t, 5*time.Second, "the order modified", func() bool {
		o := find(id)
		return o != nil && o.GetQty() == 2 && o.GetPrice() == lower
	})
	sdkOK(t, "Trd_ModifyOrder cancel", modify(3, int32(trdcommon.ModifyOrderOp_ModifyOrderOp_Cancel), 0, 0))
	testkit.Eventually(t, 5*time.Second, "the order cancelled", func() bool {
		o := find(id)
		return o != nil && o.GetOrderStatus() == int32(trdcommon.OrderStatus_OrderStatus_Cancelled_All)
	})
	// The packets resent answer their first results; a new cancel packet goes to
	// OpenD, which refuses it.
	if r := modify(3, int32(trdcommon.ModifyOrderOp_ModifyOrderOp_Cancel), 0, 0); r.GetRetType() != sdkcall.RetSucceed || r.GetS2C().GetOrderID() != id {
		t.Fatalf("the cancel packet resent: %d %q", r.GetRetType(), r.GetRetMsg())
	}
	sdkOK(t, "the modify packet resent", modify(2, int32(trdcommon.ModifyOrderOp_ModifyOrderOp_Normal), 2, lower))
	sdkRefused(t, "a second cancel", "opend_rejected", modify(30, int32(trdcommon.ModifyOrderOp_ModifyOrderOp_Cancel), 0, 0))

	// Cancel all of the account (forAll), once per packet.
	var rest trdplaceorder.Response
	sdkCall(t, conns, trader, protoid.TrdPlaceOrder, order(4, sim, below), &rest)
	sdkOK(t, "Trd_PlaceOrder before cancel-all", &rest)
	all := &trdmodifyorder.C2S{PacketID: &common.PacketID{ConnID: proto.Uint64(connID), SerialNo: proto.Uint32(5)},
		Header: sim, OrderID: proto.Uint64(0), ModifyOrderOp: proto.Int32(2), ForAll: proto.Bool(true)}
	var cancelAll trdmodifyorder.Response
	sdkCall(t, conns, trader, protoid.TrdModifyOrder, all, &cancelAll)
	sdkOK(t, "Trd_ModifyOrder forAll", &cancelAll)
	testkit.Eventually(t, 5*time.Second, "cancel-all cancelled the resting order", func() bool {
		o := find(rest.GetS2C().GetOrderID())
		return o != nil && o.GetOrderStatus() == int32(trdcommon.OrderStatus_OrderStatus_Cancelled_All)
	})

	// Refusals: the gateway's reasons, as retType -1.
	var real trdplaceorder.Response
	sdkCall(t, conns, trader, protoid.TrdPlaceOrder, order(6, us(1, 2002), below), &real)
	sdkRefused(t, "a real order with trade:simulate only", "scope_denied", &real)

	var fundsReal trdgetfunds.Response
	narrow := s.issueWith(t, "sdk-narrow", `"acc:read","trade:simulate"`, `{"allowed_acc_ids":["1001"]}`)
	var outside trdplaceorder.Response
	sdkCall(t, conns, narrow, protoid.TrdPlaceOrder, order(7, sim, below), &outside)
	sdkRefused(t, "an order on an account outside allowed_acc_ids", "account_not_allowed", &outside)
	sdkCall(t, conns, narrow, protoid.TrdGetFunds, &trdgetfunds.C2S{Header: sim}, &fundsReal)
	sdkRefused(t, "funds of an account outside allowed_acc_ids", "account_not_allowed", &fundsReal)

	slow := s.issueWith(t, "sdk-slow", `"acc:read","trade:simulate"`, `{"max_orders_per_minute":1}`)
	var first, second trdplaceorder.Response
	sdkCall(t, conns, slow, protoid.TrdPlaceOrder, order(8, sim, below), &first)
	sdkOK(t, "the first order of a one-per-minute key", &first)
	sdkCall(t, conns, slow, protoid.TrdPlaceOrder, order(9, sim, below), &second)
	sdkRefused(t, "the second order of a one-per-minute key", "max_orders_per_minute", &second)
	// The resent first packet is the same order, not a new one in the window.
	var firstAgain trdplaceorder.Response
	sdkCall(t, conns, slow, protoid.TrdPlaceOrder, order(8, sim, below), &firstAgain)
	sdkOK(t, "the first packet resent", &firstAgain)
	if firstAgain.GetS2C().GetOrderID() != first.GetS2C().GetOrderID() {
		t.Fatalf("the resent first packet answered %d, want %d", firstAgain.GetS2C().GetOrderID(), first.GetS2C().GetOrderID())
	}

	// A malformed order reaches nothing: a one-per-minute key's window still has its
	// slot after it, and the packet's key is still free.
	once := s.issueWith(t, "sdk-once", `"acc:read","trade:simulate"`, `{"max_orders_per_minute":1}`)
	var bad, good trdplaceorder.Response
	badOrder := order(10, sim, below)
	badOrder.AdjustPrice = proto.Bool(true)
	sdkCall(t, conns, once, protoid.TrdPlaceOrder, badOrder, &bad)
	sdkRefused(t, "adjustPrice", "invalid_argument", &bad)
	sdkCall(t, conns, once, protoid.TrdPlaceOrder, order(10, sim, below), &good)
	sdkOK(t, "an order after a malformed one, with its packet", &good)
}
