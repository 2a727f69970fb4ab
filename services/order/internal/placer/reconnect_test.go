package placer

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/common"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetacclist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdmodifyorder"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdsubaccpush"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdunlocktrade"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdupdateorder"
	"github.com/futugw/gateway/opend/client"
	"github.com/futugw/gateway/opend/envelope"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/server"
	"github.com/futugw/gateway/opend/sim"
	"github.com/futugw/gateway/opend/testkit/simtest"
	"github.com/futugw/gateway/platform/testkit"
	"github.com/futugw/gateway/platform/testkit/nettest"
	"github.com/futugw/gateway/services/order/internal/tradefanout"
	"google.golang.org/protobuf/proto"
)

// TestTransientUnlockFailureIsRetried: OpenD answers the first Trd_UnlockTrade with
// a passing failure (its own upstream timeout, retType -100); later unlocks succeed.
// The placer retries on the same connection, so real trading does not stay locked
// (every real order refused with trading_locked) until some unrelated reconnect.
func TestTransientUnlockFailureIsRetried(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	srv := server.New(server.Config{LoginUserID: 42, Logger: log})
	var unlocks atomic.Int32
	srv.Handle(protoid.TrdUnlockTrade, func(_ context.Context, _ *server.Conn, _ server.Request) (proto.Message, error) {
		if unlocks.Add(1) == 1 {
			return nil, &envelope.Error{RetType: envelope.RetTimeOut, RetMsg: "request timeout"}
		}
		return &trdunlocktrade.Response{RetType: proto.Int32(0), S2C: &trdunlocktrade.S2C{}}, nil
	})
	srv.Handle(protoid.TrdGetAccList, func(_ context.Context, _ *server.Conn, _ server.Request) (proto.Message, error) {
		return &trdgetacclist.Response{RetType: proto.Int32(0), S2C: &trdgetacclist.S2C{AccList: []*trdcommon.TrdAcc{
			{TrdEnv: proto.Int32(1), AccID: proto.Uint64(2001), TrdMarketAuthList: []int32{1}},
		}}}, nil
	})
	srv.Handle(protoid.TrdSubAccPush, func(_ context.Context, _ *server.Conn, _ server.Request) (proto.Message, error) {
		return &trdsubaccpush.Response{RetType: proto.Int32(0), S2C: &trdsubaccpush.S2C{}}, nil
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })

	p := Start(Config{Addr: ln.Addr().String(), TradePassword: "123456", Hub: tradefanout.NewHub(0), Logger: log,
		CallTimeout: time.Second, MinBackoff: 20 * time.Millisecond, MaxBackoff: 100 * time.Millisecond})
	t.Cleanup(func() { p.Close() })
	testkit.Eventually(t, 5*time.Second, "the placer to connect", p.Connected)
	unlocked := testkit.Within(3*time.Second, p.TradingUnlocked)
	_, perr := p.Place(context.Background(), PlaceRequest{Header: Header{Env: 1, AccID: 2001, Market: 1},
		Code: "00700", Side: 1, OrderType: 1, Price: 100, Qty: 100})
	if !unlocked {
		t.Fatalf("after a transient unlock failure real trading stays locked on a healthy connection "+
			"(unlock attempts: %d, connected: %v); a real order gets: %v", unlocks.Load(), p.Connected(), perr)
	}
}

// TestReconnectCutsPushSubscribers: an order changes while the placer's OpenD link
// is down (cancelled from another OpenD client), so OpenD never pushes that change to
// it. After the reconnect every trade push subscriber is cut off with ErrResync, so
// its edge reconnects and its sockets reload, rather than silently missing the update.
func TestReconnectCutsPushSubscribers(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	_, simAddr := simtest.Start(t, sim.Config{OrderRateLimit: 1 << 30, Logger: log, PushInterval: time.Hour})
	px := nettest.StartProxy(t, simAddr)
	hub := tradefanout.NewHub(0)
	p := Start(Config{Addr: px.Addr(), TradePassword: "123456", Hub: hub, Logger: log,
		CallTimeout: 2 * time.Second, MinBackoff: 20 * time.Millisecond, MaxBackoff: 50 * time.Millisecond})
	t.Cleanup(func() { p.Close() })
	testkit.Eventually(t, 5*time.Second, "the placer to connect", p.Connected)
	h := Header{Env: 0, AccID: 1001, Market: 1}
	id, err := p.Place(context.Background(), PlaceRequest{Header: h, Code: "00700", Side: 1, OrderType: 1, Price: 100, Qty: 100})
	if err != nil {
		t.Fatal(err)
	}
	sub := hub.Subscribe()
	defer hub.Unsubscribe(sub)

	// Link down; while it is down the order is cancelled by another client.
	px.Refuse(true)
	px.Cut()
	testkit.Eventually(t, 5*time.Second, "the placer to see the disconnect", func() bool { return !p.Connected() })
	direct, err := client.Dial(context.Background(), client.Config{Addr: simAddr, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	defer direct.Close()
	connID, serial := direct.NextPacketID()
	var mresp trdmodifyorder.Response
	if err := direct.Call(context.Background(), protoid.TrdModifyOrder, &trdmodifyorder.Request{C2S: &trdmodifyorder.C2S{
		PacketID: &common.PacketID{ConnID: proto.Uint64(connID), SerialNo: proto.Uint32(serial)},
		Header:   h.proto(), OrderID: proto.Uint64(id), ModifyOrderOp: proto.Int32(ModifyCancel),
	}}, &mresp); err != nil {
		t.Fatalf("cancel via direct client: %v", err)
	}
	px.Refuse(false)
	testkit.Eventually(t, 5*time.Second, "the placer to reconnect", p.Connected)
	orders, err := p.Orders(context.Background(), h)
	if err != nil {
		t.Fatal(err)
	}
	var status int32
	for _, o := range orders {
		if o.GetOrderID() == id {
			status = o.GetOrderStatus()
		}
	}
	// Either the subscriber is cut off or the change reaches it as a push; earlier
	// pushes (the placement's own) carry other statuses and are skipped.
	timeout := time.After(5 * time.Second)
	for {
		select {
		case <-sub.Done():
			if !errors.Is(sub.Err(), ErrResync) {
				t.Fatalf("subscriber cut off with %v, want ErrResync", sub.Err())
			}
			return
		case tp := <-sub.C:
			t.Logf("push %d acc %d", tp.GetProtoId(), tp.GetAccId())
			var m trdupdateorder.Response
			if tp.GetProtoId() == protoid.TrdUpdateOrder && proto.Unmarshal(tp.GetBody(), &m) == nil &&
				m.GetS2C().GetOrder().GetOrderID() == id && m.GetS2C().GetOrder().GetOrderStatus() == status {
				return
			}
		case <-timeout:
			t.Fatalf("order %d changed to status %d while OpenD was unreachable; after the reconnect the push "+
				"subscriber got no update and was not cut off: the change is silently lost", id, status)
		}
	}
}
