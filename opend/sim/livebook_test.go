package sim

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"testing"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/common"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetorderbook"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotregqotpush"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotsub"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdateorderbook"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdmodifyorder"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdplaceorder"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdunlocktrade"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim/rawclient"
	"github.com/futugw/gateway/opend/sim/trade"
	"google.golang.org/protobuf/proto"
)

// TestOwnRestingOrderInOrderBook places limit buys over the trade protocol and
// reads the order book over the quote protocol: the real account's resting
// order adds to its price level in the pull and in the push; the paper
// account's order does not show; cancelling removes it.
func TestOwnRestingOrderInOrderBook(t *testing.T) {
	// An hour between steps: prices move only when the test steps them.
	s, err := New(Config{Seed: 11, PushInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	c := serveAndDial(t, s, rawclient.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tencent := &qotcommon.Security{Market: proto.Int32(1), Code: proto.String("00700")}

	mustCall(ctx, t, c, protoid.QotSub, &qotsub.Request{C2S: &qotsub.C2S{
		SecurityList: []*qotcommon.Security{tencent}, SubTypeList: []int32{2}, IsSubOrUnSub: proto.Bool(true),
	}}, &qotsub.Response{})
	plain := orderBook(ctx, t, c, tencent)
	realAt, paperAt := plain.GetOrderBookBidList()[4], plain.GetOrderBookBidList()[6]

	mustCall(ctx, t, c, protoid.TrdUnlockTrade, &trdunlocktrade.Request{C2S: &trdunlocktrade.C2S{
		Unlock: proto.Bool(true), PwdMD5: proto.String(md5hex(trade.DefaultTradePassword)),
	}}, &trdunlocktrade.Response{})
	serial := uint32(0)
	place := func(env int32, acc uint64, price float64, qty float64) uint64 {
		serial++
		var resp trdplaceorder.Response
		mustCall(ctx, t, c, protoid.TrdPlaceOrder, &trdplaceorder.Request{C2S: &trdplaceorder.C2S{
			PacketID: &common.PacketID{ConnID: proto.Uint64(c.ConnID), SerialNo: proto.Uint32(serial)},
			Header:   &trdcommon.TrdHeader{TrdEnv: proto.Int32(env), AccID: proto.Uint64(acc), TrdMarket: proto.Int32(trade.TrdMarketHK)},
			TrdSide:  proto.Int32(1), OrderType: proto.Int32(1), Code: proto.String("00700"),
			Qty: proto.Float64(qty), Price: proto.Float64(price),
		}}, &resp)
		return resp.GetS2C().GetOrderID()
	}
	id := place(trade.EnvReal, 2001, realAt.GetPrice(), 300)
	place(trade.EnvSimulate, 1001, paperAt.GetPrice(), 500)

	withOwn := orderBook(ctx, t, c, tencent)
	if got := withOwn.GetOrderBookBidList()[4]; got.GetVolume() != realAt.GetVolume()+300 || got.GetOrederCount() != realAt.GetOrederCount()+1 {
		t.Errorf("bid 5 with the real order: %v, was %v", got, realAt)
	}
	if got := withOwn.GetOrderBookBidList()[6]; !proto.Equal(got, paperAt) {
		t.Errorf("bid 7 shows the paper order: %v, was %v", got, paperAt)
	}

	// The push shows the same book.
	mustCall(ctx, t, c, protoid.QotRegQotPush, &qotregqotpush.Request{C2S: &qotregqotpush.C2S{
		SecurityList: []*qotcommon.Security{tencent}, SubTypeList: []int32{2},
		IsRegOrUnReg: proto.Bool(true), IsFirstPush: proto.Bool(true),
	}}, &qotregqotpush.Response{})
	f, err := c.NextPush(ctx, protoid.QotUpdateOrderBook)
	if err != nil {
		t.Fatal(err)
	}
	var push qotupdateorderbook.Response
	if err := proto.Unmarshal(f.Body, &push); err != nil {
		t.Fatal(err)
	}
	for i, b := range withOwn.GetOrderBookBidList() {
		if !proto.Equal(b, push.GetS2C().GetOrderBookBidList()[i]) {
			t.Errorf("bid %d: pull %v, push %v", i+1, b, push.GetS2C().GetOrderBookBidList()[i])
		}
	}

	mustCall(ctx, t, c, protoid.TrdModifyOrder, &trdmodifyorder.Request{C2S: &trdmodifyorder.C2S{
		PacketID:      &common.PacketID{ConnID: proto.Uint64(c.ConnID), SerialNo: proto.Uint32(serial + 1)},
		Header:        &trdcommon.TrdHeader{TrdEnv: proto.Int32(trade.EnvReal), AccID: proto.Uint64(2001), TrdMarket: proto.Int32(trade.TrdMarketHK)},
		OrderID:       proto.Uint64(id),
		ModifyOrderOp: proto.Int32(int32(trdcommon.ModifyOrderOp_ModifyOrderOp_Cancel)),
	}}, &trdmodifyorder.Response{})
	if got := orderBook(ctx, t, c, tencent).GetOrderBookBidList()[4]; !proto.Equal(got, realAt) {
		t.Errorf("bid 5 after cancel: %v, want %v", got, realAt)
	}
}

func orderBook(ctx context.Context, t *testing.T, c *rawclient.Client, sec *qotcommon.Security) *qotgetorderbook.S2C {
	t.Helper()
	var resp qotgetorderbook.Response
	mustCall(ctx, t, c, protoid.QotGetOrderBook, &qotgetorderbook.Request{C2S: &qotgetorderbook.C2S{
		Security: sec, Num: proto.Int32(10)}}, &resp)
	return resp.GetS2C()
}

func mustCall(ctx context.Context, t *testing.T, c *rawclient.Client, protoID uint32, req, resp proto.Message) {
	t.Helper()
	st, err := c.Call(ctx, protoID, req, resp)
	if err != nil || !st.OK() {
		t.Fatalf("proto %d: %v %+v", protoID, err, st)
	}
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}
