// Package sdk serves Futu's official JavaScript SDK (npm futu-api, ftWebsocket) on
// the edge's own listener: the page calls start(host, 33333, ssl, key) with a futugw
// key, and speaks OpenD's WebSocket protocol (package frame) to the edge as it would
// to OpenD.
//
// A socket's first command must be InitWebSocket, whose websocketKey is the MD5 of
// the key: the auth service finds the live key with that digest and mints a session
// key for the socket (AuthService.OpenSDKSession, called with the edge's service
// key). The session key stays in memory, never logged; it is refreshed before it
// expires, and the socket closes within a second when it is revoked (revoking the
// key revokes its sessions) or expires: the socket is hosted by the /ws hub
// (ws.Hub.Attach), which also brings it the pushes of its session's subscriptions
// and, for keys with acc:read, its accounts' trade events.
//
// Every other command goes to its handler (Table) with the session key as bearer,
// so the services apply scopes, accounts, securities, limits and caching as they do
// for REST; a refusal is an OpenD Response with retType -1 and a readable retMsg,
// and a command futugw does not serve is refused by name, never left unanswered.
package sdk

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/services/edge/internal/accesslog"
	"github.com/futugw/gateway/services/edge/internal/httperr"
	"github.com/futugw/gateway/services/edge/internal/sdk/frame"
	"github.com/futugw/gateway/services/edge/internal/sdk/sdkcall"
	"github.com/futugw/gateway/services/edge/internal/ws"
)

// Defaults for the zero values of Options.
const (
	DefaultInitTimeout = 10 * time.Second
	DefaultCallTimeout = 10 * time.Second
	DefaultMaxInFlight = 16
)

// Options configures a Server. Hub, Cache, Conns and ServiceKey are required.
type Options struct {
	Hub   *ws.Hub       // hosts the sockets once logged in
	Cache *authn.Cache  // resolves a socket's session key to its principal
	Conns sdkcall.Conns // auth, quote and order
	// ServiceKey returns the edge's service key (scope service), which
	// OpenSDKSession requires; read at each InitWebSocket.
	ServiceKey func() string
	// Origins refuses cross-site handshakes, as for /ws; nil allows any Origin.
	Origins ws.OriginPolicy
	// Guard, when set, refuses clients that keep failing authentication (the
	// edge's limits for REST and /ws) and counts refused logins against them.
	Guard Guard
	// Handlers serve proto ids beyond the generic catalog rows, KeepAlive and
	// Qot_Sub (the trade commands); they win over Table's own.
	Handlers map[uint32]sdkcall.Handler

	InitTimeout time.Duration // from the upgrade to a successful InitWebSocket
	CallTimeout time.Duration // one command's call to a service
	MaxInFlight int           // commands of one socket answered at once; reading waits beyond
	TrustProxy  bool          // client address from X-Forwarded-For (for the auth audit)
	Logger      *slog.Logger
	Metrics     prometheus.Registerer // nil: metrics are kept but not exported
}

// Guard is the edge's authentication-failure limit as the listener uses it.
type Guard interface {
	Blocked(r *http.Request) bool
	Failed(r *http.Request)
}

// Server is the SDK listener's handler.
type Server struct {
	o     Options
	table map[uint32]sdkcall.Handler
	auth  gatewayv1.AuthServiceClient
	m     *metrics
	conns atomic.Uint64 // InitWebSocket's connID
	bg    sync.WaitGroup
}

// New builds a Server.
func New(o Options) (*Server, error) {
	if o.Hub == nil || o.Cache == nil || o.Conns.Auth == nil || o.Conns.Quote == nil || o.Conns.Order == nil || o.ServiceKey == nil {
		return nil, errors.New("sdk: Options.Hub, Cache, Conns and ServiceKey are required")
	}
	if o.InitTimeout <= 0 {
		o.InitTimeout = DefaultInitTimeout
	}
	if o.CallTimeout <= 0 {
		o.CallTimeout = DefaultCallTimeout
	}
	if o.MaxInFlight <= 0 {
		o.MaxInFlight = DefaultMaxInFlight
	}
	o.Logger = obs.OrDiscard(o.Logger)
	m, err := newMetrics(o.Metrics)
	if err != nil {
		return nil, err
	}
	return &Server{o: o, table: Table(o.Handlers), auth: gatewayv1.NewAuthServiceClient(o.Conns.Auth), m: m}, nil
}

// Close waits for the clean-ups of closed sockets (their session keys' logout),
// until ctx ends. The hub closes the sockets themselves.
func (s *Server) Close(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		s.bg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return errors.New("sdk: socket clean-ups still running at the close deadline")
	}
}

