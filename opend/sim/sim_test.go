package sim

import (
	"context"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/getglobalstate"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetstaticinfo"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotsub"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatebasicqot"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetacclist"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim/calendar"
	"github.com/futugw/gateway/opend/sim/market"
	"github.com/futugw/gateway/opend/sim/rawclient"
	"go.uber.org/goleak"
	"google.golang.org/protobuf/proto"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestServeEndToEnd(t *testing.T) {
	s, err := New(Config{
		Seed:         7,
		PushInterval: 2 * time.Millisecond,
		MinSubHold:   time.Millisecond,
		Logger:       slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln) }()

	wctx, wcancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer wcancel()
	c, err := rawclient.Dial(wctx, ln.Addr().String(), rawclient.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	var gs getglobalstate.Response
	st, err := c.Call(wctx, protoid.GetGlobalState, &getglobalstate.Request{C2S: &getglobalstate.C2S{UserID: proto.Uint64(1)}}, &gs)
	if err != nil || !st.OK() || !gs.GetS2C().GetQotLogined() {
		t.Fatalf("GetGlobalState: %v %+v %v", err, st, gs.GetS2C())
	}

	var accs trdgetacclist.Response
	st, err = c.Call(wctx, protoid.TrdGetAccList, &trdgetacclist.Request{C2S: &trdgetacclist.C2S{UserID: proto.Uint64(1)}}, &accs)
	if err != nil || !st.OK() || len(accs.GetS2C().GetAccList()) == 0 {
		t.Fatalf("Trd_GetAccList: %v %+v %v", err, st, accs.GetS2C())
	}

	subscribeBasic(t, wctx, c, &qotcommon.Security{Market: proto.Int32(11), Code: proto.String("AAPL")})
	for range 5 {
		f, err := c.NextPush(wctx, protoid.QotUpdateBasicQot)
		if err != nil {
			t.Fatal(err)
		}
		var p qotupdatebasicqot.Response
		if err := proto.Unmarshal(f.Body, &p); err != nil {
			t.Fatal(err)
		}
	}
	if s.ConnCount() != 1 {
		t.Errorf("ConnCount = %d", s.ConnCount())
	}

	cancel()
	if err := <-served; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	select {
	case <-c.Done():
	case <-wctx.Done():
		t.Fatal("client connection not closed by shutdown")
	}
}

func TestShutdownStopsServe(t *testing.T) {
	s, err := New(Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- s.Serve(context.Background(), ln) }()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := rawclient.Dial(ctx, ln.Addr().String(), rawclient.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve after Shutdown: %v", err)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	if _, err := New(Config{SubQuota: -1}); err == nil {
		t.Fatal("negative quota accepted")
	}
	if _, err := New(Config{HistoryKLQuota: -1}); err == nil {
		t.Fatal("negative history K-line quota accepted")
	}
	if _, err := New(Config{ExtraSecurities: -1}); err == nil {
		t.Fatal("negative extra securities accepted")
	}
	if _, err := New(Config{ExtraSecurities: market.MaxGenerated + 1}); err == nil {
		t.Fatal("more extra securities than codes accepted")
	}
}

// TestExtraSecuritiesPush: a generated security answers static info and pushes its
// quotes like a built-in one.
func TestExtraSecuritiesPush(t *testing.T) {
	s, err := New(Config{
		Seed:            7,
		PushInterval:    2 * time.Millisecond,
		ExtraSecurities: 180,
		Logger:          slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(s.Market().Instruments()); n != 200 {
		t.Fatalf("%d securities, want 20 built-in + 180", n)
	}
	c := serveAndDial(t, s, rawclient.Options{})
	wctx, wcancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer wcancel()

	last := &qotcommon.Security{Market: proto.Int32(1), Code: proto.String("80179")}
	var info qotgetstaticinfo.Response
	st, err := c.Call(wctx, protoid.QotGetStaticInfo, &qotgetstaticinfo.Request{C2S: &qotgetstaticinfo.C2S{
		SecurityList: []*qotcommon.Security{last}}}, &info)
	if err != nil || !st.OK() || len(info.GetS2C().GetStaticInfoList()) != 1 {
		t.Fatalf("Qot_GetStaticInfo: %v %+v %v", err, st, info.GetS2C())
	}
	if b := info.GetS2C().GetStaticInfoList()[0].GetBasic(); b.GetName() != "SIM 80179" || b.GetLotSize() != 100 {
		t.Errorf("static info %v", b)
	}

	subscribeBasic(t, wctx, c, last)
	f, err := c.NextPush(wctx, protoid.QotUpdateBasicQot)
	if err != nil {
		t.Fatal(err)
	}
	var p qotupdatebasicqot.Response
	if err := proto.Unmarshal(f.Body, &p); err != nil {
		t.Fatal(err)
	}
	list := p.GetS2C().GetBasicQotList()
	if len(list) != 1 || list[0].GetSecurity().GetCode() != "80179" || list[0].GetCurPrice() <= 0 {
		t.Fatalf("push %v, want a basic quote of HK.80179", p.GetS2C())
	}
}

// serveAndDial serves s on a loopback port until the test ends (then checks Serve
// returned cleanly) and returns a client connected to it with options o.
func serveAndDial(t testing.TB, s *Sim, o rawclient.Options) *rawclient.Client {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	dctx, dcancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer dcancel()
	c, err := rawclient.Dial(dctx, ln.Addr().String(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// subscribeBasic subscribes c to sec's basic quote (3005 pushes).
func subscribeBasic(t testing.TB, ctx context.Context, c *rawclient.Client, sec *qotcommon.Security) {
	t.Helper()
	var sub qotsub.Response
	st, err := c.Call(ctx, protoid.QotSub, &qotsub.Request{C2S: &qotsub.C2S{
		SecurityList:     []*qotcommon.Security{sec},
		SubTypeList:      []int32{1},
		IsSubOrUnSub:     proto.Bool(true),
		IsRegOrUnRegPush: proto.Bool(true),
	}}, &sub)
	if err != nil || !st.OK() {
		t.Fatalf("Qot_Sub: %v %+v", err, st)
	}
}

// TestConfigNowReachesProtocol: with a simulated clock the times the clients
// see (GetGlobalState, quote pushes) are the clock's, not the wall clock's.
func TestConfigNowReachesProtocol(t *testing.T) {
	start := time.Date(2030, time.December, 9, 9, 29, 50, 0, time.FixedZone("HKT", 8*3600))
	clock, err := calendar.NewClock(start, 60)
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{
		Seed:         7,
		PushInterval: 2 * time.Millisecond,
		Now:          clock.Now,
		Logger:       slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	c := serveAndDial(t, s, rawclient.Options{})
	wctx, wcancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer wcancel()

	// Within a simulated day of the start, whatever the machine's speed.
	near := func(what string, unix float64) {
		t.Helper()
		if at := time.Unix(int64(unix), 0); at.Before(start) || at.After(start.Add(24*time.Hour)) {
			t.Errorf("%s = %v, want shortly after %v", what, at, start)
		}
	}
	var gs getglobalstate.Response
	st, err := c.Call(wctx, protoid.GetGlobalState, &getglobalstate.Request{C2S: &getglobalstate.C2S{UserID: proto.Uint64(1)}}, &gs)
	if err != nil || !st.OK() {
		t.Fatalf("GetGlobalState: %v %+v", err, st)
	}
	near("GetGlobalState time", float64(gs.GetS2C().GetTime()))

	subscribeBasic(t, wctx, c, &qotcommon.Security{Market: proto.Int32(1), Code: proto.String("00700")})
	f, err := c.NextPush(wctx, protoid.QotUpdateBasicQot)
	if err != nil {
		t.Fatal(err)
	}
	var p qotupdatebasicqot.Response
	if err := proto.Unmarshal(f.Body, &p); err != nil {
		t.Fatal(err)
	}
	near("quote update time", p.GetS2C().GetBasicQotList()[0].GetUpdateTimestamp())
}
