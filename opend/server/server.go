// Package server is the server side of Futu OpenD's TCP protocol, used by
// the simulator: an accept loop, one reader and one writer goroutine per
// connection, a registry of handlers by proto id, and the built-in
// InitConnect and KeepAlive.
//
// Every request gets exactly one response frame with the request's serial:
// the handler's message, or a Response envelope with retType -1 and a
// readable retMsg when the handler fails or panics, the proto id is unknown,
// or the connection has not done InitConnect yet. Malformed frames (bad
// flag, SHA-1 mismatch, oversized body) close the connection, as OpenD does.
//
// Responses and pushes share one bounded outbound queue per connection; a
// connection whose queue is full (a client that does not read) is closed
// rather than buffered without limit.
package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/futugw/gateway/opend/frame"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/platform/obs"
	"google.golang.org/protobuf/proto"
)

// ErrServerClosed is returned by Serve after Shutdown or Close.
var ErrServerClosed = errors.New("opend server: closed")

// Config tunes a Server. The zero value works.
type Config struct {
	// ServerVer and LoginUserID are returned by InitConnect.
	ServerVer   int32  // default 1000
	LoginUserID uint64 // default 0
	// KeepAliveInterval is returned by InitConnect (in whole seconds,
	// at least 1). Default 10s.
	KeepAliveInterval time.Duration
	// IdleTimeout closes a connection that sends nothing for this long.
	// Default 3 * KeepAliveInterval.
	IdleTimeout time.Duration
	// MaxConns caps concurrent connections; further ones are closed on
	// accept. Default 128, like OpenD.
	MaxConns int
	// MaxBody caps a request body (frame.DefaultMaxBody when 0).
	MaxBody int
	// SendQueue is the per-connection outbound queue length in frames.
	// Default 4096. A full queue closes the connection.
	SendQueue int
	// Concurrency is how many requests of one connection run at once.
	// Default 1: requests are handled one by one, in order, on the
	// connection's reader goroutine. Above 1 each request runs in its own
	// goroutine and responses may go out of order (the client matches them
	// by serial).
	Concurrency int
	// WriteTimeout bounds one socket write. Default 10s.
	WriteTimeout time.Duration
	// Logger receives connection events; nil discards them.
	Logger *slog.Logger
	// OnInit runs after a successful InitConnect, once its response is
	// queued, so pushes that OnInit queues reach the client after it.
	OnInit func(c *Conn)
	// Admit runs before the handler of every request that has one; a non-nil
	// error is the response instead (as a handler's error is), so one place
	// can refuse requests across proto ids: the simulator's frequency limits.
	Admit func(c *Conn, req Request) error
	// OnClose runs once after a connection is closed and all its handlers
	// have returned; use it to drop per-connection state (subscriptions).
	OnClose func(c *Conn)
}

func (c *Config) setDefaults() {
	if c.ServerVer == 0 {
		c.ServerVer = 1000
	}
	if c.KeepAliveInterval <= 0 {
		c.KeepAliveInterval = 10 * time.Second
	}
	if c.KeepAliveInterval < time.Second {
		c.KeepAliveInterval = time.Second
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = 3 * c.KeepAliveInterval
	}
	if c.MaxConns <= 0 {
		c.MaxConns = 128
	}
	if c.MaxBody <= 0 {
		c.MaxBody = frame.DefaultMaxBody
	}
	if c.SendQueue <= 0 {
		c.SendQueue = 4096
	}
	if c.Concurrency <= 0 {
		c.Concurrency = 1
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = 10 * time.Second
	}
	c.Logger = obs.OrDiscard(c.Logger)
}

// Request is one request frame as a handler sees it.
type Request struct {
	ProtoID uint32
	Serial  uint32
	// Body is the whole Request message ({c2s = 1}); unmarshal it into the
	// proto id's Request type. The handler owns it.
	Body []byte
}

// Handler serves one proto id. It returns the complete Response message
// (retType set; every required field set, or the marshal fails and the
// client gets an error response instead). A returned error becomes a
// Response with retType -1 and retMsg err.Error(); return an
// *envelope.Error to choose retType, errCode and retMsg. ctx is cancelled
// when the connection closes; handlers must honour it.
type Handler func(ctx context.Context, c *Conn, req Request) (proto.Message, error)

// Server serves the OpenD protocol. Create it with New.
type Server struct {
	cfg Config
	log *slog.Logger

	hmu      sync.RWMutex
	handlers map[uint32]Handler

	connSeq atomic.Uint64

	mu        sync.Mutex
	listeners map[net.Listener]struct{}
	conns     map[*Conn]struct{}
	closing   bool
	wg        sync.WaitGroup // one per connection
	serveWG   sync.WaitGroup // one per Serve
}

