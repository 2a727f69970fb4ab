package authn

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/platform/run"
)

// RevocationChannel is the Redis pub/sub channel on which revocations are announced.
// The payload is the revoked key's HashToken (hex).
const RevocationChannel = "futugw:revocations"

// PublishRevocation announces that the key with tokenHash is revoked, so every
// process watching drops it from its cache.
func PublishRevocation(ctx context.Context, rdb redis.UniversalClient, tokenHash string) error {
	if err := rdb.Publish(ctx, RevocationChannel, tokenHash).Err(); err != nil {
		return fmt.Errorf("publish revocation: %w", err)
	}
	return nil
}

// Watch tuning.
const (
	// watchIdle is how long a silent subscription waits before pinging, to notice a
	// connection that died without a FIN.
	watchIdle    = 5 * time.Second
	watchBackoff = 100 * time.Millisecond
	watchMaxWait = 2 * time.Second
)

// WatchOption adds behaviour to WatchRevocations.
type WatchOption func(*watchConfig)

type watchConfig struct {
	onRevoked      func(tokenHash string)
	onResubscribed func()
}

// OnResubscribed makes WatchRevocations call fn after each subscription that
// follows a lost one: revocations announced in between were missed, so holders of
// long-lived connections must check their keys again. fn runs on the watcher's
// goroutine: start the work elsewhere.
func OnResubscribed(fn func()) WatchOption {
	return func(w *watchConfig) { w.onResubscribed = fn }
}

// OnRevoked makes WatchRevocations call fn with each announced hash (lowercase hex)
// after invalidating the cache entry, so holders of long-lived connections (the
// edge's WebSockets) can close them. fn runs on the watcher's goroutine: keep it short.
func OnRevoked(fn func(tokenHash string)) WatchOption {
	return func(w *watchConfig) { w.onRevoked = fn }
}

// WatchRevocations subscribes to RevocationChannel and invalidates c's entry for each
// announced hash. It purges c on every (re)subscription and when the subscription is
// lost, so nothing revoked while it was not listening survives. It reconnects until
// ctx ends, then returns nil.
func WatchRevocations(ctx context.Context, rdb redis.UniversalClient, c *Cache, log *slog.Logger, opts ...WatchOption) error {
	log = obs.OrDiscard(log)
	var cfg watchConfig
	for _, o := range opts {
		o(&cfg)
	}
	sub := newSubscription(ctx, rdb)
	defer sub.close()

	healthy := false    // whether we are subscribed as far as we know
	subscribed := false // whether a subscription ever succeeded
	pinged := false     // a PING went out and nothing has come back since
	wait := watchBackoff
	for {
		msg, err := sub.current().ReceiveTimeout(ctx, watchIdle)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			if isTimeout(err) && !pinged {
				// Quiet channel: a ping makes a dead connection show itself.
				if perr := sub.current().Ping(ctx); perr == nil {
					pinged = true
					continue
				}
			}
			if isTimeout(err) {
				// The ping went unanswered for a whole idle period: the connection is
				// dead although nothing failed (a peer gone without a FIN), and the
				// client would not notice for minutes. Start a new one.
				err = errors.New("no answer to PING")
				sub.renew()
			}
			pinged = false
			if healthy {
				healthy = false
				c.Purge()
				log.Warn("revocation subscription lost; cache purged, reconnecting", obs.Err(err))
			}
			if !run.Sleep(ctx, wait) {
				return nil
			}
			wait = min(wait*2, watchMaxWait)
			continue
		}
		pinged = false
		switch m := msg.(type) {
		case *redis.Subscription:
			if m.Kind == "subscribe" {
				healthy = true
				wait = watchBackoff
				c.Purge()
				log.Info("revocations subscribed; cache purged", "channel", m.Channel)
				if subscribed && cfg.onResubscribed != nil {
					cfg.onResubscribed()
				}
				subscribed = true
			}
		case *redis.Message:
			c.Invalidate(m.Payload)
			if cfg.onRevoked != nil {
				cfg.onRevoked(strings.ToLower(m.Payload))
			}
		}
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// subscription is the watcher's PubSub, replaceable when its connection is found dead.
// Receive does not return on context cancellation; closing the PubSub does, so a
// goroutine closes the current one when ctx ends.
type subscription struct {
	ctx    context.Context
	rdb    redis.UniversalClient
	mu     sync.Mutex
	ps     *redis.PubSub
	ended  bool
	done   chan struct{}
	closed chan struct{}
}

func newSubscription(ctx context.Context, rdb redis.UniversalClient) *subscription {
	s := &subscription{ctx: ctx, rdb: rdb, ps: rdb.Subscribe(ctx, RevocationChannel),
		done: make(chan struct{}), closed: make(chan struct{})}
	go func() {
		defer close(s.closed)
		select {
		case <-ctx.Done():
		case <-s.done:
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		s.ended = true
		_ = s.ps.Close()
	}()
	return s
}

func (s *subscription) current() *redis.PubSub {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ps
}

func (s *subscription) renew() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended {
		return
	}
	_ = s.ps.Close()
	s.ps = s.rdb.Subscribe(s.ctx, RevocationChannel)
}

// close ends the subscription and waits until it is closed.
func (s *subscription) close() {
	close(s.done)
	<-s.closed
}
