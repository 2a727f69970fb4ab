package server

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/opend/sim"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/catalog"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/platform/keypolicy"
	"github.com/futugw/gateway/platform/redisx"
	"github.com/futugw/gateway/platform/testkit"
	"github.com/futugw/gateway/services/quote/internal/quotefanout"
	"github.com/futugw/gateway/services/quote/internal/readguard"
	"github.com/futugw/gateway/services/quote/internal/subs"
	"github.com/futugw/gateway/services/quote/internal/substore"
	"github.com/futugw/gateway/services/quote/internal/upstream"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

const waitFor = 20 * time.Second // generous bound for anything that happens "soon"

// token returns a well-formed key, distinct per n (0-25).
func token(n int) string { return "fk_" + string(rune('A'+n)) + strings.Repeat("A", 41) + "E" }

// fakeValidator maps tokens to principals.
type fakeValidator map[string]*authn.Principal

func (f fakeValidator) Validate(_ context.Context, tok string, _ authn.CallInfo) (*authn.Principal, error) {
	if p, ok := f[tok]; ok {
		return p, nil
	}
	return nil, errinfo.New(codes.Unauthenticated, gatewayv1.Reason_REASON_INVALID_KEY, "unknown key")
}

// simServer is an in-process OpenD simulator that can be stopped and restarted on the
// same address.
type simServer struct {
	t    *testing.T
	cfg  sim.Config
	addr string
	stop func()
}

func startSim(t *testing.T, cfg sim.Config) *simServer {
	s := &simServer{t: t, cfg: cfg, addr: "127.0.0.1:0"}
	s.start()
	t.Cleanup(func() { s.halt() })
	return s
}

func (s *simServer) start() {
	s.t.Helper()
	cfg := s.cfg
	cfg.Logger = slog.New(slog.DiscardHandler)
	sm, err := sim.New(cfg)
	if err != nil {
		s.t.Fatal(err)
	}
	var ln net.Listener
	// The old listener's port may linger briefly.
	testkit.EventuallyNil(s.t, waitFor, "listening on "+s.addr, func() (err error) { ln, err = net.Listen("tcp", s.addr); return err })
	s.addr = ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = sm.Serve(ctx, ln) }()
	s.stop = func() { cancel(); <-done }
}

func (s *simServer) halt() {
	if s.stop != nil {
		s.stop()
		s.stop = nil
	}
}

// env is the quote service assembled as in app, with a fake key validator.
type env struct {
	sim   *simServer
	up    *upstream.Client
	reg   *subs.Registry
	hub   *quotefanout.Hub
	life  *subs.Lifetimes
	store *substore.Store // nil without envOpts.redis
	cc    *grpc.ClientConn
	qc    gatewayv1.QuoteServiceClient
	stop  func() // ends this quote service (once); the simulator stays

	mu     sync.Mutex
	states []bool
}

type envOpts struct {
	sim   sim.Config
	hold  time.Duration
	quota int
	fresh time.Duration
	// daveExpires is when token(5)'s key (session "dave") expires; zero never.
	daveExpires time.Time
	// redis, when set, saves sessions in that Redis and restores them at start, as
	// the app does (a restart is a new env on the same Redis and simulator).
	redis []string
	// reuse, when set, is the simulator to connect to instead of a new one.
	reuse *simServer
	// guard is the server's readguard; wrap, when set, wraps its OpenD connection.
	guard *readguard.Guard
	wrap  func(OpenD) OpenD
}