// New returns a Server with cfg's defaults filled in.
func New(cfg Config) *Server {
	cfg.setDefaults()
	s := &Server{
		cfg:       cfg,
		log:       cfg.Logger,
		handlers:  make(map[uint32]Handler),
		listeners: make(map[net.Listener]struct{}),
		conns:     make(map[*Conn]struct{}),
	}
	// connIDs are unique within the server and differ across restarts.
	s.connSeq.Store(uint64(time.Now().Unix()) << 20)
	return s
}

// Handle registers h for protoID, replacing any earlier handler. It panics
// for InitConnect and KeepAlive, which the server implements itself.
func (s *Server) Handle(protoID uint32, h Handler) {
	if protoID == protoid.InitConnect || protoID == protoid.KeepAlive {
		panic("opend server: proto id " + itoa(protoID) + " is built in")
	}
	if h == nil {
		panic("opend server: nil handler")
	}
	s.hmu.Lock()
	s.handlers[protoID] = h
	s.hmu.Unlock()
}

// Handles reports whether a handler is registered for protoID (the built-in
// InitConnect and KeepAlive included).
func (s *Server) Handles(protoID uint32) bool {
	return protoID == protoid.InitConnect || protoID == protoid.KeepAlive || s.handler(protoID) != nil
}

func (s *Server) handler(protoID uint32) Handler {
	s.hmu.RLock()
	h := s.handlers[protoID]
	s.hmu.RUnlock()
	return h
}

// ListenAndServe listens on addr and serves until Shutdown or Close.
func (s *Server) ListenAndServe(addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return s.Serve(l)
}

// Serve accepts connections on l until Shutdown or Close, then returns
// ErrServerClosed. It closes l.
func (s *Server) Serve(l net.Listener) error {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		l.Close()
		return ErrServerClosed
	}
	s.listeners[l] = struct{}{}
	s.serveWG.Add(1)
	s.mu.Unlock()
	defer s.serveWG.Done()
	defer func() {
		s.mu.Lock()
		delete(s.listeners, l)
		s.mu.Unlock()
		l.Close()
	}()

	var backoff time.Duration
	for {
		rwc, err := l.Accept()
		if err != nil {
			s.mu.Lock()
			closing := s.closing
			s.mu.Unlock()
			if closing {
				return ErrServerClosed
			}
			if retryableAccept(err) {
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				s.log.Warn("opend server: accept error, retrying", obs.Err(err), "retry_in", backoff)
				time.Sleep(backoff)
				continue
			}
			return err
		}
		backoff = 0
		s.accept(rwc)
	}
}

// retryableAccept reports accept errors worth retrying (too many open
// files and the like), as net/http does.
func retryableAccept(err error) bool {
	type temporary interface{ Temporary() bool }
	var t temporary
	return errors.As(err, &t) && t.Temporary()
}

func (s *Server) accept(rwc net.Conn) {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		rwc.Close()
		return
	}
	if len(s.conns) >= s.cfg.MaxConns {
		s.mu.Unlock()
		s.log.Warn("opend server: too many connections, refusing", "remote", rwc.RemoteAddr().String(), "max_conns", s.cfg.MaxConns)
		rwc.Close()
		return
	}
	c := newConn(s, rwc, s.connSeq.Add(1))
	s.conns[c] = struct{}{}
	s.wg.Add(1)
	s.mu.Unlock()
	go c.serve()
}

func (s *Server) removeConn(c *Conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

// Conns returns the open connections.
func (s *Server) Conns() []*Conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*Conn, 0, len(s.conns))
	for c := range s.conns {
		out = append(out, c)
	}
	return out
}

// Shutdown stops accepting, stops reading new requests, lets in-flight
// handlers finish, flushes every connection's queued frames and closes the
// connections. If ctx ends first, it closes everything at once, waits for the
// goroutines (handlers see their context cancelled) and returns ctx.Err().
func (s *Server) Shutdown(ctx context.Context) error {
	conns := s.beginClose()
	for _, c := range conns {
		c.stopReading()
	}
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		s.serveWG.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		for _, c := range s.Conns() {
			c.abort("shutdown deadline")
		}
		<-done
		return ctx.Err()
	}
}

// Close closes the listeners and every connection at once and waits for
// the server's goroutines.
func (s *Server) Close() error {
	for _, c := range s.beginClose() {
		c.abort("server closed")
	}
	s.wg.Wait()
	s.serveWG.Wait()
	return nil
}

func (s *Server) beginClose() []*Conn {
	s.mu.Lock()
	s.closing = true
	for l := range s.listeners {
		l.Close()
	}
	conns := make([]*Conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	return conns
}

func itoa(v uint32) string {
	var b [10]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			return string(b[i:])
		}
	}
}
