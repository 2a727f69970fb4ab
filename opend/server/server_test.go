package server

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/futugw/gateway/platform/testkit"
	"github.com/futugw/gateway/platform/testkit/logtest"

	"github.com/futugw/gateway/api/gen/go/futu/opend/initconnect"
	"github.com/futugw/gateway/api/gen/go/futu/opend/keepalive"
	"github.com/futugw/gateway/opend/envelope"
	"github.com/futugw/gateway/opend/frame"
	"github.com/futugw/gateway/opend/protoid"
	"go.uber.org/goleak"
	"google.golang.org/protobuf/proto"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// start runs a server on a loopback port and closes it when the test ends.
func start(t *testing.T, cfg Config, setup func(*Server)) (*Server, string, *logtest.Buffer) {
	t.Helper()
	logs := &logtest.Buffer{}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	s := New(cfg)
	if setup != nil {
		setup(s)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(l) }()
	t.Cleanup(func() {
		s.Close()
		if err := <-done; !errors.Is(err, ErrServerClosed) {
			t.Errorf("Serve returned %v", err)
		}
	})
	return s, l.Addr().String(), logs
}

// rawClient speaks the protocol by hand, to test the server on its own.
type rawClient struct {
	t      *testing.T
	c      net.Conn
	r      *frame.Reader
	serial uint32
}

func dialRaw(t *testing.T, addr string) *rawClient {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &rawClient{t: t, c: c, r: frame.NewReader(c, 0)}
}

func (rc *rawClient) sendRaw(pkt []byte) {
	rc.t.Helper()
	if _, err := rc.c.Write(pkt); err != nil {
		rc.t.Fatal(err)
	}
}

func (rc *rawClient) send(protoID uint32, msg proto.Message) uint32 {
	rc.t.Helper()
	body, err := proto.Marshal(msg)
	if err != nil {
		rc.t.Fatal(err)
	}
	rc.serial++
	rc.sendRaw(frame.Append(nil, protoID, rc.serial, body))
	return rc.serial
}

func (rc *rawClient) recv() (frame.Frame, error) {
	rc.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	return rc.r.Next()
}

func (rc *rawClient) mustRecv() frame.Frame {
	rc.t.Helper()
	f, err := rc.recv()
	if err != nil {
		rc.t.Fatal(err)
	}
	return f
}

// call sends msg and decodes the response with the given serial into resp
// (when its status is success); it returns the status.
func (rc *rawClient) call(protoID uint32, msg, resp proto.Message) envelope.Status {
	rc.t.Helper()
	serial := rc.send(protoID, msg)
	f := rc.mustRecv()
	if f.ProtoID != protoID || f.Serial != serial {
		rc.t.Fatalf("response proto %d serial %d, want %d/%d", f.ProtoID, f.Serial, protoID, serial)
	}
	st, err := envelope.Parse(f.Body)
	if err != nil {
		rc.t.Fatal(err)
	}
	if st.OK() && resp != nil {
		if err := proto.Unmarshal(f.Body, resp); err != nil {
			rc.t.Fatal(err)
		}
	}
	return st
}

func initReq() *initconnect.Request {
	return &initconnect.Request{C2S: &initconnect.C2S{
		ClientVer:     proto.Int32(100),
		ClientID:      proto.String("test"),
		RecvNotify:    proto.Bool(true),
		PacketEncAlgo: proto.Int32(-1),
	}}
}

func (rc *rawClient) init() *initconnect.S2C {
	rc.t.Helper()
	var resp initconnect.Response
	if st := rc.call(protoid.InitConnect, initReq(), &resp); !st.OK() {
		rc.t.Fatalf("InitConnect: %+v", st)
	}
	return resp.GetS2C()
}

// expectClosed asserts that the server closes the connection.
func (rc *rawClient) expectClosed() {
	rc.t.Helper()
	for {
		_, err := rc.recv()
		if err == nil {
			continue
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			rc.t.Fatal("connection still open")
		}
		return
	}
}

func echoHandler(ctx context.Context, c *Conn, req Request) (proto.Message, error) {
	var m keepalive.Request
	if err := proto.Unmarshal(req.Body, &m); err != nil {
		return nil, err
	}
	return &keepalive.Response{RetType: proto.Int32(0), S2C: &keepalive.S2C{Time: proto.Int64(m.GetC2S().GetTime())}}, nil
}