func newEnv(t *testing.T, o envOpts) *env {
	e := &env{sim: o.reuse, hub: quotefanout.New(quotefanout.Options{})}
	if e.sim == nil {
		e.sim = startSim(t, o.sim)
	}
	var upc *upstream.Client
	var upMu sync.Mutex
	lazy := lazyUp{get: func() *upstream.Client { upMu.Lock(); defer upMu.Unlock(); return upc }}
	var saves *substore.Writer
	changed := func(string) {}
	if o.redis != nil {
		rdb, err := redisx.New(redisx.Options{Addrs: strings.Join(o.redis, ",")})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = rdb.Close() })
		e.store = substore.New(rdb, substore.Options{})
		saves = substore.NewWriter(substore.WriterOptions{Store: e.store, Snapshot: func(session string) substore.Record {
			keys, live := e.life.Keys(session)
			if !live {
				return substore.Record{}
			}
			return substore.Record{Pairs: e.reg.Session(session), Keys: keys}
		}})
		changed = saves.Changed
	}
	e.reg = subs.New(subs.Options{Upstream: lazy, Quota: o.quota, Hold: o.hold, RetryDelay: 200 * time.Millisecond,
		OnSessionChange: func(s string, ps []subs.Pair) { e.hub.SessionChanged(s, ps); changed(s) }})
	// Sessions end with their keys, swept quickly (the grace is the app's 30s).
	e.life = subs.NewLifetimes(subs.LifetimeOptions{Grace: 100 * time.Millisecond, Interval: 20 * time.Millisecond,
		Keep: e.hub.Hosted, Drop: e.reg.UnsubscribeAll, OnChange: changed})
	savesCtx, stopSaves := context.WithCancel(context.Background())
	savesDone := make(chan struct{})
	if saves != nil {
		// As in app: restore before OpenD connects and before serving.
		ctx, cancel := context.WithTimeout(context.Background(), waitFor)
		_, err := e.store.Restore(ctx, e.reg, e.life)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		saves.Discard()
		go func() { defer close(savesDone); saves.Run(savesCtx) }()
	} else {
		close(savesDone)
	}
	connected := make(chan struct{}, 1)
	e.up = upstream.Start(upstream.Config{
		Addr: e.sim.addr, MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond,
		OnConnect: func(ctx context.Context, c *upstream.Client) error {
			upMu.Lock()
			upc = c
			upMu.Unlock()
			if used, remain, err := c.SubInfo(ctx); err == nil {
				e.reg.SetQuota(used + remain)
			}
			return e.reg.Restore(ctx)
		},
		OnState: func(up bool, _ error) {
			e.mu.Lock()
			e.states = append(e.states, up)
			n := len(e.states)
			e.mu.Unlock()
			if up {
				select {
				case connected <- struct{}{}:
				default:
				}
				if n > 1 {
					e.hub.Notify(quotefanout.EventReconnected, "back")
				}
			} else {
				e.hub.Notify(quotefanout.EventDisconnected, "gone")
			}
		},
		OnPush: func(id uint32, body []byte, recv int64) { _ = e.hub.Publish(id, body, recv) },
	})
	select {
	case <-connected:
	case <-time.After(waitFor):
		t.Fatal("quote never connected to the simulator")
	}

	v := fakeValidator{
		token(0): {KeyID: "alice", Scopes: []string{keypolicy.ScopeQotRead}, TokenHash: "hash-alice"},
		token(1): {KeyID: "bob", Scopes: []string{keypolicy.ScopeQotRead}},
		token(2): {KeyID: "carol", Scopes: []string{keypolicy.ScopeQotRead}},
		token(3): {KeyID: "acc-only", Scopes: []string{keypolicy.ScopeAccRead}},
		token(4): {KeyID: "edge", Scopes: []string{keypolicy.ScopeService}},
		token(5): {KeyID: "dave-2", SessionID: "dave", Scopes: []string{keypolicy.ScopeQotRead},
			TokenHash: "hash-dave-2", ExpiresAt: o.daveExpires},
	}
	lifeCtx, stopLife := context.WithCancel(context.Background())
	lifeDone := make(chan struct{})
	go func() { defer close(lifeDone); e.life.Run(lifeCtx) }()
	gs := grpc.NewServer(
		grpc.ChainUnaryInterceptor(authn.UnaryServerInterceptor(v, nil)),
		grpc.ChainStreamInterceptor(authn.StreamServerInterceptor(v, nil)),
		// A small fixed window makes a stalled reader back up quickly.
		grpc.InitialWindowSize(64<<10), grpc.InitialConnWindowSize(64<<10),
	)
	so := Options{Registry: e.reg, Hub: e.hub, OpenD: e.up, Sessions: e.life, Saves: saves, Fresh: o.fresh, CallTimeout: 2 * time.Second}
	so.Guard = o.guard
	if o.wrap != nil {
		so.OpenD = o.wrap(e.up)
	}
	srv := New(so)
	gatewayv1.RegisterQuoteServiceServer(gs, srv)
	catalog.Register(gs, catalog.Quote, srv.Catalog)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = gs.Serve(ln) }()
	e.cc, err = grpc.NewClient(ln.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithInitialWindowSize(64<<10), grpc.WithInitialConnWindowSize(64<<10))
	if err != nil {
		t.Fatal(err)
	}
	e.qc = gatewayv1.NewQuoteServiceClient(e.cc)
	var once sync.Once
	e.stop = func() {
		once.Do(func() {
			_ = e.cc.Close()
			gs.Stop()
			stopLife()
			<-lifeDone
			e.reg.Close()
			_ = e.up.Close()
			stopSaves()
			<-savesDone
		})
	}
	t.Cleanup(e.stop)
	return e
}

type lazyUp struct{ get func() *upstream.Client }

func (l lazyUp) Subscribe(ctx context.Context, ps []subs.Pair) ([]subs.Pair, error) {
	if c := l.get(); c != nil {
		return c.Subscribe(ctx, ps)
	}
	return nil, upstream.ErrUnavailable
}

func (l lazyUp) Unsubscribe(ctx context.Context, ps []subs.Pair) error {
	if c := l.get(); c != nil {
		return c.Unsubscribe(ctx, ps)
	}
	return upstream.ErrUnavailable
}

func as(n int) context.Context {
	return metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer "+token(n))
}

func sec(m int32, code string) *gatewayv1.Security { return &gatewayv1.Security{Market: m, Code: code} }

func wantCode(t *testing.T, err error, c codes.Code, reason gatewayv1.Reason) {
	t.Helper()
	if status.Code(err) != c || errinfo.Reason(err) != reason {
		t.Fatalf("err = %v (reason %q); want %s %s", err, errinfo.Reason(err), c, reason)
	}
}

// opendUsed is OpenD's own count of the slots in use (all its connections).
func (e *env) opendUsed(t *testing.T) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	used, _, err := e.up.SubInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return used
}
