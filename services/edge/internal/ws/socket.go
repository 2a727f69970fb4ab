package ws

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/services/edge/internal/ws/frame"
	"github.com/futugw/gateway/services/edge/internal/ws/outq"
)

// closeKind is why the edge closes a socket.
type closeKind uint8

const (
	closeShutdown closeKind = iota + 1 // 1001 after a brief drain
	closeRevoked                       // 4003
	closeExpired                       // 4001
	closeTooSlow                       // 1008: a frame that must not be lost did not fit
)

// Application close codes (4000-4999 are free for applications).
const (
	StatusKeyExpired websocket.StatusCode = 4001
	StatusKeyRevoked websocket.StatusCode = 4003
)

// How long a socket closed for a revocation or for being too slow may try to send
// its close frame before the connection is cut (a stuck peer would hold it for the
// whole write timeout).
const (
	revokeGrace  = 900 * time.Millisecond
	tooSlowGrace = 2 * time.Second
)

func (k closeKind) spec() (code websocket.StatusCode, reason, label string) {
	switch k {
	case closeShutdown:
		return websocket.StatusGoingAway, "edge shutting down", reasonShutdown
	case closeRevoked:
		return StatusKeyRevoked, "key revoked", reasonRevoked
	case closeExpired:
		return StatusKeyExpired, "key expired", reasonExpired
	}
	return websocket.StatusPolicyViolation, "too slow", reasonTooSlow
}

// socket is one browser connection. Only its run goroutine writes to conn.
type socket struct {
	h          *Hub
	conn       *websocket.Conn
	sessionID  string
	tokenHash  string
	expires    time.Time
	trades     bool     // the key has acc:read
	allowedAcc []string // nil: every account
	json       bool     // ?format=json
	q          *outq.Queue
	sess       *session // guarded by h.mu

	ctx    context.Context // cancelled to abort a blocked write (hard close)
	cancel context.CancelFunc

	closeOnce sync.Once
	closeReq  chan struct{} // closed when the edge decides to close
	why       closeKind     // set before closeReq is closed
}

func newSocket(h *Hub, conn *websocket.Conn, p *authn.Principal, tokenHash string, json bool) *socket {
	ctx, cancel := context.WithCancel(h.ctx)
	s := &socket{
		h: h, conn: conn, sessionID: p.Session(), tokenHash: tokenHash, expires: p.ExpiresAt,
		trades: p.Has(authn.ScopeAccRead), json: json, q: outq.New(h.opts.QueueSize),
		ctx: ctx, cancel: cancel, closeReq: make(chan struct{}),
	}
	if ids := p.Limits.GetAllowedAccIds(); len(ids) > 0 {
		s.allowedAcc = ids
	}
	return s
}

func (s *socket) maySee(acc string) bool {
	return s.allowedAcc == nil || slices.Contains(s.allowedAcc, acc)
}

// requestClose asks the writer to close the socket; the first reason wins. It never
// blocks, so it may be called with the hub's lock held.
func (s *socket) requestClose(k closeKind) {
	s.closeOnce.Do(func() {
		s.why = k
		close(s.closeReq)
		switch k {
		case closeTooSlow:
			time.AfterFunc(tooSlowGrace, s.cancel)
		case closeRevoked:
			time.AfterFunc(revokeGrace, s.cancel)
		}
	})
}

func (s *socket) closing() bool {
	select {
	case <-s.closeReq:
		return true
	default:
		return false
	}
}