func kaReq(v int64) *keepalive.Request {
	return &keepalive.Request{C2S: &keepalive.C2S{Time: proto.Int64(v)}}
}

const protoEcho = 9001

func TestInitConnectAndKeepAlive(t *testing.T) {
	var inits atomic.Int32
	_, addr, _ := start(t, Config{ServerVer: 811, LoginUserID: 4242, KeepAliveInterval: 7 * time.Second,
		OnInit: func(c *Conn) {
			if c.ClientInfo().GetClientID() != "test" {
				t.Errorf("ClientInfo = %v", c.ClientInfo())
			}
			inits.Add(1)
		}}, nil)
	a, b := dialRaw(t, addr), dialRaw(t, addr)
	sa, sb := a.init(), b.init()
	for _, s2c := range []*initconnect.S2C{sa, sb} {
		if s2c.ServerVer == nil || s2c.LoginUserID == nil || s2c.ConnID == nil || s2c.ConnAESKey == nil || s2c.KeepAliveInterval == nil {
			t.Fatalf("required field missing: %v", s2c)
		}
		if s2c.GetServerVer() != 811 || s2c.GetLoginUserID() != 4242 || s2c.GetKeepAliveInterval() != 7 {
			t.Errorf("S2C = %v", s2c)
		}
		if len(s2c.GetConnAESKey()) != 16 {
			t.Errorf("connAESKey %q", s2c.GetConnAESKey())
		}
	}
	if sa.GetConnID() == sb.GetConnID() || sa.GetConnAESKey() == sb.GetConnAESKey() {
		t.Errorf("connID/key not unique: %v / %v", sa, sb)
	}
	var ka keepalive.Response
	if st := a.call(protoid.KeepAlive, kaReq(1700000000), &ka); !st.OK() || ka.GetS2C().GetTime() != 1700000000 {
		t.Fatalf("KeepAlive: %+v %v", st, &ka)
	}
	if st := a.call(protoid.InitConnect, initReq(), nil); st.OK() || !strings.Contains(st.RetMsg, "already") {
		t.Fatalf("second InitConnect: %+v", st)
	}
	// OnInit runs once the response is queued, so b's may still be running.
	testkit.Eventually(t, 5*time.Second, "b's OnInit", func() bool { return inits.Load() >= 2 })
	if inits.Load() != 2 {
		t.Fatalf("OnInit ran %d times", inits.Load())
	}
}

