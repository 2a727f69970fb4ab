package ws

import (
	"context"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/keypolicy"
	"github.com/futugw/gateway/services/edge/internal/ws/outq"
	"github.com/futugw/gateway/services/edge/internal/ws/pushframe"
)

// closeKind is why the edge closes a socket.
type closeKind uint8

const (
	closeShutdown closeKind = iota + 1 // 1001 after a brief drain
	closeRevoked                       // 4003
	closeExpired                       // 4001
	closeTooSlow                       // 1008: a frame that must not be lost did not fit
	closeProtocol                      // an SDK socket's own close (Peer.Close): its code and reason
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
	case closeProtocol:
		return websocket.StatusPolicyViolation, "protocol error", reasonProtocol
	}
	return websocket.StatusPolicyViolation, "too slow", reasonTooSlow
}

// socket is one browser connection. Only its run goroutine writes to conn.
type socket struct {
	h          *Hub
	conn       *websocket.Conn
	sessionID  string
	owner      string // Principal.Owner: whose socket slots this one takes
	token      string // the key, to check it again after missed revocations; never logged
	tokenHash  string
	expires    time.Time
	trades     bool                // the key has acc:read
	allowedAcc []string            // nil: every account
	subAcc     []string            // an SDK socket's Trd_SubAccPush accounts, guarded by h.mu; nil: none
	muted      map[subKey]struct{} // an SDK socket's unregistered quote pushes, guarded by h.mu
	json       bool                // ?format=json
	sdk        bool                // a futu-api SDK socket (Attach): SDK frames, binary, no JSON notices
	read       func()              // an SDK socket's reader; nil: readLoop's control-frame reader
	q          *outq.Queue
	sess       *session // guarded by h.mu

	// writeSince is when the write in progress began (unix ns; 0 when none). The
	// hub's sweep cuts a socket stuck in one write longer than WriteTimeout: a
	// timer per write would cost more than the write itself at fan-out rates.
	writeSince atomic.Int64
	writeStuck atomic.Bool

	// The hub's sweep also tells the writer when a keepalive ping or the expiry
	// warning is due (flags, then a signal on due): one ticker for the hub instead
	// of three timers on every socket.
	due      chan struct{} // capacity 1
	nextPing atomic.Int64  // unix ns
	pingDue  atomic.Bool
	warnDue  atomic.Bool
	warned   atomic.Bool

	closeOnce sync.Once
	closeReq  chan struct{}        // closed when the edge decides to close
	why       closeKind            // set before closeReq is closed
	whyCode   websocket.StatusCode // closeProtocol's code and reason
	whyText   string
}

func newSocket(h *Hub, conn *websocket.Conn, p *authn.Principal, token string, json bool) *socket {
	s := &socket{
		h: h, conn: conn, sessionID: p.Session(), owner: p.Owner(), token: token, tokenHash: authn.HashToken(token), expires: p.ExpiresAt,
		trades: p.Has(keypolicy.ScopeAccRead), json: json, q: outq.New(h.opts.QueueSize),
		closeReq: make(chan struct{}), due: make(chan struct{}, 1),
	}
	s.q.SetGap(gapItem)
	if ids := p.Limits.GetAllowedAccIds(); len(ids) > 0 {
		s.allowedAcc = ids
	}
	s.nextPing.Store(time.Now().Add(firstPing(h.opts.PingInterval)).UnixNano())
	return s
}

func (s *socket) maySee(acc string) bool {
	return s.allowedAcc == nil || slices.Contains(s.allowedAcc, acc)
}

// wantsTrade reports whether the socket receives acc's trade pushes: a /ws socket
// every account its key may see, an SDK socket those it subscribed with
// Trd_SubAccPush, as an OpenD connection does. Callers hold h.mu.
func (s *socket) wantsTrade(acc string) bool {
	return s.maySee(acc) && (!s.sdk || slices.Contains(s.subAcc, acc))
}

// requestClose asks the writer to close the socket; the first reason wins. It never
// blocks, so it may be called with the hub's lock held.
func (s *socket) requestClose(k closeKind) {
	s.closeOnce.Do(func() {
		s.why = k
		close(s.closeReq)
		switch k {
		case closeTooSlow:
			time.AfterFunc(tooSlowGrace, s.cut)
		case closeRevoked:
			time.AfterFunc(revokeGrace, s.cut)
		}
	})
}

