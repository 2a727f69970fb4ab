package trade

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/api/gen/go/futu/opend/common"
	"github.com/futugw/gateway/api/gen/go/futu/opend/initconnect"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetacclist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetfunds"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetorderfilllist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetorderlist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetpositionlist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdplaceorder"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdsubaccpush"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdunlocktrade"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdupdateorder"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdupdateorderfill"
	"github.com/futugw/gateway/opend/envelope"
	"github.com/futugw/gateway/opend/frame"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/server"
	"github.com/futugw/gateway/opend/sim/market"
	"github.com/futugw/gateway/platform/testkit"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// startSim serves a trade Engine on a loopback port.
func startSim(t *testing.T, cfg Config) (*Engine, *market.Market, string) {
	t.Helper()
	srv := server.New(server.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	m := market.New(market.Config{Seed: 11})
	e := Register(srv, m, cfg)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		if err := <-done; err != nil && !errors.Is(err, server.ErrServerClosed) {
			t.Errorf("Serve: %v", err)
		}
		e.Close()
	})
	return e, m, ln.Addr().String()
}

// wireClient is a minimal synchronous OpenD client: requests go one at a
// time; pushes that arrive before a response are kept for nextPush.
type wireClient struct {
	t      *testing.T
	c      net.Conn
	r      *frame.Reader
	serial uint32
	connID uint64
	pushes []frame.Frame
}

func dialSim(t *testing.T, addr string) *wireClient {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	wc := &wireClient{t: t, c: c, r: frame.NewReader(c, 0)}
	var resp initconnect.Response
	if err := wc.call(protoid.InitConnect, &initconnect.Request{C2S: &initconnect.C2S{ClientVer: proto.Int32(100),
		ClientID: proto.String("trade-test"), RecvNotify: proto.Bool(false)}}, &resp); err != nil {
		t.Fatalf("InitConnect: %v", err)
	}
	wc.connID = resp.GetS2C().GetConnID()
	return wc
}

func (wc *wireClient) read() frame.Frame {
	wc.t.Helper()
	wc.c.SetReadDeadline(time.Now().Add(10 * time.Second))
	f, err := wc.r.Next()
	if err != nil {
		wc.t.Fatalf("read: %v", err)
	}
	return f
}

// call sends req and decodes the matching response into resp; a failed
// status comes back as an *envelope.Error.
func (wc *wireClient) call(protoID uint32, req, resp proto.Message) error {
	wc.t.Helper()
	body, err := proto.Marshal(req)
	if err != nil {
		wc.t.Fatal(err)
	}
	wc.serial++
	if _, err := wc.c.Write(frame.Append(nil, protoID, wc.serial, body)); err != nil {
		wc.t.Fatal(err)
	}
	for {
		f := wc.read()
		if f.Serial == 0 {
			wc.pushes = append(wc.pushes, f)
			continue
		}
		if f.Serial != wc.serial || f.ProtoID != protoID {
			wc.t.Fatalf("response %d/%d, want %d/%d", f.ProtoID, f.Serial, protoID, wc.serial)
		}
		st, err := envelope.Parse(f.Body)
		if err != nil {
			wc.t.Fatal(err)
		}
		if !st.OK() {
			return st.Err(protoID)
		}
		if err := proto.Unmarshal(f.Body, resp); err != nil {
			wc.t.Fatalf("decode %d: %v", protoID, err)
		}
		return nil
	}
}

// nextPush returns the next push frame, waiting for it if needed.
func (wc *wireClient) nextPush() frame.Frame {
	wc.t.Helper()
	if len(wc.pushes) > 0 {
		f := wc.pushes[0]
		wc.pushes = wc.pushes[1:]
		return f
	}
	f := wc.read()
	if f.Serial != 0 {
		wc.t.Fatalf("unexpected response %d/%d while waiting for a push", f.ProtoID, f.Serial)
	}
	return f
}

func (wc *wireClient) packet() *common.PacketID {
	return &common.PacketID{ConnID: proto.Uint64(wc.connID), SerialNo: proto.Uint32(wc.serial + 1)}
}

func (wc *wireClient) subscribe(accs ...uint64) {
	wc.t.Helper()
	if err := wc.call(protoid.TrdSubAccPush, &trdsubaccpush.Request{C2S: &trdsubaccpush.C2S{AccIDList: accs}},
		&trdsubaccpush.Response{}); err != nil {
		wc.t.Fatalf("SubAccPush: %v", err)
	}
}