// run writes queued frames, pings, and closes the socket when asked, when the key
// expires or when the peer goes away. It returns once the connection is closed.
func (s *socket) run() {
	defer s.cancel()
	o := &s.h.opts
	readCtx, readDone := s.readLoop() // answers pings and notices the peer's close
	// Every return below has closed the connection, which ends the reader.
	defer func() { <-readDone }()
	ping := time.NewTicker(o.PingInterval)
	defer ping.Stop()
	var warnC, expireC <-chan time.Time
	if !s.expires.IsZero() {
		until := time.Until(s.expires)
		expire := time.NewTimer(until)
		defer expire.Stop()
		warn := time.NewTimer(until - o.ExpiryWarning)
		defer warn.Stop()
		expireC, warnC = expire.C, warn.C
	}
	for {
		if s.closing() {
			s.finish()
			return
		}
		select {
		case <-s.closeReq:
		case <-readCtx.Done():
			s.abort(reasonClient)
			return
		case <-s.q.Wake():
			if !s.flush() && !s.closing() {
				s.abort(s.failReason(readCtx))
				return
			}
		case <-ping.C:
			ctx, cancel := context.WithTimeout(s.ctx, o.PongTimeout)
			err := s.conn.Ping(ctx)
			cancel()
			if err != nil && !s.closing() {
				s.abort(s.failReason(readCtx, reasonPing))
				return
			}
			if err == nil {
				s.h.pongs.Add(1)
			}
		case <-warnC:
			msg := "the API key expires at " + s.expires.UTC().Format(time.RFC3339) + "; reconnect with a fresh key"
			if !s.q.Push(&outq.Item{Data: frame.Notify(frame.EventKeyExpiring, msg), Kind: kindNotify}) {
				s.requestClose(closeTooSlow)
			}
		case <-expireC:
			s.requestClose(closeExpired)
		}
	}
}

// readLoop reads what the browser sends: Reader handles control frames (pongs,
// pings, the close handshake) itself; a data message is not part of the protocol
// and closes the socket with 1008. The returned context ends when reading does,
// the channel when the goroutine has returned. It stands in for Conn.CloseRead,
// whose goroutine, on a data message, waits for itself inside Close for 15 s, which
// kept each such socket (and its goroutines) alive that long.
func (s *socket) readLoop() (context.Context, <-chan struct{}) {
	ctx, cancel := context.WithCancel(s.ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer cancel()
		if _, _, err := s.conn.Reader(ctx); err == nil {
			_ = s.conn.Close(websocket.StatusPolicyViolation, "unexpected data message")
		}
	}()
	return ctx, done
}

// flush writes queued frames until the queue is empty (true) or a write fails or a
// close is requested (false).
func (s *socket) flush() bool {
	for !s.closing() {
		it, ok := s.q.Pop()
		if !ok {
			return true
		}
		if !s.write(s.ctx, it, s.h.opts.WriteTimeout) {
			return false
		}
	}
	return false
}

func (s *socket) write(ctx context.Context, it *outq.Item, timeout time.Duration) bool {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	err := s.conn.Write(ctx, websocket.MessageText, it.Data)
	cancel()
	if err != nil {
		return false
	}
	m := s.h.m
	m.sent[it.Kind].Inc()
	if it.Received > 0 {
		m.latency.Observe(float64(time.Now().UnixNano()-it.Received) / 1e9)
	}
	return true
}

// failReason tells a peer that went away from one that could not be written to.
func (s *socket) failReason(readCtx context.Context, otherwise ...string) string {
	if readCtx.Err() != nil {
		return reasonClient
	}
	if len(otherwise) > 0 {
		return otherwise[0]
	}
	return reasonWriteFail
}

// finish closes the socket for the reason given to requestClose.
func (s *socket) finish() {
	code, reason, label := s.why.spec()
	if s.why == closeShutdown {
		// Give queued frames a moment so a restart does not lose the last trades.
		ctx, cancel := context.WithTimeout(s.ctx, s.h.opts.DrainTimeout)
		for ctx.Err() == nil {
			it, ok := s.q.Pop()
			if !ok || !s.write(ctx, it, s.h.opts.DrainTimeout) {
				break
			}
		}
		cancel()
	}
	s.q.Close()
	_ = s.conn.Close(code, reason)
	s.h.m.closed.WithLabelValues(label).Inc()
}

// abort drops the connection without a close handshake.
func (s *socket) abort(label string) {
	s.q.Close()
	_ = s.conn.CloseNow()
	s.h.m.closed.WithLabelValues(label).Inc()
}