// cut drops the connection at once, which ends any write or read blocked on it. No
// context per socket does this: each costs memory on every idle socket.
func (s *socket) cut() {
	if s.conn != nil { // fan-out tests use sockets without a connection
		_ = s.conn.CloseNow()
	}
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
	o := &s.h.opts
	readDone := s.readLoop() // answers pings and notices the peer's close
	// Every return below has closed the connection, which ends the reader.
	defer func() { <-readDone }()
	var pong chan error // the answer of the ping waiting for its pong
	for {
		if s.closing() {
			s.finish()
			return
		}
		select {
		case <-s.closeReq:
		case <-readDone:
			s.abort(reasonClient)
			return
		case <-s.q.Wake():
			if !s.flush() && !s.closing() {
				s.abort(s.failReason(readDone))
				return
			}
		case <-s.due:
			if s.pingDue.Swap(false) && pong == nil {
				pong = make(chan error, 1)
				go s.ping(pong, o.PongTimeout)
			}
			if s.warnDue.Swap(false) && !s.sdk && !s.warn() {
				s.requestClose(closeTooSlow)
			}
		case err := <-pong: // a nil channel (no ping waiting) never fires
			pong = nil
			if err != nil && !s.closing() {
				s.abort(s.failReason(readDone, reasonPing))
				return
			}
			if err == nil {
				s.h.pongs.Add(1)
			}
		}
	}
}

// firstPing is when a new socket's first keepalive ping is due: anywhere from half
// to one and a half intervals, so that sockets opened together (every browser
// reconnecting after an edge restart) are not pinged together ever after; a round
// of 10,000 pings in two seconds showed in the quotes' latency.
func firstPing(interval time.Duration) time.Duration {
	return interval/2 + rand.N(interval)
}

// warn queues the key_expiring notification; false when the queue is full.
func (s *socket) warn() bool {
	msg := "the API key expires at " + s.expires.UTC().Format(time.RFC3339) + "; reconnect with a fresh key"
	return s.q.Push(&outq.Item{Data: pushframe.Notify(pushframe.EventKeyExpiring, msg), Kind: kindNotify})
}

// ping sends a keepalive ping and reports whether its pong came within timeout. It
// runs on its own goroutine so that frames keep flowing while the pong is on its way
// (the writer used to wait for it, which held every quote back for a round trip).
// Closing the connection ends it.
func (s *socket) ping(done chan<- error, timeout time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	done <- s.conn.Ping(ctx)
}

// readLoop reads what the browser sends: Reader handles control frames (pongs,
// pings, the close handshake) itself; a data message is not part of the protocol
// and closes the socket with 1008. The returned channel is closed when reading has
// ended, which closing the connection does. It stands in for Conn.CloseRead, whose
// goroutine, on a data message, waits for itself inside Close for 15 s, which kept
// each such socket (and its goroutines) alive that long.
func (s *socket) readLoop() <-chan struct{} {
	done := make(chan struct{})
	if s.read != nil {
		go func() {
			defer close(done)
			s.read()
		}()
		return done
	}
	go func() {
		defer close(done)
		if _, _, err := s.conn.Reader(context.Background()); err == nil {
			_ = s.conn.Close(websocket.StatusPolicyViolation, "unexpected data message")
		}
	}()
	return done
}

// flush writes queued frames until the queue is empty (true) or a write fails or a
// close is requested (false).
func (s *socket) flush() bool {
	for !s.closing() {
		it, ok := s.q.Pop()
		if !ok {
			return true
		}
		s.writeSince.Store(time.Now().UnixNano())
		ok = s.write(context.Background(), it) // cut ends a write stuck here
		s.writeSince.Store(0)
		if !ok {
			return false
		}
	}
	return false
}

func (s *socket) write(ctx context.Context, it *outq.Item) bool {
	typ := websocket.MessageText
	if s.sdk {
		if len(it.Data) == 0 {
			return true // a gap notice: the SDK protocol has none
		}
		typ = websocket.MessageBinary
	}
	if err := s.conn.Write(ctx, typ, it.Data); err != nil {
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
func (s *socket) failReason(readDone <-chan struct{}, otherwise ...string) string {
	if s.writeStuck.Load() {
		return reasonWriteTimeout
	}
	select {
	case <-readDone:
		return reasonClient
	default:
	}
	if len(otherwise) > 0 {
		return otherwise[0]
	}
	return reasonWriteFail
}

// finish closes the socket for the reason given to requestClose.
func (s *socket) finish() {
	code, reason, label := s.why.spec()
	if s.why == closeProtocol {
		code, reason = s.whyCode, s.whyText
	}
	if s.why == closeShutdown {
		// Give queued frames a moment so a restart does not lose the last trades.
		ctx, cancel := context.WithTimeout(context.Background(), s.h.opts.DrainTimeout)
		for ctx.Err() == nil {
			it, ok := s.q.Pop()
			if !ok || !s.write(ctx, it) {
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