func TestRequestErrors(t *testing.T) {
	_, addr, _ := start(t, Config{}, func(s *Server) {
		s.Handle(protoEcho, echoHandler)
		s.Handle(9101, func(ctx context.Context, c *Conn, req Request) (proto.Message, error) {
			return nil, &envelope.Error{RetType: envelope.RetInvalid, ErrCode: 17, RetMsg: "typed"}
		})
		s.Handle(9102, func(ctx context.Context, c *Conn, req Request) (proto.Message, error) {
			return nil, fmt.Errorf("plain failure")
		})
		s.Handle(9103, func(ctx context.Context, c *Conn, req Request) (proto.Message, error) {
			panic("boom")
		})
		s.Handle(9104, func(ctx context.Context, c *Conn, req Request) (proto.Message, error) {
			return &keepalive.Response{}, nil // retType (required) missing
		})
		s.Handle(9105, func(ctx context.Context, c *Conn, req Request) (proto.Message, error) {
			return nil, nil
		})
		s.Handle(9106, func(ctx context.Context, c *Conn, req Request) (proto.Message, error) {
			return nil, envelope.Errorf("") // an error must not read as success even with RetType 0
		})
	})
	rc := dialRaw(t, addr)

	// Before InitConnect everything but InitConnect is refused, KeepAlive too.
	for _, id := range []uint32{protoid.KeepAlive, protoEcho, 12345} {
		st := rc.call(id, kaReq(1), nil)
		if st.RetType != envelope.RetFailed || !strings.Contains(st.RetMsg, "before InitConnect") {
			t.Fatalf("proto %d before init: %+v", id, st)
		}
	}
	rc.init()

	var ka keepalive.Response
	if st := rc.call(protoEcho, kaReq(5), &ka); !st.OK() || ka.GetS2C().GetTime() != 5 {
		t.Fatalf("echo: %+v", st)
	}
	tests := []struct {
		proto uint32
		want  envelope.Status
	}{
		{12345, envelope.Status{RetType: -1, RetMsg: "unsupported proto id 12345"}},
		{9101, envelope.Status{RetType: envelope.RetInvalid, ErrCode: 17, RetMsg: "typed"}},
		{9102, envelope.Status{RetType: -1, RetMsg: "plain failure"}},
		{9103, envelope.Status{RetType: envelope.RetUnknown, RetMsg: "internal error: handler for proto id 9103 panicked"}},
		{9105, envelope.Status{RetType: envelope.RetUnknown, RetMsg: "internal error: handler for proto id 9105 returned no response"}},
		{9106, envelope.Status{RetType: -1}},
	}
	for _, tc := range tests {
		if st := rc.call(tc.proto, kaReq(1), nil); st != tc.want {
			t.Errorf("proto %d: got %+v, want %+v", tc.proto, st, tc.want)
		}
	}
	if st := rc.call(9104, kaReq(1), nil); st.RetType != envelope.RetUnknown || !strings.Contains(st.RetMsg, "required field") {
		t.Errorf("missing required field: %+v", st)
	}
	// Bad request bodies for the built-ins.
	serial := rc.send(protoid.KeepAlive, &keepalive.Response{RetType: proto.Int32(0)}) // not a Request
	if f := rc.mustRecv(); f.Serial != serial {
		t.Fatalf("serial %d", f.Serial)
	} else if st, _ := envelope.Parse(f.Body); st.RetType != envelope.RetInvalid {
		t.Fatalf("bad KeepAlive body: %+v", st)
	}
	// JSON bodies are refused with a response, not a dropped connection.
	rc.serial++
	rc.sendRaw(frame.AppendFrame(nil, frame.Frame{Header: frame.Header{ProtoID: protoEcho, Fmt: frame.FmtJSON, Serial: rc.serial}, Body: []byte("{}")}))
	if st, _ := envelope.Parse(rc.mustRecv().Body); st.RetType != envelope.RetInvalid || !strings.Contains(st.RetMsg, "body format 1") {
		t.Fatalf("json: %+v", st)
	}
	// The connection survived all of it.
	if st := rc.call(protoEcho, kaReq(6), &ka); !st.OK() || ka.GetS2C().GetTime() != 6 {
		t.Fatalf("echo after errors: %+v", st)
	}
}

func TestHandlePanicsOnBuiltins(t *testing.T) {
	s := New(Config{})
	for _, id := range []uint32{protoid.InitConnect, protoid.KeepAlive} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Handle(%d) did not panic", id)
				}
			}()
			s.Handle(id, echoHandler)
		}()
	}
}

func TestBadFramesCloseConnection(t *testing.T) {
	valid := frame.Append(nil, protoid.KeepAlive, 1, []byte{0x0a, 0x02, 0x08, 0x01})
	huge := bytes.Clone(valid)
	binary.LittleEndian.PutUint32(huge[12:], 1<<30)
	badFlag := bytes.Clone(valid)
	badFlag[0] = 'G'
	badSHA := bytes.Clone(valid)
	badSHA[20] ^= 1
	tests := []struct {
		name string
		pkt  []byte
		want string
	}{
		{"bad flag", badFlag, "bad flag"},
		{"bad sha", badSHA, "SHA-1 mismatch"},
		{"too large", huge, "body too large"},
		{"http", []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n" + strings.Repeat("x", 30)), "bad flag"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, addr, logs := start(t, Config{MaxBody: 1 << 20}, nil)
			rc := dialRaw(t, addr)
			rc.init()
			rc.sendRaw(tc.pkt)
			rc.expectClosed()
			testkit.Eventually(t, 5*time.Second, "log line", func() bool {
				l := logs.String()
				return strings.Contains(l, "bad frame, connection closed") && strings.Contains(l, tc.want)
			})
			testkit.Eventually(t, 5*time.Second, "conn removed", func() bool { return len(s.Conns()) == 0 })
		})
	}
}

func TestTruncatedFrameThenEOF(t *testing.T) {
	_, addr, logs := start(t, Config{}, nil)
	rc := dialRaw(t, addr)
	rc.sendRaw(frame.Append(nil, protoid.KeepAlive, 1, []byte("abcdef"))[:47])
	rc.c.(*net.TCPConn).CloseWrite()
	rc.expectClosed()
	testkit.Eventually(t, 5*time.Second, "log line", func() bool { return strings.Contains(logs.String(), "truncated") })
}

