// Package client is the client side of Futu OpenD's TCP protocol.
//
// A Conn is one logical connection to OpenD. Dial connects, sends
// InitConnect and then a KeepAlive every interval the server asked for.
// Requests carry serial numbers from an atomic counter and are matched to
// their responses through a map of pending calls, so any number of calls
// may be in flight at once; each honours its context's deadline and
// cancellation. A Response whose retType is not 0 comes back as an
// *envelope.Error.
//
// # Disconnects
//
// When the connection drops (read or write error, bad frame from the
// server, three keepalives in a row failing), every pending call fails at
// once with an error wrapping ErrNotConnected, and calls made while
// disconnected fail the same way without waiting: nothing is queued across
// a reconnect, because only the caller knows whether a retry is safe (an
// order must be retried with the same PacketID). In the background the Conn
// reconnects with exponential backoff and jitter between MinBackoff and
// MaxBackoff, redoes InitConnect, runs Config.OnConnect (subscriptions
// belong to a connection, so owners resubscribe there) and reports each
// change through Config.OnState.
//
// # Pushes
//
// A frame whose serial matches no pending call of the same proto id, and
// whose proto id has a push handler, is a push. Pushes go through a bounded
// queue (Config.PushQueue) to a single dispatcher goroutine that runs the
// handlers one at a time in arrival order, so a slow handler delays later
// pushes but never the matching of responses. When the queue is full the
// reader waits up to Config.PushStall for room, which absorbs bursts without
// loss; if it is still full, Config.PushOverflow decides:
// OverflowReconnect (the default) drops the connection, so calls fail fast,
// the Conn reconnects and OnConnect resubscribes, and the owner resyncs
// instead of silently missing, say, an order update; OverflowDrop discards
// the push and counts it in Stats().PushDropped, for streams that are
// conflated downstream anyway. Frames with neither a pending call nor a
// handler (a response to a call that already gave up) are dropped.
package client

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/futugw/gateway/opend/frame"
	"github.com/futugw/gateway/platform/config"
	"github.com/futugw/gateway/platform/obs"
	"google.golang.org/protobuf/proto"
)

var (
	// ErrNotConnected: there is no live connection to OpenD right now. Calls
	// that were pending when the connection dropped fail with an error that
	// wraps it (and the cause).
	ErrNotConnected = errors.New("opend client: not connected")
	// ErrClosed: Close was called.
	ErrClosed = errors.New("opend client: closed")
	// ErrPushOverflow is the cause given when a full push queue drops the
	// connection (OverflowReconnect).
	ErrPushOverflow = errors.New("opend client: push queue full")
)

// State is the connection state reported to Config.OnState.
type State int32

// Connection states.
const (
	StateConnected State = iota + 1
	StateDisconnected
	StateClosed
)

var stateNames = [...]string{StateConnected: "connected", StateDisconnected: "disconnected", StateClosed: "closed"}

func (s State) String() string {
	if s > 0 && int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("State(%d)", int32(s))
}

// PushHandler handles one push. body is the whole Response message of
// protoID (retType included); the handler owns it.
type PushHandler func(protoID uint32, body []byte)

// Overflow is what happens to a push that finds the push queue full.
type Overflow int

// Overflow policies; see the package comment.
const (
	OverflowReconnect Overflow = iota
	OverflowDrop
)

