package sim_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetorderlist"
	"github.com/futugw/gateway/opend/envelope"
	"github.com/futugw/gateway/opend/freqlimit"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim"
	"github.com/futugw/gateway/opend/sim/rawclient"
	"github.com/futugw/gateway/opend/testkit/simtest"
	"google.golang.org/protobuf/proto"
)

// manualClock is the simulator's clock in these tests: windows slide only when
// the test says so.
type manualClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *manualClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *manualClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// dialSim serves a simulator with cfg on the clock and connects a raw client.
func dialSim(t *testing.T, cfg sim.Config) (*rawclient.Client, *manualClock) {
	t.Helper()
	clk := &manualClock{t: time.Date(2026, 12, 7, 10, 0, 0, 0, time.FixedZone("HKT", 8*3600))}
	cfg.Now = clk.Now
	cfg.PushInterval = time.Hour
	_, addr := simtest.Start(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := rawclient.Dial(ctx, addr, rawclient.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, clk
}

// orderList asks for account acc's open orders, refreshing OpenD's cache (the
// requests OpenD limits), and returns the answer's status.
func orderList(t *testing.T, c *rawclient.Client, acc uint64, market int32) envelope.Status {
	return orderListCached(t, c, acc, market, true)
}

func orderListCached(t *testing.T, c *rawclient.Client, acc uint64, market int32, refresh bool) envelope.Status {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req := &trdgetorderlist.Request{C2S: &trdgetorderlist.C2S{
		Header:       &trdcommon.TrdHeader{TrdEnv: proto.Int32(0), AccID: proto.Uint64(acc), TrdMarket: proto.Int32(market)},
		RefreshCache: proto.Bool(refresh),
	}}
	st, err := c.Call(ctx, protoid.TrdGetOrderList, req, &trdgetorderlist.Response{})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func wantOK(t *testing.T, n int, call func() envelope.Status) {
	t.Helper()
	for i := range n {
		if st := call(); !st.OK() {
			t.Fatalf("request %d of %d: %+v", i+1, n, st)
		}
	}
}

// Over the real protocol: the 11th Trd_GetOrderList refreshing the cache of an
// account within 30s is refused as OpenD refuses it, other accounts are not affected, and the
// account may ask again once the window has slid.
func TestFrequencyLimitOverProtocol(t *testing.T) {
	c, clk := dialSim(t, sim.Config{})
	hk := func() envelope.Status { return orderList(t, c, 1001, 1) }
	wantOK(t, 10, hk)
	st := hk()
	const msg = "Trd_GetOrderList: frequency limit exceeded for account 1001: at most 10 requests per 30s"
	if st.RetType != envelope.RetFailed || st.ErrCode != freqlimit.ErrCode || st.RetMsg != msg {
		t.Fatalf("11th request: %+v, want retType -1, errCode %d, %q", st, freqlimit.ErrCode, msg)
	}
	wantOK(t, 10, func() envelope.Status { return orderList(t, c, 1002, 2) })
	// Answers from OpenD's cache are not limited.
	wantOK(t, 20, func() envelope.Status { return orderListCached(t, c, 1001, 1, false) })
	clk.Advance(30 * time.Second)
	wantOK(t, 10, hk)
}

func TestFrequencyLimitsConfigurable(t *testing.T) {
	for _, c := range []struct {
		name   string
		cfg    sim.Config
		allows int // requests of one account within 30s; 0 = unlimited
	}{
		{"default", sim.Config{}, 10},
		{"off", sim.Config{FreqLimits: freqlimit.Policy{Off: true}}, 0},
		{"scaled", sim.Config{FreqLimits: freqlimit.Policy{Scale: 1.5}}, 15},
	} {
		t.Run(c.name, func(t *testing.T) {
			cl, _ := dialSim(t, c.cfg)
			call := func() envelope.Status { return orderList(t, cl, 1001, 1) }
			if c.allows == 0 {
				wantOK(t, 40, call)
				return
			}
			wantOK(t, c.allows, call)
			if st := call(); st.OK() || !strings.Contains(st.RetMsg, "frequency limit exceeded") {
				t.Fatalf("request %d: %+v, want a frequency refusal", c.allows+1, st)
			}
		})
	}
}

// -order-rate-limit replaces the order rows, not the others.
func TestOrderRateLimitOverridesOrderRows(t *testing.T) {
	s, err := sim.New(sim.Config{OrderRateLimit: 3, OrderRateWindow: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []uint32{protoid.TrdPlaceOrder, protoid.TrdModifyOrder} {
		if got, _ := s.FreqLimiter().Limit(id); got.N != 3 || got.Window != time.Minute || !got.PerAccount {
			t.Errorf("proto %d: limit %+v, want 3 per account per minute", id, got)
		}
	}
	if got, _ := s.FreqLimiter().Limit(protoid.TrdGetOrderList); got.N != 10 {
		t.Errorf("Trd_GetOrderList: limit %+v, want the documented 10", got)
	}
}
