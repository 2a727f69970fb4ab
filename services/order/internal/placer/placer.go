// Package placer is the order service's own connection to OpenD: it unlocks real
// trading (again after every reconnect), keeps the account list, subscribes every
// account's pushes and forwards them to a tradefanout.Hub, places and modifies orders with
// a PacketID so OpenD refuses replays, and reads orders, fills, funds and positions.
// Every call has its own short deadline, so an unreachable OpenD gives a quick
// Unavailable, never a hang.
package placer

import (
	"cmp"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetacclist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdsubaccpush"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdunlocktrade"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdupdateorder"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdupdateorderfill"
	"github.com/futugw/gateway/opend/client"
	"github.com/futugw/gateway/opend/envelope"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/services/order/internal/tradefanout"
	"google.golang.org/protobuf/proto"
)

// DefaultCallTimeout bounds every call to OpenD.
const DefaultCallTimeout = 5 * time.Second

// Config configures a Placer.
type Config struct {
	Addr string
	// TradePassword unlocks real trading; empty keeps it locked (real orders are then
	// refused with trading_locked before reaching OpenD). Never logged.
	TradePassword string
	CallTimeout   time.Duration // per call; DefaultCallTimeout when 0
	// MinBackoff and MaxBackoff bound reconnect delays (client defaults when 0).
	MinBackoff, MaxBackoff time.Duration
	Hub                    *tradefanout.Hub // receives every 2208/2218 push; required
	Logger                 *slog.Logger
}

// Account is one trading account from Trd_GetAccList.
type Account struct {
	ID      uint64
	Env     int32 // 0 simulate, 1 real
	Markets []int32
	AccType int32
}

