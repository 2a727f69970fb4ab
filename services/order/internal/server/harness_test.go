package server

import (
	"context"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetorderlist"
	"github.com/futugw/gateway/opend/client"
	"github.com/futugw/gateway/opend/freqlimit"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim"
	"github.com/futugw/gateway/opend/testkit/simtest"
	"github.com/futugw/gateway/platform/audit"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/keypolicy"
	"github.com/futugw/gateway/platform/testkit"
	"github.com/futugw/gateway/platform/testkit/redistest"
	"github.com/futugw/gateway/services/order/internal/idem"
	"github.com/futugw/gateway/services/order/internal/limits"
	"github.com/futugw/gateway/services/order/internal/placer"
	"github.com/futugw/gateway/services/order/internal/tradefanout"
	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"
	"google.golang.org/protobuf/proto"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// env is one test's world: a real Redis, the simulator behind a cuttable proxy, a
// placer connected through it and the server under test.
type env struct {
	srv     *Server
	rdb     *redis.Client
	placer  *placer.Placer
	counter *limits.Counter
	hub     *tradefanout.Hub
	proxy   *proxy
	now     atomic.Pointer[time.Time]
}

func newEnv(t testing.TB) *env { return newEnvVia(t, true) }

// newEnvVia builds an env; viaProxy false connects the placer straight to the
// simulator (for benchmarks).
func newEnvVia(t testing.TB, viaProxy bool) *env {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	// OpenD's frequency limits off: these tests exercise the service's own limits.
	_, simAddr := simtest.Start(t, sim.Config{FreqLimits: freqlimit.Policy{Off: true}, Logger: log, PushInterval: time.Hour})
	px := startProxy(t, simAddr)
	e := &env{rdb: redis.NewClient(&redis.Options{Addr: redistest.Start(t)}), proxy: px, hub: tradefanout.NewHub(0)}
	t.Cleanup(func() { e.rdb.Close() })
	addr := px.addr()
	if !viaProxy {
		addr = px.target
	}
	e.placer = placer.Start(placer.Config{Addr: addr, TradePassword: "123456", Hub: e.hub, Logger: log,
		CallTimeout: 5 * time.Second, MinBackoff: 20 * time.Millisecond, MaxBackoff: 100 * time.Millisecond})
	t.Cleanup(func() { e.placer.Close() })
	testkit.Eventually(t, 20*time.Second, "placer connected and unlocked", func() bool { return e.placer.Connected() && e.placer.TradingUnlocked() })
	e.counter = limits.NewCounter(e.rdb, limits.Options{})
	start := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC) // 10:00 in Hong Kong
	e.now.Store(&start)
	hk, _ := time.LoadLocation("Asia/Hong_Kong")
	e.srv = New(Deps{
		Placer: e.placer, Counter: e.counter, Idem: idem.New(e.rdb, idem.Options{Wait: 20 * time.Second}),
		Audit: audit.New(e.rdb, 0), Quoter: SnapshotQuoter{P: e.placer}, Hub: e.hub, HoursTZ: hk,
		Now: func() time.Time { return *e.now.Load() }, Logger: log, Redis: e.rdb,
	})
	return e
}

// ctxFor is a call context authenticated as a key with scopes and limits.
func ctxFor(keyID string, l *gatewayv1.KeyLimits, scopes ...string) context.Context {
	if len(scopes) == 0 {
		scopes = []string{keypolicy.ScopeTradeSimulate, keypolicy.ScopeTradeReal, keypolicy.ScopeAccRead}
	}
	return authn.NewContext(context.Background(), &authn.Principal{KeyID: keyID, Scopes: scopes, Limits: l})
}

// limitOrder is 100 shares of HK.00700 at 100.00 on simulate account 1001: far
// below the market, so it rests unfilled; worth 10,000.
func limitOrder() *gatewayv1.PlaceOrderRequest {
	return &gatewayv1.PlaceOrderRequest{TrdEnv: gatewayv1.TrdEnv_TRD_ENV_SIMULATE, AccId: 1001,
		TrdMarket: gatewayv1.TrdMarket_TRD_MARKET_HK, Code: "00700", TrdSide: gatewayv1.TrdSide_TRD_SIDE_BUY,
		OrderType: gatewayv1.OrderType_ORDER_TYPE_NORMAL, Price: 100, Qty: 100}
}

func (e *env) orderCount(t *testing.T, acc uint64, mkt int32) int {
	t.Helper()
	env := int32(0)
	if acc >= 2000 {
		env = 1
	}
	var orders []*trdcommon.Order
	testkit.EventuallyNil(t, 10*time.Second, "listing orders", func() (err error) { // the connection may be coming back after a cut
		orders, err = e.placer.Orders(context.Background(), placer.Header{Env: env, AccID: acc, Market: mkt})
		return err
	})
	return len(orders)
}

// proxy forwards TCP between the placer and the simulator. While blackholed it
// forwards requests but swallows every answer, and Cut drops every connection: an
// OpenD that took an order and died before answering.
type proxy struct {
	ln        net.Listener
	target    string
	blackhole atomic.Bool
	mu        sync.Mutex
	conns     map[net.Conn]struct{}
	wg        sync.WaitGroup
}

func startProxy(t testing.TB, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	p.wg.Go(p.accept)
	t.Cleanup(func() { ln.Close(); p.Cut(); p.wg.Wait() })
	return p
}

func (p *proxy) addr() string { return p.ln.Addr().String() }

func (p *proxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		u, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns[c], p.conns[u] = struct{}{}, struct{}{}
		p.mu.Unlock()
		p.wg.Go(func() { _, _ = io.Copy(u, c); u.Close(); c.Close() })
		p.wg.Go(func() { p.answers(c, u); u.Close(); c.Close() })
	}
}

// answers copies from the simulator to the client unless blackholed.
func (p *proxy) answers(c, u net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := u.Read(buf)
		if n > 0 && !p.blackhole.Load() {
			if _, werr := c.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// Cut closes every proxied connection.
func (p *proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		c.Close()
		delete(p.conns, c)
	}
}

// directLister reads the simulator's order list over its own connection, bypassing
// the proxy.
type directLister struct{ c *client.Conn }

func newDirectLister(t testing.TB, e *env) *directLister {
	t.Helper()
	c, err := client.Dial(context.Background(), client.Config{Addr: e.proxy.target, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &directLister{c: c}
}

func (d *directLister) count(t testing.TB) int {
	t.Helper()
	var resp trdgetorderlist.Response
	err := d.c.Call(context.Background(), protoid.TrdGetOrderList, &trdgetorderlist.Request{C2S: &trdgetorderlist.C2S{
		Header: &trdcommon.TrdHeader{TrdEnv: proto.Int32(0), AccID: proto.Uint64(1001), TrdMarket: proto.Int32(1)},
	}}, &resp)
	if err != nil {
		t.Fatalf("direct order list: %v", err)
	}
	return len(resp.GetS2C().GetOrderList())
}

func placerWithoutPassword(t testing.TB, e *env) *placer.Placer {
	t.Helper()
	p := placer.Start(placer.Config{Addr: e.proxy.target, Hub: tradefanout.NewHub(0), Logger: slog.New(slog.DiscardHandler)})
	t.Cleanup(func() { p.Close() })
	testkit.Eventually(t, 20*time.Second, "second placer connected", p.Connected)
	return p
}
