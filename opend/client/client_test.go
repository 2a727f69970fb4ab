package client

import (
	"context"
	"crypto/sha1"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/initconnect"
	"github.com/futugw/gateway/api/gen/go/futu/opend/keepalive"
	"github.com/futugw/gateway/opend/envelope"
	"github.com/futugw/gateway/opend/frame"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/server"
	"github.com/futugw/gateway/platform/testkit"
	"github.com/futugw/gateway/platform/testkit/logtest"
	"go.uber.org/goleak"
	"google.golang.org/protobuf/proto"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// Test proto ids served by testServer.
const (
	protoEcho      = 9001 // echoes c2s.time after a random delay up to the value's ms%7
	protoStall     = 9002 // blocks until its context ends
	protoFail      = 9003 // envelope error
	protoDrop      = 9004 // closes the connection
	protoPushStorm = 9005 // pushes c2s.time pushes of protoPush, numbered
	protoPush      = protoid.QotUpdateBasicQot
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func ka(v int64) *keepalive.Request {
	return &keepalive.Request{C2S: &keepalive.C2S{Time: proto.Int64(v)}}
}

func kaResp(v int64) *keepalive.Response {
	return &keepalive.Response{RetType: proto.Int32(0), S2C: &keepalive.S2C{Time: proto.Int64(v)}}
}

type testServer struct {
	*server.Server
	addr  string
	inits atomic.Int32
}

func newTestServer(t testing.TB, cfg server.Config) *testServer {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return serveOn(t, l, cfg)
}

func serveOn(t testing.TB, l net.Listener, cfg server.Config) *testServer {
	t.Helper()
	ts := &testServer{addr: l.Addr().String()}
	if cfg.Logger == nil {
		cfg.Logger = quiet
	}
	if cfg.Concurrency == 0 {
		cfg.Concurrency = 64
	}
	onInit := cfg.OnInit
	cfg.OnInit = func(c *server.Conn) {
		ts.inits.Add(1)
		if onInit != nil {
			onInit(c)
		}
	}
	ts.Server = server.New(cfg)
	ts.Handle(protoEcho, func(ctx context.Context, c *server.Conn, req server.Request) (proto.Message, error) {
		var m keepalive.Request
		if err := proto.Unmarshal(req.Body, &m); err != nil {
			return nil, err
		}
		v := m.GetC2S().GetTime()
		if d := v % 7; d > 0 {
			time.Sleep(time.Duration(d) * time.Millisecond) // the point: answers finish out of order
		}
		return kaResp(v), nil
	})
	ts.Handle(protoStall, func(ctx context.Context, c *server.Conn, req server.Request) (proto.Message, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	})
	ts.Handle(protoFail, func(ctx context.Context, c *server.Conn, req server.Request) (proto.Message, error) {
		return nil, &envelope.Error{RetType: envelope.RetFailed, ErrCode: 42, RetMsg: "nope"}
	})
	ts.Handle(protoDrop, func(ctx context.Context, c *server.Conn, req server.Request) (proto.Message, error) {
		c.Close()
		return nil, errors.New("dropped")
	})
	ts.Handle(protoPushStorm, func(ctx context.Context, c *server.Conn, req server.Request) (proto.Message, error) {
		var m keepalive.Request
		if err := proto.Unmarshal(req.Body, &m); err != nil {
			return nil, err
		}
		for i := range m.GetC2S().GetTime() {
			if err := c.Push(protoPush, kaResp(i)); err != nil {
				return nil, err
			}
		}
		return kaResp(m.GetC2S().GetTime()), nil
	})
	done := make(chan struct{})
	go func() {
		defer close(done)
		ts.Serve(l)
	}()
	t.Cleanup(func() {
		ts.Close()
		<-done
	})
	return ts
}

func dial(t testing.TB, cfg Config) *Conn {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = quiet
	}
	if cfg.MinBackoff == 0 {
		cfg.MinBackoff = 10 * time.Millisecond
		cfg.MaxBackoff = 100 * time.Millisecond
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := Dial(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func echo(ctx context.Context, c *Conn, v int64) error {
	var resp keepalive.Response
	if err := c.Call(ctx, protoEcho, ka(v), &resp); err != nil {
		return err
	}
	if got := resp.GetS2C().GetTime(); got != v {
		return fmt.Errorf("echo %d came back as %d", v, got)
	}
	return nil
}

// initResp is a successful InitConnect answer with the given connection id
// and keepalive interval in seconds.
func initResp(connID uint64, interval int32) *initconnect.Response {
	return &initconnect.Response{RetType: proto.Int32(0), S2C: &initconnect.S2C{
		ServerVer: proto.Int32(1), LoginUserID: proto.Uint64(1), ConnID: proto.Uint64(connID),
		ConnAESKey: proto.String("k"), KeepAliveInterval: proto.Int32(interval)}}
}

// rawPeer serves one connection by hand on a loopback listener, for the
// misbehaving servers the test server cannot play: it answers InitConnect
// with the given keepalive interval (seconds), runs then if set, and drains
// the rest. The test's cleanup closes the listener and waits for the peer.
func rawPeer(t *testing.T, interval int32, then func(nc net.Conn, r *frame.Reader)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() {
		l.Close()
		wg.Wait()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		nc, err := l.Accept()
		if err != nil {
			return
		}
		defer nc.Close()
		r := frame.NewReader(nc, 0)
		f, err := r.Next()
		if err != nil {
			return
		}
		body, _ := proto.Marshal(initResp(1, interval))
		nc.Write(frame.Append(nil, f.ProtoID, f.Serial, body))
		if then != nil {
			then(nc, r)
		}
		io.Copy(io.Discard, nc)
	}()
	return l.Addr().String()
}

func TestDialAndInfo(t *testing.T) {
	ts := newTestServer(t, server.Config{ServerVer: 900, LoginUserID: 77, KeepAliveInterval: 2 * time.Second})
	var states stateLog
	c := dial(t, Config{Addr: ts.addr, OnState: states.record})
	info, ok := c.Info()
	if !ok || info.ServerVer != 900 || info.LoginUserID != 77 || info.ConnID == 0 || len(info.ConnAESKey) != 16 || info.KeepAliveInterval != 2*time.Second {
		t.Fatalf("info = %+v, %v", info, ok)
	}
	connID, s1 := c.NextPacketID()
	_, s2 := c.NextPacketID()
	if connID != info.ConnID || s2 != s1+1 {
		t.Fatalf("NextPacketID = %d/%d then %d", connID, s1, s2)
	}
	if c.State() != StateConnected {
		t.Fatalf("state %v", c.State())
	}
	var kr keepalive.Response
	if err := c.Call(context.Background(), protoid.KeepAlive, ka(5), &kr); err != nil || kr.GetS2C().GetTime() != 5 {
		t.Fatalf("KeepAlive: %v %v", err, &kr)
	}
	c.Close()
	if err := c.Call(context.Background(), protoEcho, ka(1), nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("call after Close: %v", err)
	}
	c.Close() // idempotent
	states.want(t, StateConnected, StateClosed)
}

func TestDialErrors(t *testing.T) {
	// Nobody listening.
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	if _, err := Dial(context.Background(), Config{Addr: addr, Logger: quiet}); err == nil {
		t.Fatal("dial to a closed port succeeded")
	}
	if _, err := Dial(context.Background(), Config{Logger: quiet}); err == nil {
		t.Fatal("empty addr accepted")
	}
	// A server that accepts and says nothing: InitConnect times out.
	l, _ = net.Listen("tcp", "127.0.0.1:0")
	defer l.Close()
	var held sync.WaitGroup
	held.Add(1)
	go func() {
		defer held.Done()
		nc, err := l.Accept()
		if err == nil {
			io.Copy(io.Discard, nc)
			nc.Close()
		}
	}()
	start := time.Now()
	_, err := Dial(context.Background(), Config{Addr: l.Addr().String(), DialTimeout: 200 * time.Millisecond, Logger: quiet})
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
		t.Fatalf("silent server: %v after %v", err, time.Since(start))
	}
	held.Wait()
	// OnConnect failing fails Dial.
	ts := newTestServer(t, server.Config{})
	boom := errors.New("boom")
	_, err = Dial(context.Background(), Config{Addr: ts.addr, Logger: quiet, OnConnect: func(context.Context, *Conn) error { return boom }})
	if !errors.Is(err, boom) {
		t.Fatalf("OnConnect error: %v", err)
	}
}

func TestConcurrentCalls(t *testing.T) {
	ts := newTestServer(t, server.Config{})
	c := dial(t, Config{Addr: ts.addr})
	const workers, calls = 64, 50
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := range calls {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				err := echo(ctx, c, int64(w*1000+i))
				cancel()
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if st := c.Stats(); st.Pending != 0 {
		t.Fatalf("pending after all calls: %+v", st)
	}
}

func TestEnvelopeErrors(t *testing.T) {
	ts := newTestServer(t, server.Config{})
	c := dial(t, Config{Addr: ts.addr})
	resp := kaResp(99)
	err := c.Call(context.Background(), protoFail, ka(1), resp)
	var e *envelope.Error
	if !errors.As(err, &e) || e.ProtoID != protoFail || e.RetType != -1 || e.ErrCode != 42 || e.RetMsg != "nope" {
		t.Fatalf("err = %v", err)
	}
	if resp.GetS2C().GetTime() != 99 {
		t.Fatal("resp was modified on error")
	}
	body, err := c.Do(context.Background(), 12345, nil)
	if !errors.As(err, &e) || e.RetMsg != "unsupported proto id 12345" || body == nil {
		t.Fatalf("unknown proto: %v, body %x", err, body)
	}
	// The connection is fine afterwards.
	if err := echo(context.Background(), c, 3); err != nil {
		t.Fatal(err)
	}
}

func TestStallHonoursDeadline(t *testing.T) {
	ts := newTestServer(t, server.Config{})
	c := dial(t, Config{Addr: ts.addr})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := c.Call(ctx, protoStall, ka(1), nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("took %v", d)
	}
	if st := c.Stats(); st.Pending != 0 {
		t.Fatalf("entry not cleaned: %+v", st)
	}
	// Cancellation too.
	ctx2, cancel2 := context.WithCancel(context.Background())
	go func() { testkit.Within(5*time.Second, func() bool { return c.Stats().Pending == 1 }); cancel2() }()
	if err := c.Call(ctx2, protoStall, ka(1), nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancel: %v", err)
	}
	if st := c.Stats(); st.Pending != 0 {
		t.Fatalf("entry not cleaned: %+v", st)
	}
	if err := echo(context.Background(), c, 8); err != nil {
		t.Fatal(err)
	}
}

func TestCallTimeoutDefault(t *testing.T) {
	ts := newTestServer(t, server.Config{})
	c := dial(t, Config{Addr: ts.addr, CallTimeout: 50 * time.Millisecond})
	if err := c.Call(context.Background(), protoStall, ka(1), nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
}

func TestDropMidCallReconnects(t *testing.T) {
	ts := newTestServer(t, server.Config{})
	var connects atomic.Int32
	var states stateLog
	c := dial(t, Config{
		Addr: ts.addr,
		OnConnect: func(ctx context.Context, c *Conn) error {
			connects.Add(1)
			return echo(ctx, c, 1) // calls work inside OnConnect
		},
		OnState: states.record,
	})
	firstID, _ := c.Info()

	// Ten calls stalled on the server, then the server drops the connection.
	const stalled = 10
	errs := make(chan error, stalled)
	for range stalled {
		go func() { errs <- c.Call(context.Background(), protoStall, ka(1), nil) }()
	}
	testkit.Eventually(t, 10*time.Second, "stalled calls pending", func() bool { return c.Stats().Pending == stalled })
	start := time.Now()
	if err := c.Call(context.Background(), protoDrop, ka(1), nil); !errors.Is(err, ErrNotConnected) {
		t.Fatalf("drop call: %v", err)
	}
	for range stalled {
		if err := <-errs; !errors.Is(err, ErrNotConnected) {
			t.Fatalf("pending call: %v", err)
		}
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("pending calls took %v to fail", d)
	}
	testkit.Eventually(t, 10*time.Second, "reconnect", func() bool { return c.State() == StateConnected && connects.Load() == 2 })
	secondID, _ := c.Info()
	if secondID.ConnID == firstID.ConnID {
		t.Fatal("same connID after reconnect")
	}
	if err := echo(context.Background(), c, 42); err != nil {
		t.Fatal(err)
	}
	if st := c.Stats(); st.Reconnects != 1 || st.Pending != 0 {
		t.Fatalf("stats %+v", st)
	}
	states.want(t, StateConnected, StateDisconnected, StateConnected)
}

func TestServerRestartBackoff(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	ts := serveOn(t, l, server.Config{})
	var connects atomic.Int32
	logs := &logtest.Buffer{}
	c := dial(t, Config{Addr: addr, MinBackoff: 20 * time.Millisecond, MaxBackoff: 80 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(logs, nil)), OnConnect: func(context.Context, *Conn) error { connects.Add(1); return nil }})
	ts.Close()
	testkit.Eventually(t, 10*time.Second, "disconnect", func() bool { return c.State() == StateDisconnected })
	if err := c.Call(context.Background(), protoEcho, ka(1), nil); !errors.Is(err, ErrNotConnected) {
		t.Fatalf("call while down: %v", err)
	}
	testkit.Eventually(t, 10*time.Second, "several failed attempts",
		func() bool { return strings.Count(logs.String(), "reconnect failed") >= 3 })
	l2, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot rebind %s: %v", addr, err)
	}
	serveOn(t, l2, server.Config{})
	testkit.Eventually(t, 10*time.Second, "reconnect", func() bool { return c.State() == StateConnected })
	if err := echo(context.Background(), c, 5); err != nil {
		t.Fatal(err)
	}
	if connects.Load() != 2 {
		t.Fatalf("OnConnect ran %d times", connects.Load())
	}
}

func TestOnConnectFailureRetries(t *testing.T) {
	ts := newTestServer(t, server.Config{})
	var n atomic.Int32
	c := dial(t, Config{Addr: ts.addr, OnConnect: func(context.Context, *Conn) error {
		if k := n.Add(1); k == 2 || k == 3 {
			return errors.New("resubscribe failed")
		}
		return nil
	}})
	c.Call(context.Background(), protoDrop, ka(1), nil)
	testkit.Eventually(t, 10*time.Second, "fourth OnConnect", func() bool { return n.Load() == 4 && c.State() == StateConnected })
	if err := echo(context.Background(), c, 2); err != nil {
		t.Fatal(err)
	}
	if ts.inits.Load() != 4 {
		t.Fatalf("%d InitConnects", ts.inits.Load())
	}
}

func TestCloseWithCallsInFlight(t *testing.T) {
	ts := newTestServer(t, server.Config{})
	c, err := Dial(context.Background(), Config{Addr: ts.addr, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	const n = 20
	errs := make(chan error, n)
	for range n {
		go func() { errs <- c.Call(context.Background(), protoStall, ka(1), nil) }()
	}
	testkit.Eventually(t, 10*time.Second, "pending", func() bool { return c.Stats().Pending == n })
	done := make(chan struct{})
	go func() { c.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close hung")
	}
	for range n {
		if err := <-errs; !errors.Is(err, ErrClosed) {
			t.Fatalf("in-flight call: %v", err)
		}
	}
}

func TestCloseDuringReconnect(t *testing.T) {
	ts := newTestServer(t, server.Config{})
	c, err := Dial(context.Background(), Config{Addr: ts.addr, Logger: quiet, MinBackoff: time.Hour, MaxBackoff: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ts.Close()
	testkit.Eventually(t, 10*time.Second, "disconnect", func() bool { return c.State() == StateDisconnected })
	start := time.Now()
	c.Close()
	if time.Since(start) > time.Second {
		t.Fatal("Close waited for the backoff")
	}
}

func TestPushStorm(t *testing.T) {
	const n = 100_000
	ts := newTestServer(t, server.Config{SendQueue: n + 16})
	var got atomic.Int64
	var bad atomic.Int64
	next := int64(0)
	c := dial(t, Config{Addr: ts.addr, Push: map[uint32]PushHandler{
		protoPush: func(protoID uint32, body []byte) {
			var m keepalive.Response
			if err := proto.Unmarshal(body, &m); err != nil || m.GetS2C().GetTime() != next {
				bad.Add(1)
			}
			next++
			got.Add(1)
		},
	}})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.Call(ctx, protoPushStorm, ka(n), nil); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 10*time.Second, "all pushes", func() bool { return got.Load() == n })
	if bad.Load() != 0 {
		t.Fatalf("%d pushes out of order or undecodable", bad.Load())
	}
	if st := c.Stats(); st.PushQueued != 0 || st.PushDropped != 0 || st.Pending != 0 || st.Reconnects != 0 {
		t.Fatalf("stats %+v", st)
	}
}

func TestPushHandlerRegistration(t *testing.T) {
	var srv atomic.Pointer[server.Conn]
	ts := newTestServer(t, server.Config{OnInit: func(c *server.Conn) { srv.Store(c) }})
	c := dial(t, Config{Addr: ts.addr})
	testkit.Eventually(t, 10*time.Second, "server conn", func() bool { return srv.Load() != nil })
	got := make(chan uint32, 10)
	c.Handle(protoid.QotUpdateTicker, func(id uint32, _ []byte) { got <- id })
	c.Handle(protoid.QotUpdateOrderBook, func(id uint32, _ []byte) { panic("handler bug") })
	sc := srv.Load()
	sc.Push(protoid.QotUpdateOrderBook, kaResp(0)) // panics in the handler, recovered
	sc.Push(protoid.TrdUpdateOrder, kaResp(0))     // no handler: dropped
	sc.Push(protoid.QotUpdateTicker, kaResp(0))
	select {
	case id := <-got:
		if id != protoid.QotUpdateTicker {
			t.Fatalf("got %d", id)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no push")
	}
	c.Handle(protoid.QotUpdateTicker, nil)
	sc.Push(protoid.QotUpdateTicker, kaResp(0))
	if err := echo(context.Background(), c, 1); err != nil { // the push was read before this response
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond) // the point: a grace for a wrong call to show up
	if len(got) != 0 {
		t.Fatal("removed handler still called")
	}
}

func TestPushOverflowDrop(t *testing.T) {
	ts := newTestServer(t, server.Config{SendQueue: 1000})
	release := make(chan struct{})
	var handled atomic.Int32
	c := dial(t, Config{Addr: ts.addr, PushQueue: 4, PushStall: 5 * time.Millisecond, PushOverflow: OverflowDrop,
		Push: map[uint32]PushHandler{protoPush: func(uint32, []byte) {
			<-release
			handled.Add(1)
		}}})
	if err := c.Call(context.Background(), protoPushStorm, ka(50), nil); err != nil {
		t.Fatal(err)
	}
	close(release)
	st := c.Stats()
	if st.PushDropped == 0 || st.Reconnects != 0 {
		t.Fatalf("stats %+v", st)
	}
	testkit.Eventually(t, 10*time.Second, "kept pushes handled", func() bool { return handled.Load()+int32(st.PushDropped) == 50 })
}

func TestPushOverflowReconnect(t *testing.T) {
	ts := newTestServer(t, server.Config{SendQueue: 1000})
	release := make(chan struct{})
	c := dial(t, Config{Addr: ts.addr, PushQueue: 4, PushStall: 5 * time.Millisecond,
		Push: map[uint32]PushHandler{protoPush: func(uint32, []byte) { <-release }}})
	err := c.Call(context.Background(), protoPushStorm, ka(50), nil)
	if !errors.Is(err, ErrNotConnected) || !errors.Is(err, ErrPushOverflow) {
		t.Fatalf("err = %v", err)
	}
	close(release)
	testkit.Eventually(t, 10*time.Second, "reconnect", func() bool { return c.Stats().Reconnects == 1 })
	if err := echo(context.Background(), c, 4); err != nil {
		t.Fatal(err)
	}
}

func TestBadFrameFromServerDisconnects(t *testing.T) {
	// A server that sends garbage after InitConnect.
	addr := rawPeer(t, 10, func(nc net.Conn, r *frame.Reader) {
		if f, err := r.Next(); err == nil {
			pkt := frame.Append(nil, f.ProtoID, f.Serial, []byte{0x08, 0x00})
			pkt[20] ^= 1 // bad SHA-1
			nc.Write(pkt)
		}
	})
	bc := dial(t, Config{Addr: addr, MinBackoff: time.Hour, MaxBackoff: time.Hour,
		OnState: func(s State, err error) {
			if s == StateDisconnected && !errors.Is(err, frame.ErrChecksum) {
				t.Errorf("disconnect cause %v", err)
			}
		}})
	err := bc.Call(context.Background(), protoEcho, ka(1), nil)
	if !errors.Is(err, ErrNotConnected) || !errors.Is(err, frame.ErrChecksum) {
		t.Fatalf("err = %v", err)
	}
}

func TestKeepAliveMissesDropConnection(t *testing.T) {
	if testing.Short() {
		t.Skip("takes ~4s")
	}
	// A server that answers InitConnect (interval 1s) and then nothing.
	addr := rawPeer(t, 1, nil)
	cause := make(chan error, 1)
	dial(t, Config{Addr: addr, MinBackoff: time.Hour, MaxBackoff: time.Hour,
		OnState: func(s State, err error) {
			if s == StateDisconnected {
				cause <- err
			}
		}})
	select {
	case err := <-cause:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("cause %v", err)
		}
	case <-time.After(8 * time.Second):
		t.Fatal("dead server not detected")
	}
}

func TestKeepAliveKeepsIdleConnection(t *testing.T) {
	if testing.Short() {
		t.Skip("takes ~3.5s")
	}
	ts := newTestServer(t, server.Config{KeepAliveInterval: time.Second, IdleTimeout: 2500 * time.Millisecond})
	c := dial(t, Config{Addr: ts.addr})
	time.Sleep(3500 * time.Millisecond) // the point: idle past the server's timeout, kept by keepalives alone
	if c.Stats().Reconnects != 0 || ts.inits.Load() != 1 {
		t.Fatal("idle connection was dropped despite keepalives")
	}
	if err := echo(context.Background(), c, 1); err != nil {
		t.Fatal(err)
	}
}

// xorTransform exercises the BodyTransform seam; the test server cannot
// decrypt, so it runs against a raw peer that applies the same transform.
type xorTransform struct{}

func (xorTransform) Seal(_ uint32, p []byte) ([]byte, error) { return xor(p), nil }
func (xorTransform) Open(_ uint32, w []byte) ([]byte, error) { return xor(w), nil }

func xor(b []byte) []byte {
	out := make([]byte, len(b))
	for i, v := range b {
		out[i] = v ^ 0x5a
	}
	return out
}

func TestTransformSeam(t *testing.T) {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	defer l.Close()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		nc, err := l.Accept()
		if err != nil {
			return
		}
		defer nc.Close()
		r := frame.NewReader(nc, 0)
		r.SkipVerify = true
		for {
			f, err := r.Next()
			if err != nil {
				return
			}
			plain := xor(f.Body)
			if err := frame.Verify(frame.Header{BodyLen: uint32(len(plain)), SHA1: f.SHA1}, plain); err != nil {
				t.Error(err)
				return
			}
			var resp proto.Message
			if f.ProtoID == protoid.InitConnect {
				resp = initResp(7, 10)
			} else {
				var m keepalive.Request
				proto.Unmarshal(plain, &m)
				resp = kaResp(m.GetC2S().GetTime())
			}
			body, _ := proto.Marshal(resp)
			h := frame.Header{ProtoID: f.ProtoID, Serial: f.Serial}
			sealed := xor(body)
			h.BodyLen = uint32(len(sealed))
			h.SHA1 = sha1Sum(body)
			nc.Write(append(frame.AppendHeader(nil, h), sealed...))
		}
	}()
	c := dial(t, Config{Addr: l.Addr().String(), Transform: xorTransform{}})
	if info, _ := c.Info(); info.ConnID != 7 {
		t.Fatalf("info %+v", info)
	}
	if err := echo(context.Background(), c, 11); err != nil {
		t.Fatal(err)
	}
	c.Close()
	wg.Wait()
}

func TestSerialSkipsZero(t *testing.T) {
	c := &Conn{}
	c.serial.Store(^uint32(0) - 1)
	if a, b := c.nextSerial(), c.nextSerial(); a != ^uint32(0) || b != 1 {
		t.Fatalf("got %d, %d", a, b)
	}
}

func TestJitterBounds(t *testing.T) {
	seen := map[time.Duration]bool{}
	for range 1000 {
		b := time.Duration(rand.IntN(1000)+1) * time.Millisecond
		d := jitter(b)
		if d < b/2 || d > b {
			t.Fatalf("delay %v for backoff %v", d, b)
		}
		seen[d] = true
	}
	if len(seen) < 100 {
		t.Fatalf("only %d distinct delays", len(seen))
	}
}

func sha1Sum(b []byte) [20]byte { return sha1.Sum(b) }

// stateLog records the states a Conn reports through Config.OnState.
type stateLog struct {
	mu     sync.Mutex
	states []State
}

func (l *stateLog) record(s State, _ error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.states = append(l.states, s)
}

// want fails the test unless the states reported so far are exactly want, in order.
func (l *stateLog) want(t *testing.T, want ...State) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if !slices.Equal(l.states, want) {
		t.Fatalf("states %v, want %v", l.states, want)
	}
}
