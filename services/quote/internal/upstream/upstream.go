// Package upstream owns the quote service's one OpenD connection: it keeps dialling
// until OpenD answers, restores subscriptions after every (re)connect, hands quote and
// Notify pushes to the fan-out and speaks Qot_Sub / Qot_GetSubInfo for the registry.
package upstream

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/futugw/gateway/opend/client"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/platform/obs"
	"google.golang.org/protobuf/proto"
)

// ErrUnavailable: there is no OpenD connection right now (first dial pending, or
// reconnecting). Errors from a dropped connection wrap client.ErrNotConnected instead;
// Unavailable reports both.
var ErrUnavailable = errors.New("opend is not connected")

// Unavailable reports whether err means OpenD cannot be reached right now.
func Unavailable(err error) bool {
	return errors.Is(err, ErrUnavailable) || errors.Is(err, client.ErrNotConnected) || errors.Is(err, client.ErrClosed)
}

// Config configures a Client. Addr is required.
type Config struct {
	Addr                   string
	DialTimeout            time.Duration // per attempt; 5s when zero
	MinBackoff, MaxBackoff time.Duration // between dial attempts; 100ms and 5s when zero
	// OnConnect runs after every InitConnect, before the connection counts as up:
	// learn the quota and restore subscriptions here (calls through c work).
	OnConnect func(ctx context.Context, c *Client) error
	// OnState is told when the connection comes up or goes down.
	OnState func(connected bool, err error)
	// OnPush receives every quote (3005, 3007, 3009, 3011, 3013, 3015, 3019) and Notify (1003) push, one at a
	// time, with the time it was dispatched.
	OnPush func(protoID uint32, body []byte, recvNano int64)
	Logger *slog.Logger
}

// Client is the OpenD connection. Safe for concurrent use.
type Client struct {
	cfg  Config
	log  *slog.Logger
	conn atomic.Pointer[client.Conn]
	up   atomic.Bool

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// Start begins connecting in the background and returns at once; calls fail with
// ErrUnavailable until the first connection is up.
func Start(cfg Config) *Client {
	cfg.DialTimeout = cmp.Or(cfg.DialTimeout, 5*time.Second)
	cfg.MinBackoff = cmp.Or(cfg.MinBackoff, 100*time.Millisecond)
	cfg.MaxBackoff = cmp.Or(cfg.MaxBackoff, 5*time.Second)
	cfg.Logger = obs.OrDiscard(cfg.Logger)
	c := &Client{cfg: cfg, log: cfg.Logger}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	c.wg.Go(c.dialLoop)
	return c
}

// dialLoop makes the first connection; later reconnects are the opend client's.
func (c *Client) dialLoop() {
	push := func(protoID uint32, body []byte) {
		if c.cfg.OnPush != nil {
			c.cfg.OnPush(protoID, body, time.Now().UnixNano())
		}
	}
	conn, err := client.DialUntilConnected(c.ctx, client.Config{
		Addr:        c.cfg.Addr,
		ClientID:    "futugw-quote",
		RecvNotify:  true,
		DialTimeout: c.cfg.DialTimeout,
		MinBackoff:  c.cfg.MinBackoff,
		MaxBackoff:  c.cfg.MaxBackoff,
		Logger:      c.log,
		// Quotes are conflated downstream anyway: a stalled dispatcher drops pushes
		// rather than the connection (and every subscription with it).
		PushOverflow: client.OverflowDrop,
		Push: map[uint32]client.PushHandler{
			protoid.QotUpdateBasicQot: push, protoid.QotUpdateTicker: push, protoid.QotUpdateOrderBook: push, protoid.Notify: push,
			protoid.QotUpdateKL: push, protoid.QotUpdateRT: push, protoid.QotUpdateBroker: push, protoid.QotUpdatePriceReminder: push,
		},
		OnConnect: func(ctx context.Context, conn *client.Conn) error {
			c.conn.Store(conn) // the same Conn Dial returns; calls work from here on
			if c.cfg.OnConnect == nil {
				return nil
			}
			return c.cfg.OnConnect(ctx, c)
		},
		OnState: func(s client.State, err error) {
			switch s {
			case client.StateConnected:
				c.up.Store(true)
				c.notify(true, nil)
			case client.StateDisconnected:
				c.up.Store(false)
				c.notify(false, err)
			}
		},
	}, client.Backoff{Min: c.cfg.MinBackoff, Max: c.cfg.MaxBackoff})
	if err == nil {
		c.conn.Store(conn)
	}
}

func (c *Client) notify(up bool, err error) {
	if c.cfg.OnState != nil {
		c.cfg.OnState(up, err)
	}
}

// Connected reports whether OpenD is connected and subscriptions are restored.
func (c *Client) Connected() bool { return c.up.Load() }

// Call sends one request; see client.Conn.Call.
func (c *Client) Call(ctx context.Context, protoID uint32, req, resp proto.Message) error {
	conn := c.conn.Load()
	if conn == nil {
		return ErrUnavailable
	}
	if err := conn.Call(ctx, protoID, req, resp); err != nil {
		return fmt.Errorf("opend proto %d: %w", protoID, err)
	}
	return nil
}

// Close stops dialling and closes the connection.
func (c *Client) Close() error {
	c.cancel()
	c.wg.Wait()
	if conn := c.conn.Load(); conn != nil {
		return conn.Close()
	}
	return nil
}
