package app

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/notify"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/services/quote/internal/quotefanout"
	"github.com/futugw/gateway/services/quote/internal/subs"
	"github.com/futugw/gateway/services/quote/internal/upstream"
	"google.golang.org/protobuf/proto"
)

// startUpstream starts connecting to OpenD in the background. Every (re)connect
// learns the quota and restores the registry's subscriptions; pushes go to the hub.
// link is the registry's view of the connection, set at each connect.
func startUpstream(cfg Config, reg *subs.Registry, link *lazyUpstream, hub *quotefanout.Hub, m *metrics, log *slog.Logger) *upstream.Client {
	return upstream.Start(upstream.Config{
		Addr: cfg.OpenDAddr, Logger: log,
		OnConnect: func(ctx context.Context, c *upstream.Client) error {
			link.c.Store(c)
			return restoreUpstream(ctx, c, reg, cfg.SubQuota, log)
		},
		OnState: stateNotifier(hub, log),
		OnPush: func(protoID uint32, body []byte, recv int64) {
			m.pushes.WithLabelValues(fmt.Sprint(protoID)).Inc()
			forwardPush(hub, protoID, body, recv, log)
		},
	})
}

// restoreUpstream learns the quota and restores every live subscription on a fresh
// connection.
func restoreUpstream(ctx context.Context, c *upstream.Client, reg *subs.Registry, limit int, log *slog.Logger) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if used, remain, err := c.SubInfo(ctx); err == nil {
		q := used + remain
		if limit > 0 && limit < q {
			q = limit
		}
		reg.SetQuota(q)
		log.Info("opend subscription quota", "used", used, "remain", remain, "effective_quota", q)
	} else {
		log.Warn("opend Qot_GetSubInfo failed; keeping the configured quota", obs.Err(err))
	}
	return reg.Restore(ctx)
}

// forwardPush hands a quote push to the hub, and an OpenD Notify as an event line.
func forwardPush(hub *quotefanout.Hub, protoID uint32, body []byte, recv int64, log *slog.Logger) {
	if protoID == protoid.Notify {
		if msg, ok := describeNotify(body); ok {
			hub.Notify(quotefanout.EventOpenD, msg)
		}
		return
	}
	if err := hub.Publish(protoID, body, recv); err != nil {
		log.Warn("bad push from opend", "proto_id", protoID, obs.Err(err))
	}
}

// stateNotifier tells every edge stream about OpenD going away and coming back (not
// about the first connection).
func stateNotifier(hub *quotefanout.Hub, log *slog.Logger) func(bool, error) {
	lost := false
	return func(up bool, err error) {
		switch {
		case !up:
			lost = true
			log.Warn("opend disconnected", obs.Err(err))
			hub.Notify(quotefanout.EventDisconnected, "OpenD connection lost; quotes paused, reconnecting")
		case lost:
			lost = false
			log.Info("opend reconnected; subscriptions restored")
			hub.Notify(quotefanout.EventReconnected, "OpenD connection restored; subscriptions restored, quotes resume")
		}
	}
}

// lazyUpstream lets the registry exist before the OpenD client, which needs the
// registry to restore subscriptions: the client is set at its first connect.
type lazyUpstream struct {
	c atomic.Pointer[upstream.Client]
}

func (l *lazyUpstream) Subscribe(ctx context.Context, ps []subs.Pair) ([]subs.Pair, error) {
	c := l.c.Load()
	if c == nil {
		return nil, upstream.ErrUnavailable
	}
	return c.Subscribe(ctx, ps)
}

func (l *lazyUpstream) Unsubscribe(ctx context.Context, ps []subs.Pair) error {
	c := l.c.Load()
	if c == nil {
		return upstream.ErrUnavailable
	}
	return c.Unsubscribe(ctx, ps)
}

// describeNotify turns an OpenD Notify (1003) push into a line for the panel.
func describeNotify(body []byte) (string, bool) {
	var r notify.Response
	if err := proto.Unmarshal(body, &r); err != nil || r.GetRetType() != 0 {
		return "", false
	}
	s := r.GetS2C()
	switch {
	case s.GetEvent() != nil:
		return fmt.Sprintf("OpenD event %d: %s", s.GetEvent().GetEventType(), s.GetEvent().GetDesc()), true
	case s.GetConnectStatus() != nil:
		return fmt.Sprintf("OpenD broker connection: quotes logged in %v, trading logged in %v",
			s.GetConnectStatus().GetQotLogined(), s.GetConnectStatus().GetTrdLogined()), true
	case s.GetProgramStatus() != nil:
		return fmt.Sprintf("OpenD program status %d", s.GetProgramStatus().GetProgramStatus().GetType()), true
	}
	return fmt.Sprintf("OpenD notify type %d", s.GetType()), true
}