func (wc *wireClient) place(c2s *trdplaceorder.C2S) (*trdplaceorder.S2C, error) {
	if c2s.PacketID == nil {
		c2s.PacketID = wc.packet()
	}
	var resp trdplaceorder.Response
	err := wc.call(protoid.TrdPlaceOrder, &trdplaceorder.Request{C2S: c2s}, &resp)
	return resp.GetS2C(), err
}

func (wc *wireClient) funds(h *trdcommon.TrdHeader) *trdcommon.Funds {
	wc.t.Helper()
	var resp trdgetfunds.Response
	if err := wc.call(protoid.TrdGetFunds, &trdgetfunds.Request{C2S: &trdgetfunds.C2S{Header: h}}, &resp); err != nil {
		wc.t.Fatalf("GetFunds: %v", err)
	}
	return resp.GetS2C().GetFunds()
}

func wantWireRefusal(t *testing.T, err error, code int32, substr string) {
	t.Helper()
	var ee *envelope.Error
	if !errors.As(err, &ee) || ee.RetType != envelope.RetFailed || ee.ErrCode != code || !strings.Contains(ee.RetMsg, substr) {
		t.Fatalf("err = %v, want errCode %d containing %q", err, code, substr)
	}
}

func TestTCPOrderFlow(t *testing.T) {
	e, m, addr := startSim(t, Config{MaxFillFraction: 0.5})
	a, b := dialSim(t, addr), dialSim(t, addr)
	a.subscribe(1001)
	b.subscribe(1002)

	var accs trdgetacclist.Response
	if err := a.call(protoid.TrdGetAccList, &trdgetacclist.Request{C2S: &trdgetacclist.C2S{UserID: proto.Uint64(0)}}, &accs); err != nil {
		t.Fatal(err)
	}
	if n := len(accs.GetS2C().GetAccList()); n != 4 {
		t.Fatalf("accounts = %d", n)
	}

	hk := hkSim()
	s2c, err := a.place(placeReq(hk, sideBuy, typeMarket, "00700", 100, 0))
	if err != nil {
		t.Fatalf("market order: %v", err)
	}
	var statuses []int32
	for range 2 {
		f := a.nextPush()
		var up trdupdateorder.Response
		if f.ProtoID != protoid.TrdUpdateOrder || proto.Unmarshal(f.Body, &up) != nil || up.GetS2C().GetOrder().GetOrderID() != s2c.GetOrderID() {
			t.Fatalf("push %d: %x", f.ProtoID, f.Body)
		}
		statuses = append(statuses, up.GetS2C().GetOrder().GetOrderStatus())
	}
	if statuses[0] != statusSubmitted || statuses[1] != statusFilledAll {
		t.Fatalf("statuses %v", statuses)
	}
	f := a.nextPush()
	var fill trdupdateorderfill.Response
	if f.ProtoID != protoid.TrdUpdateOrderFill || proto.Unmarshal(f.Body, &fill) != nil || fill.GetS2C().GetOrderFill().GetQty() != 100 {
		t.Fatalf("fill push %d: %v", f.ProtoID, &fill)
	}
	// b's queue would hold any push for it ahead of this response.
	if b.funds(header(EnvSimulate, 1002, TrdMarketUS)); len(b.pushes) != 0 {
		t.Fatalf("unsubscribed connection got %d pushes", len(b.pushes))
	}

	// A marketable limit order fills over market ticks, pushed as it goes.
	lim := market.Snap(market.MarketHK, mustQuote(t, m, "HK.00700")*1.2)
	s2c, err = a.place(placeReq(hk, sideBuy, typeLimit, "00700", 1000, lim))
	if err != nil {
		t.Fatal(err)
	}
	var filled float64
	for filled < 1000 {
		f := a.nextPush()
		switch f.ProtoID {
		case protoid.TrdUpdateOrderFill:
			var up trdupdateorderfill.Response
			if err := proto.Unmarshal(f.Body, &up); err != nil {
				t.Fatal(err)
			}
			filled += up.GetS2C().GetOrderFill().GetQty()
		case protoid.TrdUpdateOrder:
		default:
			t.Fatalf("push %d", f.ProtoID)
		}
		if len(a.pushes) == 0 && filled < 1000 {
			m.Step("HK.00700")
		}
	}
	var list trdgetorderlist.Response
	if err := a.call(protoid.TrdGetOrderList, &trdgetorderlist.Request{C2S: &trdgetorderlist.C2S{Header: hk,
		FilterConditions: &trdcommon.TrdFilterConditions{IdList: []uint64{s2c.GetOrderID()}}}}, &list); err != nil {
		t.Fatal(err)
	}
	if ol := list.GetS2C().GetOrderList(); len(ol) != 1 || ol[0].GetOrderStatus() != statusFilledAll {
		t.Fatalf("order list = %v", ol)
	}

	var pos trdgetpositionlist.Response
	if err := a.call(protoid.TrdGetPositionList, &trdgetpositionlist.Request{C2S: &trdgetpositionlist.C2S{Header: hk}}, &pos); err != nil {
		t.Fatal(err)
	}
	if pl := pos.GetS2C().GetPositionList(); len(pl) != 1 || pl[0].GetQty() != 1100 {
		t.Fatalf("positions = %v", pl)
	}
	var fills trdgetorderfilllist.Response
	if err := a.call(protoid.TrdGetOrderFillList, &trdgetorderfilllist.Request{C2S: &trdgetorderfilllist.C2S{Header: hk}}, &fills); err != nil {
		t.Fatal(err)
	}
	if n := len(fills.GetS2C().GetOrderFillList()); n < 3 {
		t.Fatalf("fills = %d, want the market fill and several limit fills", n)
	}

	// Closing a connection drops its subscription.
	a.c.Close()
	testkit.Eventually(t, 10*time.Second, "the closed connection's subscription to go", func() bool { return subCount(e) == 1 })
}