// Config configures a Conn. Only Addr is required.
type Config struct {
	Addr string // host:port of OpenD, e.g. 127.0.0.1:11111

	// InitConnect fields.
	ClientID            string // default "futugw"
	ClientVer           int32  // default 100
	RecvNotify          bool   // receive Notify (1003) system pushes
	ProgrammingLanguage string // default "Go"

	// DialTimeout bounds TCP connect plus InitConnect. Default 5s.
	DialTimeout time.Duration
	// CallTimeout applies to calls whose context has no deadline. Default
	// 30s; negative means none.
	CallTimeout time.Duration
	// WriteTimeout bounds one socket write; a server that stops reading is
	// treated as gone. Default 10s.
	WriteTimeout time.Duration
	// MinBackoff and MaxBackoff bound the reconnect delay, which doubles
	// after each failed attempt, with jitter. Defaults 100ms and 30s.
	MinBackoff, MaxBackoff time.Duration
	// MaxBody caps a received body (frame.DefaultMaxBody when 0).
	MaxBody int
	// SendQueue is how many encoded requests may wait for the writer.
	// Default 1024; a call blocks (honouring its context) when it is full.
	SendQueue int

	// Push maps proto ids to push handlers; Conn.Handle changes it later.
	Push map[uint32]PushHandler
	// PushQueue is the push queue length. Default 8192.
	PushQueue int
	// PushStall is how long the reader waits for room in a full push queue
	// before applying PushOverflow. Default 1s.
	PushStall time.Duration
	// PushOverflow is the full-queue policy; default OverflowReconnect.
	PushOverflow Overflow

	// OnConnect runs after every successful InitConnect, the first one
	// (inside Dial) included, before OnState(StateConnected); resubscribe
	// here. It may make calls on c. A non-nil error drops that connection
	// and the Conn tries again after a backoff (Dial returns the error). It
	// runs on the Conn's own goroutine: it must not call Close, and it must
	// return once ctx (cancelled by Close) ends.
	OnConnect func(ctx context.Context, c *Conn) error
	// OnState is told of every state change, with the cause of a
	// disconnect. It runs on the Conn's goroutine: keep it short and do not
	// call Close from it.
	OnState func(s State, err error)

	// Transform converts bodies to and from the wire form; nil means
	// plaintext.
	Transform BodyTransform
	// Logger receives connection events; nil discards them.
	Logger *slog.Logger
}

func (c *Config) setDefaults() {
	c.ClientID = cmp.Or(c.ClientID, "futugw")
	c.ClientVer = cmp.Or(c.ClientVer, 100)
	c.ProgrammingLanguage = cmp.Or(c.ProgrammingLanguage, "Go")
	c.DialTimeout = config.OrDefault(c.DialTimeout, 5*time.Second)
	c.CallTimeout = cmp.Or(c.CallTimeout, 30*time.Second)
	c.WriteTimeout = config.OrDefault(c.WriteTimeout, 10*time.Second)
	c.MinBackoff = config.OrDefault(c.MinBackoff, 100*time.Millisecond)
	c.MaxBackoff = config.OrDefault(c.MaxBackoff, 30*time.Second)
	c.MaxBackoff = max(c.MaxBackoff, c.MinBackoff)
	c.MaxBody = config.OrDefault(c.MaxBody, frame.DefaultMaxBody)
	c.SendQueue = config.OrDefault(c.SendQueue, 1024)
	c.PushQueue = config.OrDefault(c.PushQueue, 8192)
	c.PushStall = config.OrDefault(c.PushStall, time.Second)
	c.Logger = obs.OrDiscard(c.Logger)
}

// InitInfo is what InitConnect returned for the current connection.
type InitInfo struct {
	ServerVer         int32
	LoginUserID       uint64
	ConnID            uint64
	ConnAESKey        string
	KeepAliveInterval time.Duration
}

// Stats is a snapshot of a Conn's counters.
type Stats struct {
	Pending     int    // calls waiting for a response on the current connection
	PushQueued  int    // pushes waiting for the dispatcher
	PushDropped uint64 // pushes discarded by OverflowDrop
	Reconnects  uint64 // successful reconnects since Dial
}

// Conn is a client connection to OpenD that survives reconnects. Its
// methods are safe for concurrent use.
type Conn struct {
	cfg Config
	log *slog.Logger

	serial atomic.Uint32
	sess   atomic.Pointer[session] // nil while disconnected
	state  atomic.Int32

	pushMu sync.Mutex // serialises writers of push
	push   atomic.Pointer[map[uint32]PushHandler]
	pushQ  chan pushMsg

	ctx    context.Context // cancelled by Close
	cancel context.CancelFunc
	wg     sync.WaitGroup // supervisor and dispatcher

	mu     sync.Mutex // guards closed and installing sessions
	closed bool

	pushDropped atomic.Uint64
	reconnects  atomic.Uint64
}

type pushMsg struct {
	protoID uint32
	body    []byte
}

