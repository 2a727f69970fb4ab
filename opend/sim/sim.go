// Package sim assembles the OpenD simulator: a simulated market, the OpenD
// protocol server, the quote handlers (package qot) and the trade engine
// (package trade), served together on one listener.
package sim

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/futugw/gateway/opend/freqlimit"
	"github.com/futugw/gateway/opend/server"
	"github.com/futugw/gateway/opend/sim/hours"
	"github.com/futugw/gateway/opend/sim/market"
	"github.com/futugw/gateway/opend/sim/qot"
	"github.com/futugw/gateway/opend/sim/trade"
	"github.com/futugw/gateway/platform/obs"
)

// Config configures a simulator. The zero value is usable.
type Config struct {
	Seed         int64         // market random walk seed
	PushInterval time.Duration // time between price steps of one security; 0 = 500ms
	SubQuota     int           // subscription slots of the login, shared by its connections; 0 = 500
	MinSubHold   time.Duration // minimum subscription age before unsubscribing; 0 = 1m
	// ExtraSecurities adds this many generated HK equities (codes 80000, 80001,
	// ...; see market.FirstGeneratedCode) to the built-in universe; at most
	// market.MaxGenerated.
	ExtraSecurities int
	// Kinds adds indices, ETFs, warrants, CBBCs, options and futures after the
	// stocks (market.Config.Kinds); cmd/opend-sim turns it on by default.
	Kinds bool

	TradePassword string // plaintext; "" = trade.DefaultTradePassword
	// FreqLimits says how OpenD's per-interface frequency limits (package
	// freqlimit) are enforced; the zero value enforces the documented ones.
	FreqLimits freqlimit.Policy
	// OrderRateLimit, when set, replaces the documented limits of
	// Trd_PlaceOrder (15) and Trd_ModifyOrder (20): that many requests of each
	// per account per OrderRateWindow (0 = 30s).
	OrderRateLimit  int
	OrderRateWindow time.Duration
	// OnFreqRefusal, when set, is called with the proto id of every request
	// refused for frequency (errCode freqlimit.ErrCode), so a caller can count
	// them (opend-sim's futugw_opendsim_freq_refusals_total).
	OnFreqRefusal func(protoID uint32)

	MaxConns          int           // 0 = 128
	KeepAliveInterval time.Duration // advertised in InitConnect; 0 = 10s
	ServerVer         int32         // 0 = 1000
	LoginUserID       uint64        // 0 = 10000001

	// Now is the simulator's clock (a calendar.Clock's Now, say): quote and order
	// times, GetGlobalState's time, and the windows of the subscription hold and
	// the order rate limit are read from it; nil = time.Now. The push loop paces
	// itself on the wall clock whatever this is.
	Now func() time.Time

	// MarketHours says when prices walk and orders fill: around the clock
	// (hours.Always, the zero value, so tests, load tools and demos keep
	// moving at any hour) or only while the market trades by the calendar at
	// Now (hours.Calendar): no steps or pushes for a closed market, fills in
	// continuous trading (US pre-market and after-hours for fillOutsideRTH
	// limit orders), orders placed while closed waiting for the open, and
	// GetGlobalState's market states from the calendar.
	MarketHours hours.Mode

	// ShutdownTimeout bounds the graceful stop when Serve's context ends; 0 = 5s.
	ShutdownTimeout time.Duration
	Logger          *slog.Logger // nil = discarded

	// HistoryKLQuota is the distinct securities Qot_RequestHistoryKL serves
	// per 30 days; 0 = 100.
	HistoryKLQuota int
}

// Sim is one simulated OpenD.
type Sim struct {
	cfg    Config
	log    *slog.Logger
	market *market.Market
	srv    *server.Server
	qot    *qot.Service
	trade  *trade.Engine
	limits *freqlimit.Limiter
	stats  *delayStats

	once sync.Once
}

