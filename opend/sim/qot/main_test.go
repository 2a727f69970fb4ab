package qot

import (
	"context"
	"io"
	"log/slog"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/futugw/gateway/opend/server"
	"github.com/futugw/gateway/opend/sim/market"
	"github.com/futugw/gateway/opend/sim/rawclient"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// clock is a manual clock so the minimum-hold rule is tested without sleeping.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock {
	return &clock{now: time.Date(2025, 3, 3, 2, 0, 0, 0, time.UTC)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// env is a running server with the quote service on a loopback port.
type env struct {
	addr  string
	svc   *Service
	mkt   *market.Market
	clock *clock
}

// start serves the quote service; a PushInterval of an hour means prices move
// only when the test steps the market itself.
func start(t *testing.T, cfg Config) *env {
	t.Helper()
	return startOn(t, cfg, market.Config{Seed: 1})
}

// startOn is start over a market built from mc (its clock is the test's).
func startOn(t *testing.T, cfg Config, mc market.Config) *env {
	t.Helper()
	clk := newClock()
	if cfg.Now == nil {
		cfg.Now = clk.Now
	}
	if cfg.PushInterval == 0 {
		cfg.PushInterval = time.Hour
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg.Logger = logger
	mc.Now = cfg.Now
	mkt := market.New(mc)
	var svc *Service
	srv := server.New(server.Config{Logger: logger, OnClose: func(c *server.Conn) { svc.DropConn(c) }})
	svc = Register(srv, mkt, cfg)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { srv.Serve(ln) })
	wg.Go(func() { svc.Run(ctx) })
	t.Cleanup(func() {
		cancel()
		sctx, stop := context.WithTimeout(context.Background(), 10*time.Second)
		defer stop()
		srv.Shutdown(sctx)
		wg.Wait()
	})
	return &env{addr: ln.Addr().String(), svc: svc, mkt: mkt, clock: clk}
}

func (e *env) dial(t *testing.T) *rawclient.Client {
	t.Helper()
	c, err := rawclient.Dial(testCtx(t), e.addr, rawclient.Options{RecvNotify: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// testCtx bounds every wait generously; tests wait on events, never on time.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}