// Dial connects to cfg.Addr, does InitConnect and runs cfg.OnConnect. ctx
// bounds this first connection only; later reconnects run in the
// background until Close.
func Dial(ctx context.Context, cfg Config) (*Conn, error) {
	if cfg.Addr == "" {
		return nil, errors.New("opend client: Config.Addr is empty")
	}
	cfg.setDefaults()
	c := &Conn{cfg: cfg, log: cfg.Logger, pushQ: make(chan pushMsg, cfg.PushQueue)}
	handlers := make(map[uint32]PushHandler, len(cfg.Push))
	for id, h := range cfg.Push {
		if h != nil {
			handlers[id] = h
		}
	}
	c.push.Store(&handlers)
	c.ctx, c.cancel = context.WithCancel(context.Background())

	s, err := c.connect(ctx)
	if err != nil {
		c.cancel()
		return nil, err
	}
	c.wg.Add(1)
	go c.dispatch()
	c.install(s)
	if err := c.runOnConnect(); err != nil {
		c.Close()
		return nil, fmt.Errorf("opend client: OnConnect: %w", err)
	}
	c.setState(StateConnected, nil)
	c.wg.Add(1)
	go c.supervise(s)
	return c, nil
}

// Call sends req (a complete Request message) as protoID and decodes the
// response into resp (a complete Response message; nil to discard it). A
// response with retType != 0 gives an *envelope.Error and leaves resp
// alone. Errors from a dropped connection wrap ErrNotConnected; a context
// that ends first gives an error wrapping ctx.Err().
func (c *Conn) Call(ctx context.Context, protoID uint32, req, resp proto.Message) error {
	s, err := c.current()
	if err != nil {
		return err
	}
	return s.call(ctx, protoID, req, resp)
}

// Do is Call with an encoded request body. It returns the raw response body;
// when retType != 0 it returns the body together with an *envelope.Error.
func (c *Conn) Do(ctx context.Context, protoID uint32, body []byte) ([]byte, error) {
	s, err := c.current()
	if err != nil {
		return nil, err
	}
	pkt := getPacket()
	pkt.b = append(pkt.b[:frame.HeaderLen], body...)
	return s.roundTrip(ctx, protoID, pkt)
}

// Handle sets the push handler for protoID; nil removes it.
func (c *Conn) Handle(protoID uint32, h PushHandler) {
	c.pushMu.Lock()
	defer c.pushMu.Unlock()
	m := maps.Clone(*c.push.Load()) // never nil: Dial stores a made map
	if h == nil {
		delete(m, protoID)
	} else {
		m[protoID] = h
	}
	c.push.Store(&m)
}

func (c *Conn) handler(protoID uint32) PushHandler { return (*c.push.Load())[protoID] }

// NextPacketID returns the current connection's connID (0 while
// disconnected) and a fresh serial number, for the PacketID of order
// requests. OpenD refuses a second request with the same PacketID, so a
// retried order must reuse the pair it was first sent with.
func (c *Conn) NextPacketID() (connID uint64, serial uint32) {
	if s := c.sess.Load(); s != nil {
		connID = s.info.ConnID
	}
	return connID, c.nextSerial()
}

// Info returns what InitConnect gave the current connection; ok is false
// while disconnected.
func (c *Conn) Info() (info InitInfo, ok bool) {
	if s := c.sess.Load(); s != nil {
		return s.info, true
	}
	return InitInfo{}, false
}

// State returns the current connection state.
func (c *Conn) State() State { return State(c.state.Load()) }

// Stats returns a snapshot of the Conn's counters.
func (c *Conn) Stats() Stats {
	st := Stats{
		PushQueued:  len(c.pushQ),
		PushDropped: c.pushDropped.Load(),
		Reconnects:  c.reconnects.Load(),
	}
	if s := c.sess.Load(); s != nil {
		st.Pending = s.pendingLen()
	}
	return st
}

// Close fails pending calls with ErrClosed, closes the connection, stops
// reconnecting and push dispatch (queued pushes are discarded), and waits
// for the Conn's goroutines. It must not be called from OnConnect, OnState
// or a push handler.
func (c *Conn) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	s := c.sess.Swap(nil)
	c.mu.Unlock()
	c.cancel()
	if s != nil {
		s.fail(ErrClosed)
	}
	c.wg.Wait()
	if s != nil {
		s.wait()
	}
	c.setState(StateClosed, nil)
	return nil
}

func (c *Conn) current() (*session, error) {
	if s := c.sess.Load(); s != nil {
		return s, nil
	}
	c.mu.Lock()
	closed := c.closed
	c.mu.Unlock()
	if closed {
		return nil, ErrClosed
	}
	return nil, ErrNotConnected
}