// New builds the market, the server and both halves of the protocol.
func New(cfg Config) (*Sim, error) {
	if cfg.SubQuota < 0 || cfg.HistoryKLQuota < 0 || cfg.PushInterval < 0 || cfg.MinSubHold < 0 || cfg.OrderRateLimit < 0 {
		return nil, errors.New("sim: negative quota, interval, hold or rate limit")
	}
	if cfg.MarketHours != hours.Always && cfg.MarketHours != hours.Calendar {
		return nil, fmt.Errorf("sim: unknown market hours mode %d", cfg.MarketHours)
	}
	if cfg.ExtraSecurities < 0 || cfg.ExtraSecurities > market.MaxGenerated {
		return nil, fmt.Errorf("sim: extra securities %d not within 0-%d", cfg.ExtraSecurities, market.MaxGenerated)
	}
	cfg.Logger = obs.OrDiscard(cfg.Logger)
	if cfg.LoginUserID == 0 {
		cfg.LoginUserID = 10000001
	}
	if cfg.ServerVer == 0 {
		cfg.ServerVer = 1000
	}
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = 5 * time.Second
	}
	s := &Sim{cfg: cfg, log: cfg.Logger}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	var walks func(int32, time.Time) bool
	var fills func(int32, time.Time, bool) bool
	if cfg.MarketHours == hours.Calendar {
		walks, fills = hours.Walks, hours.Fills
	}
	s.market = market.New(market.Config{Seed: cfg.Seed, ExtraSecurities: cfg.ExtraSecurities, Now: cfg.Now,
		Kinds: cfg.Kinds, Trading: walks})
	s.srv = server.New(server.Config{
		ServerVer:         cfg.ServerVer,
		LoginUserID:       cfg.LoginUserID,
		KeepAliveInterval: cfg.KeepAliveInterval,
		MaxConns:          cfg.MaxConns,
		Logger:            cfg.Logger,
		// Both halves keep per-connection state; Register below runs before
		// Serve, so the hook never sees nil services.
		OnClose: s.dropConn,
		Admit:   s.admit,
	})
	s.limits = newLimiter(cfg)
	s.qot = qot.Register(s.srv, s.market, qot.Config{
		SubQuota:     cfg.SubQuota,
		MinSubHold:   cfg.MinSubHold,
		PushInterval: cfg.PushInterval,
		StepAll:      true,
		ServerVer:    cfg.ServerVer,
		UserID:       cfg.LoginUserID,
		Now:          cfg.Now,
		HistoryQuota: cfg.HistoryKLQuota,
		Logger:       cfg.Logger,
		Seed:         cfg.Seed,
		OwnOrders:    s.ownOrders,
	})
	s.trade = trade.Register(s.srv, s.market, trade.Config{
		TradePassword: cfg.TradePassword,
		Seed:          uint64(cfg.Seed),
		Now:           cfg.Now,
		Fills:         fills,
		Logger:        cfg.Logger,
	})
	s.registerSystem()
	return s, nil
}

func (s *Sim) dropConn(c *server.Conn) {
	s.qot.DropConn(c)
	s.trade.DropConn(c)
}

// Market returns the simulated market (for tests and admin tools).
func (s *Sim) Market() *market.Market { return s.market }

// Serve accepts OpenD clients on ln and runs the price loop until ctx ends or
// Shutdown is called. When ctx ends it shuts down gracefully within
// Config.ShutdownTimeout. It returns nil after a clean stop.
func (s *Sim) Serve(ctx context.Context, ln net.Listener) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() {
		if err := s.qot.Run(ctx); err != nil {
			s.log.Error("price loop stopped", obs.Err(err))
		}
	})

	if s.cfg.MarketHours == hours.Calendar {
		wg.Go(func() { s.expireLoop(ctx) })
	}

	served := make(chan error, 1)
	wg.Go(func() { served <- s.srv.Serve(ln) })
	s.log.Info("opend-sim serving", "addr", ln.Addr().String(), "securities", len(s.market.Instruments()))

	select {
	case err := <-served:
		cancel()
		if errors.Is(err, server.ErrServerClosed) {
			return nil
		}
		return fmt.Errorf("sim: serve: %w", err)
	case <-ctx.Done():
		sctx, stop := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
		defer stop()
		err := s.Shutdown(sctx)
		<-served
		return err
	}
}

// Shutdown stops accepting, lets in-flight requests finish, closes every
// connection and stops the trade engine's matching.
func (s *Sim) Shutdown(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	s.once.Do(s.trade.Close)
	if err != nil {
		return fmt.Errorf("sim: shutdown: %w", err)
	}
	return nil
}

// ConnCount returns the number of open OpenD connections.
func (s *Sim) ConnCount() int { return len(s.srv.Conns()) }
