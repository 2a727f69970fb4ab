package ws

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"sync"
	"time"

	"google.golang.org/grpc/metadata"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/platform/secret"
	"github.com/futugw/gateway/services/edge/internal/ws/pushframe"
)

// streamState tracks whether a push stream is connected, so sockets hear of an
// outage once and of the recovery once.
type streamState struct {
	h           *Hub
	name        string // "quote" or "trade"
	tradersOnly bool   // who cares about this stream's notifications

	mu      sync.Mutex
	up      bool
	wasDown bool // up before and lost since: announce the recovery
}

func (st *streamState) markUp() {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.up {
		return
	}
	st.up = true
	st.h.m.streamUp.WithLabelValues(st.name).Set(1)
	st.h.opts.Logger.Info("push stream connected", "stream", st.name)
	if st.wasDown {
		st.wasDown = false
		st.h.broadcast(pushframe.Notify(pushframe.EventUpstreamReconnected, "the "+st.name+" push stream is back"), st.tradersOnly)
	}
}

func (st *streamState) markDown(err error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if !st.up {
		return
	}
	st.up, st.wasDown = false, true
	st.h.m.streamUp.WithLabelValues(st.name).Set(0)
	st.h.opts.Logger.Warn("push stream lost; reconnecting", "stream", st.name, obs.Err(err))
	st.h.broadcast(pushframe.Notify(pushframe.EventUpstreamDisconnected,
		"the "+st.name+" push stream is down; reconnecting (resync over REST after it is back)"), st.tradersOnly)
}

// keep runs once (one stream) until ctx ends, reconnecting with jittered
// exponential backoff. A stream that was connected resets the backoff.
func (h *Hub) keep(ctx context.Context, st *streamState, once func(ctx context.Context, connected func()) error) {
	wait := h.opts.BackoffMin
	for {
		stable := false
		err := once(ctx, func() {
			stable = true
			st.markUp()
		})
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			err = io.EOF
		}
		st.markDown(err)
		if stable {
			wait = h.opts.BackoffMin
		} else {
			h.opts.Logger.Debug("push stream attempt failed", "stream", st.name, obs.Err(err))
		}
		d := wait/2 + rand.N(wait/2+1) // jitter: edges restarting together spread out
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		wait = min(wait*2, h.opts.BackoffMax)
	}
}

// withServiceKey authenticates a push stream with the edge's service key, as its
// file holds it now (ServiceKey while the file cannot be read).
func (h *Hub) withServiceKey(ctx context.Context) context.Context {
	key := h.opts.ServiceKey
	if h.opts.ServiceKeyFile != "" {
		if k, err := secret.ReadFile(h.opts.ServiceKeyFile); err == nil {
			key = k
		}
	}
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+key)
}

// stableTimer calls connected once the stream has stayed open for StableAfter (a
// stream that carries nothing yet still counts as connected) or at the first message,
// and never after stop returns.
type stableTimer struct {
	mu      sync.Mutex
	stopped bool
	fired   bool
	fn      func()
	t       *time.Timer
}

func newStableTimer(d time.Duration, connected func()) *stableTimer {
	s := &stableTimer{fn: connected}
	s.t = time.AfterFunc(d, s.fire)
	return s
}

func (s *stableTimer) fire() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.stopped && !s.fired {
		s.fired = true
		s.fn()
	}
}

func (s *stableTimer) stop() {
	s.t.Stop()
	s.mu.Lock()
	s.stopped = true
	s.mu.Unlock()
}

// quoteOnce runs one StreamPushes call: it sends the hosted session set now and
// after every change (debounced) and dispatches what comes back.
func (h *Hub) quoteOnce(ctx context.Context, connected func()) error {
	ctx, cancel := context.WithCancel(h.withServiceKey(ctx))
	defer cancel()
	stream, err := h.opts.Quote.StreamPushes(ctx)
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel() // runs before wg.Wait: stops the sender
	sendErr := make(chan error, 1)
	wg.Go(func() {
		err := h.sendSessions(ctx, stream)
		sendErr <- err
		if err != nil {
			cancel() // Recv returns too
		}
	})

	stable := newStableTimer(h.opts.StableAfter, connected)
	defer stable.stop()
	for {
		p, err := stream.Recv()
		if err != nil {
			select {
			case serr := <-sendErr:
				if serr != nil && !errors.Is(serr, io.EOF) {
					return serr
				}
			default:
			}
			return err
		}
		stable.fire()
		h.onQuotePush(p)
	}
}

// sendSessions keeps the quote service informed of the hosted sessions.
func (h *Hub) sendSessions(ctx context.Context, stream gatewayv1.QuoteService_StreamPushesClient) error {
	send := func() error {
		return stream.Send(&gatewayv1.StreamPushesRequest{SessionIds: h.sessionIDs()})
	}
	if err := send(); err != nil {
		return err
	}
	debounce := time.NewTimer(0)
	if !debounce.Stop() {
		<-debounce.C
	}
	defer debounce.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-h.changed:
			// Sockets come and go in bursts (a page reload, an edge restart): send
			// the set once they settle.
			debounce.Reset(h.opts.Debounce)
			select {
			case <-ctx.Done():
				return nil
			case <-debounce.C:
			}
			select { // changes during the wait are in this send
			case <-h.changed:
			default:
			}
			if err := send(); err != nil {
				return err
			}
		}
	}
}

func (h *Hub) tradeOnce(ctx context.Context, connected func()) error {
	ctx, cancel := context.WithCancel(h.withServiceKey(ctx))
	defer cancel()
	stream, err := h.opts.Order.StreamTradePushes(ctx, &gatewayv1.StreamTradePushesRequest{})
	if err != nil {
		return err
	}
	stable := newStableTimer(h.opts.StableAfter, connected)
	defer stable.stop()
	for {
		p, err := stream.Recv()
		if err != nil {
			return err
		}
		stable.fire()
		h.onTrade(p)
	}
}
