package trade

import (
	"errors"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/api/gen/go/futu/opend/common"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetfunds"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetorderlist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetpositionlist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdmodifyorder"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdplaceorder"
	"github.com/futugw/gateway/opend/envelope"
	"github.com/futugw/gateway/opend/sim/market"
)

// fakeClock is a settable clock for rate-window tests.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// fakeSub records pushes.
type fakeSub struct {
	id  uint64
	mu  sync.Mutex
	got []pushed
}

type pushed struct {
	protoID uint32
	msg     proto.Message
}

func (s *fakeSub) ID() uint64 { return s.id }

func (s *fakeSub) Push(protoID uint32, msg proto.Message) error {
	// Pushes must marshal: every required field set.
	if _, err := proto.Marshal(msg); err != nil {
		return err
	}
	s.mu.Lock()
	s.got = append(s.got, pushed{protoID, msg})
	s.mu.Unlock()
	return nil
}

func (s *fakeSub) pushes() []pushed {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]pushed(nil), s.got...)
}

type fixture struct {
	t     *testing.T
	mkt   *market.Market
	eng   *Engine
	clock *fakeClock
	ser   uint32
}

func newFixture(t *testing.T, cfg Config) *fixture {
	t.Helper()
	clock := &fakeClock{now: time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)}
	m := market.New(market.Config{Seed: 7, Now: clock.Now})
	if cfg.Now == nil {
		cfg.Now = clock.Now
	}
	e := New(m, cfg)
	t.Cleanup(e.Close)
	return &fixture{t: t, mkt: m, eng: e, clock: clock}
}

func header(env int32, acc uint64, mkt int32) *trdcommon.TrdHeader {
	return &trdcommon.TrdHeader{TrdEnv: proto.Int32(env), AccID: proto.Uint64(acc), TrdMarket: proto.Int32(mkt)}
}

func hkSim() *trdcommon.TrdHeader { return header(EnvSimulate, 1001, TrdMarketHK) }

func (f *fixture) packet() *common.PacketID {
	f.ser++
	return &common.PacketID{ConnID: proto.Uint64(1), SerialNo: proto.Uint32(f.ser)}
}

func (f *fixture) cur(key string) float64 {
	f.t.Helper()
	mk, code, _ := market.ParseKey(key)
	q, ok := f.mkt.Quote(mk, code)
	if !ok {
		f.t.Fatalf("no quote for %s", key)
	}
	return q.Cur
}

// limitAt returns a valid HK/US price at ratio times the current price.
func (f *fixture) limitAt(key string, ratio float64) float64 {
	mk, _, _ := market.ParseKey(key)
	return market.Snap(mk, f.cur(key)*ratio)
}

func placeReq(h *trdcommon.TrdHeader, side, typ int32, code string, qty, price float64) *trdplaceorder.C2S {
	return &trdplaceorder.C2S{Header: h, TrdSide: proto.Int32(side), OrderType: proto.Int32(typ),
		Code: proto.String(code), Qty: proto.Float64(qty), Price: proto.Float64(price)}
}

func (f *fixture) place(c2s *trdplaceorder.C2S) (uint64, error) {
	if c2s.PacketID == nil {
		c2s.PacketID = f.packet()
	}
	s2c, err := f.eng.placeOrder(c2s)
	if err != nil {
		return 0, err
	}
	if s2c.GetOrderID() == 0 || s2c.GetOrderIDEx() == "" {
		f.t.Fatalf("place: empty order id in %v", s2c)
	}
	return s2c.GetOrderID(), nil
}

func (f *fixture) mustPlace(c2s *trdplaceorder.C2S) uint64 {
	f.t.Helper()
	id, err := f.place(c2s)
	if err != nil {
		f.t.Fatalf("place: %v", err)
	}
	return id
}

func (f *fixture) modify(h *trdcommon.TrdHeader, id uint64, op int32, qty, price float64) error {
	_, err := f.eng.modifyOrder(&trdmodifyorder.C2S{PacketID: f.packet(), Header: h, OrderID: proto.Uint64(id),
		ModifyOrderOp: proto.Int32(op), Qty: proto.Float64(qty), Price: proto.Float64(price)})
	return err
}

func (f *fixture) funds(h *trdcommon.TrdHeader) *trdcommon.Funds {
	f.t.Helper()
	s2c, err := f.eng.getFunds(&trdgetfunds.C2S{Header: h})
	if err != nil {
		f.t.Fatalf("funds: %v", err)
	}
	if _, err := proto.Marshal(s2c); err != nil {
		f.t.Fatalf("funds marshal: %v", err)
	}
	return s2c.GetFunds()
}

func (f *fixture) orders(h *trdcommon.TrdHeader) []*trdcommon.Order {
	f.t.Helper()
	s2c, err := f.eng.getOrderList(&trdgetorderlist.C2S{Header: h})
	if err != nil {
		f.t.Fatalf("orders: %v", err)
	}
	if _, err := proto.Marshal(s2c); err != nil {
		f.t.Fatalf("orders marshal: %v", err)
	}
	return s2c.GetOrderList()
}

func (f *fixture) order(h *trdcommon.TrdHeader, id uint64) *trdcommon.Order {
	f.t.Helper()
	for _, o := range f.orders(h) {
		if o.GetOrderID() == id {
			return o
		}
	}
	f.t.Fatalf("order %d not found", id)
	return nil
}

func (f *fixture) positions(h *trdcommon.TrdHeader) []*trdcommon.Position {
	f.t.Helper()
	s2c, err := f.eng.getPositionList(&trdgetpositionlist.C2S{Header: h})
	if err != nil {
		f.t.Fatalf("positions: %v", err)
	}
	if _, err := proto.Marshal(s2c); err != nil {
		f.t.Fatalf("positions marshal: %v", err)
	}
	return s2c.GetPositionList()
}

// wantRefusal checks err is an *envelope.Error with code whose message holds substr.
func wantRefusal(t *testing.T, err error, code int32, substr string) {
	t.Helper()
	var ee *envelope.Error
	if !errors.As(err, &ee) {
		t.Fatalf("err = %v, want *envelope.Error", err)
	}
	if ee.RetType != envelope.RetFailed || ee.ErrCode != code || !strings.Contains(ee.RetMsg, substr) {
		t.Fatalf("err = retType %d errCode %d %q, want errCode %d containing %q", ee.RetType, ee.ErrCode, ee.RetMsg, code, substr)
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

func modReq(h *trdcommon.TrdHeader, id uint64, op int32, pk *common.PacketID) *trdmodifyorder.C2S {
	return &trdmodifyorder.C2S{PacketID: pk, Header: h, OrderID: proto.Uint64(id), ModifyOrderOp: proto.Int32(op)}
}