func (c *Conn) nextSerial() uint32 {
	for {
		if v := c.serial.Add(1); v != 0 { // 0 is what pushes usually carry
			return v
		}
	}
}

func (c *Conn) setState(s State, err error) {
	c.state.Store(int32(s))
	if c.cfg.OnState != nil {
		c.cfg.OnState(s, err)
	}
}

func (c *Conn) runOnConnect() error {
	if c.cfg.OnConnect == nil {
		return nil
	}
	return c.cfg.OnConnect(c.ctx, c)
}

// install makes s the current session unless the Conn was closed.
func (c *Conn) install(s *session) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return false
	}
	c.sess.Store(s)
	return true
}

func (c *Conn) uninstall(s *session) {
	c.sess.CompareAndSwap(s, nil)
}

// supervise watches the current session and replaces it when it dies.
func (c *Conn) supervise(s *session) {
	defer c.wg.Done()
	for {
		select {
		case <-s.done:
		case <-c.ctx.Done():
			s.fail(ErrClosed)
			s.wait()
			return
		}
		s.wait()
		c.uninstall(s)
		if c.ctx.Err() != nil {
			return
		}
		c.log.Warn("opend client: connection lost", "addr", c.cfg.Addr, "conn_id", s.info.ConnID, obs.Err(s.err))
		c.setState(StateDisconnected, s.err)
		if s = c.reconnect(); s == nil {
			return
		}
	}
}

// reconnect dials until it succeeds (returning the installed session) or
// the Conn is closed (returning nil).
func (c *Conn) reconnect() *session {
	backoff := c.cfg.MinBackoff
	for attempt := 1; ; attempt++ {
		t := time.NewTimer(jitter(backoff))
		select {
		case <-t.C:
		case <-c.ctx.Done():
			t.Stop()
			return nil
		}
		s, err := c.connect(c.ctx)
		if err == nil {
			if !c.install(s) {
				s.fail(ErrClosed)
				s.wait()
				return nil
			}
			if err = c.runOnConnect(); err == nil {
				c.reconnects.Add(1)
				c.log.Info("opend client: reconnected", "addr", c.cfg.Addr, "conn_id", s.info.ConnID, "attempt", attempt)
				c.setState(StateConnected, nil)
				return s
			}
			err = fmt.Errorf("OnConnect: %w", err)
			s.fail(err)
			s.wait()
			c.uninstall(s)
		}
		if c.ctx.Err() != nil {
			return nil
		}
		backoff = min(2*backoff, c.cfg.MaxBackoff)
		c.log.Warn("opend client: reconnect failed", "addr", c.cfg.Addr, "attempt", attempt, obs.Err(err), "next_in_max", backoff)
	}
}

// jitter spreads reconnects of many clients: a delay in [d/2, d].
func jitter(d time.Duration) time.Duration {
	return d/2 + rand.N(d/2+1)
}

// dispatch runs push handlers one at a time, in arrival order.
func (c *Conn) dispatch() {
	defer c.wg.Done()
	for {
		select {
		case m := <-c.pushQ:
			c.runPush(m)
		case <-c.ctx.Done():
			return
		}
	}
}

func (c *Conn) runPush(m pushMsg) {
	h := c.handler(m.protoID)
	if h == nil {
		return
	}
	defer func() {
		if r := recover(); r != nil {
			c.log.Error("opend client: push handler panicked", "proto_id", m.protoID, "panic", fmt.Sprint(r))
		}
	}()
	h(m.protoID, m.body)
}

// enqueuePush applies the queue policy; false means drop the connection.
func (c *Conn) enqueuePush(s *session, m pushMsg) bool {
	select {
	case c.pushQ <- m:
		return true
	default:
	}
	t := time.NewTimer(c.cfg.PushStall)
	defer t.Stop()
	select {
	case c.pushQ <- m:
		return true
	case <-s.done:
		return true
	case <-c.ctx.Done():
		return true
	case <-t.C:
	}
	if c.cfg.PushOverflow == OverflowDrop {
		if n := c.pushDropped.Add(1); n&(n-1) == 0 { // log at 1, 2, 4, 8, ... drops
			c.log.Warn("opend client: push queue full, dropping pushes", "proto_id", m.protoID, "dropped_total", n)
		}
		return true
	}
	c.log.Error("opend client: push queue full, dropping the connection", "proto_id", m.protoID, "queue", cap(c.pushQ))
	return false
}