// ServeHTTP upgrades any path (futu-api connects to ws(s)://host:port with none)
// and runs the socket's InitWebSocket on the request's goroutine; once logged in,
// the hub owns the socket. The Origin policy is /ws's: a page from another origin
// must be in the edge's allowlist (-cors-origins); a client that sends no Origin
// (Node, not a browser) is allowed, its key being its only credential.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.o.Origins != nil && !s.o.Origins.OriginAllowed(r) {
		httperr.WriteStatus(w, http.StatusForbidden, codes.PermissionDenied, gatewayv1.Reason_REASON_ORIGIN_NOT_ALLOWED,
			"origin "+r.Header.Get("Origin")+" may not open an SDK WebSocket here")
		return
	}
	if s.o.Guard != nil && s.o.Guard.Blocked(r) {
		httperr.WriteStatus(w, http.StatusTooManyRequests, codes.ResourceExhausted, gatewayv1.Reason_REASON_AUTH_RATE_LIMITED,
			"too many failed authentications from this client; retry later")
		return
	}
	conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{
		InsecureSkipVerify: true, // the Origin was checked above
		CompressionMode:    websocket.CompressionDisabled,
	})
	if err != nil {
		return // Accept answered (426 and the like)
	}
	conn.SetReadLimit(frame.RequestHeaderLen + frame.MaxBody)
	failed := func() {}
	if s.o.Guard != nil {
		failed = func() { s.o.Guard.Failed(r) }
	}
	s.handshake(conn, accesslog.ClientAddr(r, s.o.TrustProxy), failed)
}

// handshake waits for InitWebSocket, refusing any other command until then, and
// hands a logged-in socket to the hub. Every failure closes the socket.
func (s *Server) handshake(conn *websocket.Conn, client string, failed func()) {
	ctx, cancel := context.WithTimeout(context.Background(), s.o.InitTimeout)
	defer cancel()
	for {
		_, b, err := conn.Read(ctx) // the deadline closes the connection
		if err != nil {
			_ = conn.CloseNow()
			return
		}
		req, err := frame.DecodeRequest(b)
		if err != nil {
			_ = conn.Close(websocket.StatusPolicyViolation, err.Error())
			return
		}
		if req.Cmd != frame.CmdInit {
			body := sdkcall.Failed("this socket is not logged in: send InitWebSocket (command 1) first", 0)
			if conn.Write(ctx, websocket.MessageBinary, frame.Response{Cmd: req.Cmd, Section: req.Section, Body: body}.Encode()) != nil {
				_ = conn.CloseNow()
				return
			}
			continue
		}
		s.login(ctx, conn, req, client, failed)
		return
	}
}

// login answers InitWebSocket: a session key for the socket, or a refusal (header
// error -1, which fails futu-api's login, and retType -1 with the reason) and a close.
// A key auth refuses counts as an authentication failure of the client (failed).
func (s *Server) login(ctx context.Context, conn *websocket.Conn, req frame.Request, client string, failed func()) {
	refuse := func(body []byte) {
		s.m.logins.WithLabelValues(resultRefused).Inc()
		_ = conn.Write(ctx, websocket.MessageBinary, frame.Response{
			Cmd: frame.CmdInit, Section: req.Section, Error: -1, ErrMsg: "login refused", Body: body}.Encode())
		_ = conn.Close(websocket.StatusPolicyViolation, "InitWebSocket refused")
	}
	md5, err := initKey(req.Body)
	if err != nil {
		failed()
		refuse(sdkcall.Failed(err.Error(), 0))
		return
	}
	actx := metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+s.o.ServiceKey())
	resp, err := s.auth.OpenSDKSession(actx, &gatewayv1.OpenSDKSessionRequest{KeyMd5: md5, Client: client})
	if err != nil {
		if status.Code(err) == codes.Unauthenticated {
			failed()
		}
		refuse(sdkcall.Refuse(err))
		return
	}
	key := resp.GetKey()
	p, err := s.o.Cache.Validate(ctx, key, authn.CallInfo{Client: client, Method: "SDK InitWebSocket"})
	if err != nil {
		refuse(sdkcall.Refuse(err))
		return
	}
	sock := &socket{srv: s, conn: conn, keyID: p.KeyID, slots: make(chan struct{}, s.o.MaxInFlight)}
	sock.key.Store(&key)
	sock.ctx, sock.cancel = context.WithCancel(context.Background())
	hello := frame.Response{Cmd: frame.CmdInit, Section: req.Section, Body: initAnswer(time.Now().Unix(), s.conns.Add(1))}.Encode()
	if _, err := s.o.Hub.Attach(conn, p, key, func(peer *ws.Peer) { sock.run(peer, hello) }, sock.closed); err != nil {
		sock.cancel()
		refuse(sdkcall.Failed("futugw cannot open this socket: "+err.Error(), 0))
		return
	}
	s.m.logins.WithLabelValues(resultOK).Inc()
	s.o.Logger.Debug("sdk socket logged in", "key_id", p.KeyID, "client", client)
}
