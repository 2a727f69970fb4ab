package qot

import (
	"context"
	"io"
	"log/slog"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetsecuritysnapshot"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetstaticinfo"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/server"
	"github.com/futugw/gateway/opend/sim/market"
	"github.com/futugw/gateway/opend/sim/rawclient"
)

// kindsEnv serves the quote service over a market with the kinds universe, on
// the manual clock of main_test.go; prices move only when a test steps them.
type kindsEnv struct {
	addr  string
	mkt   *market.Market
	clock *clock
}

func startKinds(t *testing.T) *kindsEnv {
	t.Helper()
	return startKindsAt(t, nil)
}

// startKindsAt is startKinds with reference prices (previous closes) by key.
func startKindsAt(t *testing.T, prices map[string]float64) *kindsEnv {
	t.Helper()
	clk := newClock()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	mkt := market.New(market.Config{Seed: 5, Now: clk.Now, Kinds: true, Prices: prices})
	var svc *Service
	srv := server.New(server.Config{Logger: logger, OnClose: func(c *server.Conn) { svc.DropConn(c) }})
	svc = Register(srv, mkt, Config{Now: clk.Now, PushInterval: time.Hour, Logger: logger})
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
	return &kindsEnv{addr: ln.Addr().String(), mkt: mkt, clock: clk}
}

func (e *kindsEnv) dial(t *testing.T) *rawclient.Client {
	t.Helper()
	c, err := rawclient.Dial(testCtx(t), e.addr, rawclient.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func staticInfos(t *testing.T, c *rawclient.Client, keys ...string) []*qotcommon.SecurityStaticInfo {
	t.Helper()
	var resp qotgetstaticinfo.Response
	mustOK(t, call(testCtx(t), t, c, protoid.QotGetStaticInfo, &qotgetstaticinfo.Request{C2S: &qotgetstaticinfo.C2S{
		SecurityList: secs(keys...)}}, &resp), "Qot_GetStaticInfo")
	return resp.GetS2C().GetStaticInfoList()
}

func snapshots(t *testing.T, c *rawclient.Client, keys ...string) []*qotgetsecuritysnapshot.Snapshot {
	t.Helper()
	var resp qotgetsecuritysnapshot.Response
	mustOK(t, call(testCtx(t), t, c, protoid.QotGetSecuritySnapshot, &qotgetsecuritysnapshot.Request{C2S: &qotgetsecuritysnapshot.C2S{
		SecurityList: secs(keys...)}}, &resp), "Qot_GetSecuritySnapshot")
	return resp.GetS2C().GetSnapshotList()
}

// firstOfKind returns the first security of a type in the universe.
func (e *kindsEnv) firstOfKind(t *testing.T, secType int32, match func(market.Instrument) bool) market.Instrument {
	t.Helper()
	for _, in := range e.mkt.Instruments() {
		if in.SecType == secType && (match == nil || match(in)) {
			return in
		}
	}
	t.Fatalf("no security of type %d", secType)
	return market.Instrument{}
}

func near(a, b, tol float64) bool {
	d := a - b
	return d <= tol && d >= -tol
}