func TestTCPRefusals(t *testing.T) {
	_, m, addr := startSim(t, Config{TradePassword: "pw"})
	c := dialSim(t, addr)
	real := header(EnvReal, 2001, TrdMarketHK)
	low := market.Snap(market.MarketHK, mustQuote(t, m, "HK.00700")*0.9)

	_, err := c.place(placeReq(real, sideBuy, typeLimit, "00700", 100, low))
	wantWireRefusal(t, err, codeLocked, "unlock trade first")
	err = c.call(protoid.TrdUnlockTrade, &trdunlocktrade.Request{C2S: &trdunlocktrade.C2S{Unlock: proto.Bool(true),
		PwdMD5: proto.String(md5hex("nope"))}}, &trdunlocktrade.Response{})
	wantWireRefusal(t, err, codePassword, "wrong trade password")
	if err := c.call(protoid.TrdUnlockTrade, &trdunlocktrade.Request{C2S: &trdunlocktrade.C2S{Unlock: proto.Bool(true),
		PwdMD5: proto.String(md5hex("pw"))}}, &trdunlocktrade.Response{}); err != nil {
		t.Fatalf("unlock: %v", err)
	}
	// Unlocking is per server: another connection may trade too.
	other := dialSim(t, addr)
	req := placeReq(real, sideBuy, typeLimit, "00700", 100, low)
	req.PacketID = other.packet()
	if _, err := other.place(req); err != nil {
		t.Fatalf("place after unlock: %v", err)
	}
	_, err = other.place(req) // the same PacketID again
	wantWireRefusal(t, err, codeDuplicate, "duplicate packet id")
	_, err = c.place(placeReq(real, sideBuy, typeLimit, "00700", 150, low))
	wantWireRefusal(t, err, codeQty, "lot size 100")

	// A body that is not the proto's Request (missing required c2s) is refused readably.
	err = c.call(protoid.TrdPlaceOrder, &trdplaceorder.Response{RetType: proto.Int32(0)}, &trdplaceorder.Response{})
	wantWireRefusal(t, err, codeInvalidRequest, "malformed request")
}

func mustQuote(t *testing.T, m *market.Market, key string) float64 {
	t.Helper()
	mk, code, _ := market.ParseKey(key)
	q, ok := m.Quote(mk, code)
	if !ok {
		t.Fatalf("no quote for %s", key)
	}
	return q.Cur
}

func subCount(e *Engine) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.subs)
}