func TestMaxConns(t *testing.T) {
	s, addr, logs := start(t, Config{MaxConns: 2}, nil)
	a, b := dialRaw(t, addr), dialRaw(t, addr)
	a.init()
	b.init()
	c := dialRaw(t, addr)
	c.expectClosed()
	testkit.Eventually(t, 5*time.Second, "refusal log", func() bool { return strings.Contains(logs.String(), "too many connections") })
	if n := len(s.Conns()); n != 2 {
		t.Fatalf("%d conns", n)
	}
	a.c.Close()
	testkit.Eventually(t, 5*time.Second, "slot freed", func() bool { return len(s.Conns()) == 1 })
	d := dialRaw(t, addr)
	d.init()
}

func TestIdleConnectionDropped(t *testing.T) {
	var closed atomic.Int32
	_, addr, logs := start(t, Config{IdleTimeout: 300 * time.Millisecond, OnClose: func(*Conn) { closed.Add(1) }}, nil)
	busy, idle := dialRaw(t, addr), dialRaw(t, addr)
	busy.init()
	idle.init()
	start := time.Now()
	for time.Since(start) < 900*time.Millisecond {
		busy.call(protoid.KeepAlive, kaReq(1), nil)
		time.Sleep(50 * time.Millisecond) // the point: busy stays well inside the idle timeout for 3 of them
	}
	idle.expectClosed()
	if st := busy.call(protoid.KeepAlive, kaReq(2), nil); !st.OK() {
		t.Fatalf("busy conn: %+v", st)
	}
	testkit.Eventually(t, 5*time.Second, "idle log", func() bool { return strings.Contains(logs.String(), "idle timeout") })
	if closed.Load() != 1 {
		t.Fatalf("OnClose ran %d times", closed.Load())
	}
}

func TestSlowConsumerClosed(t *testing.T) {
	var srvConn atomic.Pointer[Conn]
	_, addr, logs := start(t, Config{SendQueue: 8, OnInit: func(c *Conn) { srvConn.Store(c) }}, nil)
	rc := dialRaw(t, addr)
	rc.init()
	testkit.Eventually(t, 5*time.Second, "OnInit", func() bool { return srvConn.Load() != nil })
	c := srvConn.Load()
	big := &keepalive.Response{RetType: proto.Int32(0), RetMsg: proto.String(strings.Repeat("x", 64<<10))}
	pkt, err := EncodePush(protoid.QotUpdateBasicQot, big)
	if err != nil {
		t.Fatal(err)
	}
	// The client never reads: socket buffers fill, then the queue, then
	// the server gives up on the connection. Bounded: 64 MiB at most.
	var perr error
	for i := 0; i < 1024 && perr == nil; i++ {
		perr = c.PushFrame(pkt)
		if i%16 == 0 {
			time.Sleep(time.Millisecond) // the point: let the writer block on the socket
		}
	}
	if !errors.Is(perr, ErrSlowConsumer) && !errors.Is(perr, ErrConnClosed) {
		t.Fatalf("push error = %v", perr)
	}
	if err := c.PushFrame(pkt); !errors.Is(err, ErrConnClosed) {
		t.Fatalf("push after close = %v", err)
	}
	<-c.Context().Done()
	testkit.Eventually(t, 5*time.Second, "log line", func() bool { return strings.Contains(logs.String(), "closing slow connection") })
}

func TestPushes(t *testing.T) {
	var srvConn atomic.Pointer[Conn]
	_, addr, _ := start(t, Config{OnInit: func(c *Conn) {
		srvConn.Store(c)
		c.Push(protoid.Notify, &keepalive.Response{RetType: proto.Int32(0), RetMsg: proto.String("welcome")})
	}}, nil)
	rc := dialRaw(t, addr)
	rc.init()
	f := rc.mustRecv()
	if f.ProtoID != protoid.Notify || f.Serial != 0 {
		t.Fatalf("push %+v", f.Header)
	}
	c := srvConn.Load()
	if c.ID() == 0 || c.RemoteAddr() == nil {
		t.Fatal("conn identity")
	}
	pkt, _ := EncodePush(protoid.QotUpdateBasicQot, &keepalive.Response{RetType: proto.Int32(0)})
	if err := c.PushFrame(pkt); err != nil {
		t.Fatal(err)
	}
	if err := c.PushBody(protoid.QotUpdateTicker, envelope.Encode(nil, envelope.Status{})); err != nil {
		t.Fatal(err)
	}
	if err := c.Push(protoid.QotUpdateOrderBook, &keepalive.Response{}); err == nil {
		t.Fatal("push of a message missing a required field succeeded")
	}
	for _, want := range []uint32{protoid.QotUpdateBasicQot, protoid.QotUpdateTicker} {
		if f := rc.mustRecv(); f.ProtoID != want {
			t.Fatalf("got proto %d, want %d", f.ProtoID, want)
		}
	}
	c.Close()
	rc.expectClosed()
}