// Placer is the trade connection. Safe for concurrent use.
type Placer struct {
	cfg    Config
	log    *slog.Logger
	pwdMD5 string

	conn     atomic.Pointer[client.Conn]
	accounts atomic.Pointer[[]Account]
	unlocked atomic.Bool
	lots     sync.Map // sec key -> int32 lot size
	// connects counts OnConnect runs: a retry of the unlock stops once a newer
	// connection exists, and every connect after the first cuts the push subscribers.
	connects atomic.Uint64

	ctx    context.Context // the placer's life, for its own goroutines
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// Start begins connecting to OpenD in the background (and keeps reconnecting) until
// Close. Calls before the first connection fail with opend_unavailable.
func Start(cfg Config) *Placer {
	cfg.CallTimeout = cmp.Or(cfg.CallTimeout, DefaultCallTimeout)
	cfg.Logger = obs.OrDiscard(cfg.Logger)
	if cfg.Hub == nil {
		cfg.Hub = tradefanout.NewHub(0)
	}
	p := &Placer{cfg: cfg, log: cfg.Logger}
	if cfg.TradePassword != "" {
		sum := md5.Sum([]byte(cfg.TradePassword))
		p.pwdMD5 = hex.EncodeToString(sum[:])
	}
	p.accounts.Store(&[]Account{})
	ctx, cancel := context.WithCancel(context.Background())
	p.ctx, p.cancel = ctx, cancel
	p.wg.Go(func() { p.dialLoop(ctx) })
	return p
}

// Close stops reconnecting and closes the connection.
func (p *Placer) Close() error {
	p.cancel()
	p.wg.Wait()
	if c := p.conn.Load(); c != nil {
		return c.Close()
	}
	return nil
}

// Connected reports whether OpenD is connected right now.
func (p *Placer) Connected() bool {
	c := p.conn.Load()
	return c != nil && c.State() == client.StateConnected
}

// TradingUnlocked reports whether real trading is unlocked on the current connection.
func (p *Placer) TradingUnlocked() bool { return p.unlocked.Load() }

// Accounts returns the cached account list.
func (p *Placer) Accounts() []Account { return *p.accounts.Load() }

// dialLoop makes the first connection, retrying with backoff; the client reconnects
// by itself after that.
func (p *Placer) dialLoop(ctx context.Context) {
	c, err := client.DialUntilConnected(ctx, client.Config{
		Addr:        p.cfg.Addr,
		ClientID:    "futugw-order",
		DialTimeout: p.cfg.CallTimeout,
		CallTimeout: p.cfg.CallTimeout,
		MinBackoff:  p.cfg.MinBackoff,
		MaxBackoff:  p.cfg.MaxBackoff,
		Push: map[uint32]client.PushHandler{
			protoid.TrdUpdateOrder:     p.onTradePush,
			protoid.TrdUpdateOrderFill: p.onTradePush,
		},
		OnConnect: p.onConnect,
		OnState: func(s client.State, err error) {
			if s != client.StateConnected {
				p.unlocked.Store(false)
			}
			p.log.Info("opend state", "state", s.String(), obs.Err(err))
		},
		Logger: p.log,
	}, client.Backoff{})
	if err == nil {
		p.conn.Store(c) // only Close ends ctx, and it waits for this loop first
	}
}

// onConnect runs after every (re)connect: unlock, load accounts, subscribe pushes.
// A refused unlock (a wrong password) leaves real trading locked but keeps the
// connection, so simulated trading and reads still work; an unlock that failed
// for a passing reason (OpenD's timeout, no answer) is retried in the background.
// On a reconnect the push subscribers are cut off: OpenD sent nothing for the
// changes made while the connection was down, so they must resync.
func (p *Placer) onConnect(ctx context.Context, c *client.Conn) error {
	p.unlocked.Store(false)
	gen := p.connects.Add(1)
	if gen > 1 {
		p.cfg.Hub.CloseAll(ErrResync)
	}
	if p.pwdMD5 != "" {
		err := p.unlock(ctx, c)
		switch {
		case err == nil:
			p.unlocked.Store(true)
		case unlockRefused(err):
			p.log.Error("unlock trade refused: real trading stays locked", obs.Err(err))
		default:
			p.log.Warn("unlock trade failed; retrying in the background", obs.Err(err))
			p.wg.Go(func() { p.keepUnlocking(c, gen) })
		}
	}
	info, _ := c.Info()
	var accResp trdgetacclist.Response
	if err := p.call(ctx, c, protoid.TrdGetAccList, &trdgetacclist.Request{C2S: &trdgetacclist.C2S{
		UserID: proto.Uint64(info.LoginUserID),
	}}, &accResp); err != nil {
		return fmt.Errorf("get account list: %w", err)
	}
	accs := make([]Account, 0, len(accResp.GetS2C().GetAccList()))
	ids := make([]uint64, 0, len(accs))
	for _, a := range accResp.GetS2C().GetAccList() {
		accs = append(accs, Account{ID: a.GetAccID(), Env: a.GetTrdEnv(), Markets: a.GetTrdMarketAuthList(), AccType: a.GetAccType()})
		ids = append(ids, a.GetAccID())
	}
	p.accounts.Store(&accs)
	if err := p.call(ctx, c, protoid.TrdSubAccPush, &trdsubaccpush.Request{C2S: &trdsubaccpush.C2S{
		AccIDList: ids,
	}}, &trdsubaccpush.Response{}); err != nil {
		return fmt.Errorf("subscribe account pushes: %w", err)
	}
	p.log.Info("opend trade session ready", "accounts", len(accs), "real_trading_unlocked", p.unlocked.Load())
	return nil
}

// ErrResync is why the trade push subscribers are cut off after OpenD reconnected:
// updates made while it was down were never pushed, so the edges must reload.
var ErrResync = errors.New("opend reconnected: trade pushes may have been missed; resync")

func (p *Placer) unlock(ctx context.Context, c *client.Conn) error {
	return p.call(ctx, c, protoid.TrdUnlockTrade, &trdunlocktrade.Request{C2S: &trdunlocktrade.C2S{
		Unlock: proto.Bool(true), PwdMD5: proto.String(p.pwdMD5),
	}}, &trdunlocktrade.Response{})
}

// unlockRefused reports whether OpenD itself refused the unlock (a wrong password,
// retType -1): retrying would only count more wrong attempts against the account.
func unlockRefused(err error) bool {
	var e *envelope.Error
	return errors.As(err, &e) && e.RetType == envelope.RetFailed
}

// keepUnlocking retries the unlock on connection c, backing off up to a minute, until
// it succeeds, OpenD refuses it, a newer connection exists or the placer closes.
func (p *Placer) keepUnlocking(c *client.Conn, gen uint64) {
	wait := time.Second
	for {
		t := time.NewTimer(wait)
		select {
		case <-p.ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		if p.connects.Load() != gen || c.State() != client.StateConnected {
			return // the next connection unlocks for itself
		}
		err := p.unlock(p.ctx, c)
		switch {
		case err == nil:
			if p.connects.Load() == gen {
				p.unlocked.Store(true)
				p.log.Info("unlock trade succeeded on retry: real trading unlocked")
			}
			return
		case unlockRefused(err):
			p.log.Error("unlock trade refused: real trading stays locked", obs.Err(err))
			return
		}
		p.log.Warn("unlock trade failed; retrying", obs.Err(err), "next_in", (2 * wait).String())
		wait = min(2*wait, time.Minute)
	}
}

// call makes one call on c bounded by the per-call deadline.
func (p *Placer) call(ctx context.Context, c *client.Conn, protoID uint32, req, resp proto.Message) error {
	ctx, cancel := context.WithTimeout(ctx, p.cfg.CallTimeout)
	defer cancel()
	return c.Call(ctx, protoID, req, resp)
}

// onTradePush forwards an order or fill push with its account, read from the
// push's header; the body goes on as received.
func (p *Placer) onTradePush(protoID uint32, body []byte) {
	var h *trdcommon.TrdHeader
	switch protoID {
	case protoid.TrdUpdateOrder:
		var m trdupdateorder.Response
		if err := proto.Unmarshal(body, &m); err == nil {
			h = m.GetS2C().GetHeader()
		}
	case protoid.TrdUpdateOrderFill:
		var m trdupdateorderfill.Response
		if err := proto.Unmarshal(body, &m); err == nil {
			h = m.GetS2C().GetHeader()
		}
	}
	if h == nil {
		p.log.Warn("trade push without a readable header", "proto_id", protoID, "bytes", len(body))
	}
	p.cfg.Hub.Publish(&gatewayv1.TradePush{ProtoId: protoID, AccId: h.GetAccID(), TrdEnv: gatewayv1.TrdEnv(h.GetTrdEnv()), Body: body})
}

// current returns the live connection or an unavailable error (nothing was sent).
func (p *Placer) current() (*client.Conn, error) {
	c := p.conn.Load()
	if c == nil || c.State() != client.StateConnected {
		return nil, unavailable("OpenD is not connected")
	}
	return c, nil
}
