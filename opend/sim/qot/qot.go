// Package qot serves the market-data half of the OpenD simulator: global
// state and user info, subscriptions with the real OpenD's rules (per
// connection, quota, one-minute minimum hold), quote requests and the
// Qot_UpdateBasicQot / Qot_UpdateOrderBook / Qot_UpdateTicker pushes. Every
// Qot_Common.SubType is accepted (subtypes.go), K-line types included.
package qot

import (
	"log/slog"
	"time"

	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/server"
	"github.com/futugw/gateway/opend/sim/market"
	"github.com/futugw/gateway/platform/obs"
)

// Config configures the quote service. The zero value is usable.
type Config struct {
	SubQuota     int           // slots per connection; 0 = 500
	MinSubHold   time.Duration // minimum age before unsubscribing; 0 = 1 minute
	PushInterval time.Duration // time between steps of one security; 0 = 500ms
	// StepAll steps every security of the market, not only subscribed ones, so
	// the trade engine's limit orders see prices move without a subscriber.
	StepAll   bool
	ServerVer int32  // reported by GetGlobalState; 0 = 1000
	UserID    uint64 // reported by GetUserInfo
	Now       func() time.Time
	Logger    *slog.Logger
	// Seed seeds the day's synthetic intraday model behind Qot_GetRT and the
	// K-line history (the market's seed, so RT agrees with the K-lines).
	Seed int64
	// OwnOrders returns the user's resting limit orders on a security, shown
	// in the order book as the exchange would; nil = none.
	OwnOrders func(key string) []OwnOrder
	// HistoryQuota is how many distinct securities Qot_RequestHistoryKL
	// serves per 30 days; 0 = 100.
	HistoryQuota int
}

func (c Config) withDefaults() Config {
	if c.SubQuota <= 0 {
		c.SubQuota = 500
	}
	if c.MinSubHold <= 0 {
		c.MinSubHold = time.Minute
	}
	if c.PushInterval <= 0 {
		c.PushInterval = 500 * time.Millisecond
	}
	if c.ServerVer == 0 {
		c.ServerVer = 1000
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	c.Logger = obs.OrDiscard(c.Logger)
	return c
}

// Service holds the subscriptions and serves the quote protocol ids.
type Service struct {
	cfg    Config
	m      *market.Market
	srv    *server.Server
	subs   *registry[*server.Conn]
	pushes *pushState
	live   *liveState
	log    *slog.Logger
	kl     *klState
}

// Register builds a Service and registers its handlers on srv. Call DropConn
// from the server's OnClose hook and Run to start the push loop.
func Register(srv *server.Server, m *market.Market, cfg Config) *Service {
	cfg = cfg.withDefaults()
	s := &Service{
		cfg:    cfg,
		m:      m,
		srv:    srv,
		subs:   newRegistry[*server.Conn](cfg.SubQuota, cfg.MinSubHold),
		pushes: newPushState(),
		log:    cfg.Logger.With("component", "qot"),
	}
	srv.Handle(protoid.GetGlobalState, s.getGlobalState)
	srv.Handle(protoid.GetUserInfo, s.getUserInfo)
	srv.Handle(protoid.QotSub, s.sub)
	srv.Handle(protoid.QotRegQotPush, s.regQotPush)
	srv.Handle(protoid.QotGetSubInfo, s.getSubInfo)
	srv.Handle(protoid.QotGetBasicQot, s.getBasicQot)
	srv.Handle(protoid.QotGetStaticInfo, s.getStaticInfo)
	srv.Handle(protoid.QotGetSecuritySnapshot, s.getSecuritySnapshot)
	s.registerLive()
	s.registerKLines()
	s.registerKinds()
	s.registerMarketData()
	return s
}

// DropConn forgets a closed connection's subscriptions. Wire it into the
// server's OnClose hook: subscriptions belong to a connection and vanish with it.
func (s *Service) DropConn(c *server.Conn) {
	s.subs.drop(c)
}