func TestConcurrentHandlersOutOfOrder(t *testing.T) {
	_, addr, _ := start(t, Config{Concurrency: 8}, func(s *Server) {
		s.Handle(protoEcho, func(ctx context.Context, c *Conn, req Request) (proto.Message, error) {
			time.Sleep(time.Duration(rand.IntN(20)) * time.Millisecond) // the point: answers finish out of order
			return echoHandler(ctx, c, req)
		})
	})
	rc := dialRaw(t, addr)
	rc.init()
	for i := range 32 {
		rc.send(protoEcho, kaReq(int64(i)))
	}
	seen := map[uint32]bool{}
	inOrder := true
	prev := uint32(0)
	for range 32 {
		f := rc.mustRecv()
		var m keepalive.Response
		if err := proto.Unmarshal(f.Body, &m); err != nil {
			t.Fatal(err)
		}
		if uint32(m.GetS2C().GetTime())+2 != f.Serial { // serial 1 was InitConnect
			t.Fatalf("serial %d carries %d", f.Serial, m.GetS2C().GetTime())
		}
		if f.Serial < prev {
			inOrder = false
		}
		prev = f.Serial
		seen[f.Serial] = true
	}
	if len(seen) != 32 {
		t.Fatalf("%d distinct responses", len(seen))
	}
	if inOrder {
		t.Log("responses happened to arrive in order")
	}
}

func TestGracefulShutdown(t *testing.T) {
	entered := make(chan struct{})
	release := make(chan struct{})
	s := New(Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	s.Handle(protoEcho, func(ctx context.Context, c *Conn, req Request) (proto.Message, error) {
		close(entered)
		<-release
		return echoHandler(ctx, c, req)
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- s.Serve(l) }()
	rc := dialRaw(t, l.Addr().String())
	rc.init()
	serial := rc.send(protoEcho, kaReq(77))
	<-entered

	shut := make(chan error, 1)
	go func() { shut <- s.Shutdown(context.Background()) }()
	if err := <-served; !errors.Is(err, ErrServerClosed) {
		t.Fatalf("Serve = %v", err)
	}
	if _, err := net.DialTimeout("tcp", l.Addr().String(), time.Second); err == nil {
		t.Fatal("still accepting")
	}
	close(release)
	if err := <-shut; err != nil {
		t.Fatalf("Shutdown = %v", err)
	}
	// The in-flight request was answered before the connection closed.
	f := rc.mustRecv()
	if f.Serial != serial {
		t.Fatalf("serial %d", f.Serial)
	}
	rc.expectClosed()
	if err := s.Serve(l); !errors.Is(err, ErrServerClosed) {
		t.Fatalf("Serve after Shutdown = %v", err)
	}
}

func TestShutdownDeadlineForcesClose(t *testing.T) {
	s := New(Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	entered := make(chan struct{})
	s.Handle(protoEcho, func(ctx context.Context, c *Conn, req Request) (proto.Message, error) {
		close(entered)
		<-ctx.Done() // a handler that only stops when told
		return nil, ctx.Err()
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- s.Serve(l) }()
	rc := dialRaw(t, l.Addr().String())
	rc.init()
	rc.send(protoEcho, kaReq(1))
	<-entered
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := s.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown = %v", err)
	}
	<-served
	rc.expectClosed()
}

func TestHookPanicsAreContained(t *testing.T) {
	_, addr, logs := start(t, Config{
		OnInit:  func(*Conn) { panic("init hook bug") },
		OnClose: func(*Conn) { panic("close hook bug") },
	}, nil)
	rc := dialRaw(t, addr)
	rc.init()
	if st := rc.call(protoid.KeepAlive, kaReq(3), nil); !st.OK() {
		t.Fatalf("KeepAlive after OnInit panic: %+v", st)
	}
	rc.c.Close()
	testkit.Eventually(t, 5*time.Second, "both hook panics logged", func() bool {
		l := logs.String()
		return strings.Contains(l, "init hook bug") && strings.Contains(l, "close hook bug")
	})
	// The server still accepts connections.
	dialRaw(t, addr).init()
}
