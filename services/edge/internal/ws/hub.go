package ws

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/errinfo"
)

// subKey is what a session subscribes to: a security and a sub type.
type subKey struct {
	secKey  string
	subType int32
}

// session is a Principal.Session() with sockets on this edge. Subscriptions belong to
// the session (the quote service keeps them), so a socket that reconnects resumes.
type session struct {
	id      string
	sockets map[*socket]struct{}
	subs    map[subKey]struct{}
	idle    *time.Timer // running while the session has no socket (SessionLinger)
}

// Hub tracks sockets by session, key and account scope, and fans pushes out to them.
type Hub struct {
	opts Options
	m    *metrics

	ctx     context.Context // ends on Close: stops streams and aborts sockets
	cancel  context.CancelFunc
	bg      sync.WaitGroup // streams and the revocation watcher
	sockWG  sync.WaitGroup // socket handlers
	started bool
	stopped chan struct{}

	changed chan struct{} // the hosted session set changed (capacity 1)
	pongs   atomic.Int64  // keepalive round trips completed (tests watch it)

	mu       sync.RWMutex
	closing  bool
	all      map[*socket]struct{}
	sessions map[string]*session
	bySub    map[subKey]map[*session]struct{}
	traders  map[*socket]struct{} // sockets whose key has acc:read
	byToken  map[string]map[*socket]struct{}
	perOwner map[string]int // open and opening sockets per Principal.Owner
}

// NewHub builds a hub; Start launches its upstream streams.
func NewHub(o Options) (*Hub, error) {
	if o.Cache == nil {
		return nil, errors.New("ws: Options.Cache is required")
	}
	o = o.withDefaults()
	m, err := newMetrics(o.Metrics)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Hub{
		opts: o, m: m, ctx: ctx, cancel: cancel,
		stopped:  make(chan struct{}),
		changed:  make(chan struct{}, 1),
		all:      make(map[*socket]struct{}),
		sessions: make(map[string]*session),
		bySub:    make(map[subKey]map[*session]struct{}),
		traders:  make(map[*socket]struct{}),
		byToken:  make(map[string]map[*socket]struct{}),
		perOwner: make(map[string]int),
	}, nil
}

// Start launches the push streams and the revocation watcher; Close stops them.
func (h *Hub) Start() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.started || h.closing {
		return
	}
	h.started = true
	h.bg.Go(h.sweep)
	if h.opts.Quote != nil {
		h.bg.Go(func() { h.keep(h.ctx, &streamState{h: h, name: "quote"}, h.quoteOnce) })
	}
	if h.opts.Order != nil {
		h.bg.Go(func() { h.keep(h.ctx, &streamState{h: h, name: "trade", tradersOnly: true}, h.tradeOnce) })
	}
	if h.opts.Redis != nil {
		h.bg.Go(func() {
			_ = authn.WatchRevocations(h.ctx, h.opts.Redis, h.opts.Cache, h.opts.Logger, authn.OnRevoked(h.Revoke),
				authn.OnResubscribed(func() { h.bg.Go(func() { h.Revalidate(h.ctx) }) }))
		})
	}
}

// Close refuses new sockets, closes the open ones with 1001 after letting them
// flush their queues for DrainTimeout, and stops the streams. Sockets still open
// when ctx ends are cut. It is idempotent.
func (h *Hub) Close(ctx context.Context) error {
	h.mu.Lock()
	if h.closing {
		h.mu.Unlock()
		<-h.stopped
		return nil
	}
	h.closing = true
	for s := range h.all {
		s.requestClose(closeShutdown)
	}
	for _, sess := range h.sessions {
		if sess.idle != nil {
			sess.idle.Stop()
		}
	}
	h.mu.Unlock()

	done := make(chan struct{})
	go func() {
		h.sockWG.Wait()
		close(done)
	}()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = errors.New("ws: sockets still open at the close deadline; cut")
	}
	h.mu.RLock()
	for s := range h.all { // still open: cut them
		s.cut()
	}
	h.mu.RUnlock()
	h.cancel() // stops the streams
	<-done
	h.bg.Wait()
	close(h.stopped)
	return err
}

// add registers s; false when the hub is closing.
func (h *Hub) add(s *socket) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closing {
		return false
	}
	h.sockWG.Add(1)
	h.all[s] = struct{}{}
	sess := h.sessions[s.sessionID]
	if sess == nil {
		sess = &session{id: s.sessionID, sockets: make(map[*socket]struct{})}
		h.sessions[s.sessionID] = sess
		h.notifyChanged()
	}
	if sess.idle != nil {
		sess.idle.Stop()
		sess.idle = nil
	}
	sess.sockets[s] = struct{}{}
	s.sess = sess
	if s.trades {
		h.traders[s] = struct{}{}
	}
	addTo(h.byToken, s.tokenHash, s)
	h.m.sockets.Inc()
	return true
}

// reserve takes one of owner's socket slots before the upgrade, or reports that
// all are taken.
func (h *Hub) reserve(owner string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.perOwner[owner] >= h.opts.MaxSocketsPerKey {
		return false
	}
	h.perOwner[owner]++
	return true
}

// unreserve gives back one of owner's slots.
func (h *Hub) unreserve(owner string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.unreserveLocked(owner)
}

func (h *Hub) unreserveLocked(owner string) {
	if h.perOwner[owner]--; h.perOwner[owner] <= 0 {
		delete(h.perOwner, owner)
	}
}

// remove unregisters s (once its writer has stopped).
func (h *Hub) remove(s *socket) {
	h.mu.Lock()
	h.unreserveLocked(s.owner)
	delete(h.all, s)
	delete(h.traders, s)
	removeFrom(h.byToken, s.tokenHash, s)
	if sess := s.sess; sess != nil {
		delete(sess.sockets, s)
		if len(sess.sockets) == 0 && !h.closing {
			sess.idle = time.AfterFunc(h.opts.SessionLinger, func() { h.dropIdle(sess) })
		}
	}
	h.mu.Unlock()
	h.m.sockets.Dec()
	h.sockWG.Done()
}

// dropIdle stops hosting a session whose sockets did not come back.
func (h *Hub) dropIdle(sess *session) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.sessions[sess.id] != sess || len(sess.sockets) > 0 {
		return
	}
	sess.idle = nil
	h.setSubsLocked(sess, nil)
	delete(h.sessions, sess.id)
	h.notifyChanged()
}

func (h *Hub) notifyChanged() {
	select {
	case h.changed <- struct{}{}:
	default:
	}
}

// sessionIDs is the hosted session set, sorted.
func (h *Hub) sessionIDs() []string {
	h.mu.RLock()
	ids := make([]string, 0, len(h.sessions))
	for id := range h.sessions {
		ids = append(ids, id)
	}
	h.mu.RUnlock()
	slices.Sort(ids)
	return ids
}

// setSubsLocked replaces sess's subscriptions in the index.
func (h *Hub) setSubsLocked(sess *session, subs map[subKey]struct{}) {
	for k := range sess.subs {
		removeFrom(h.bySub, k, sess)
	}
	sess.subs = subs
	for k := range subs {
		addTo(h.bySub, k, sess)
	}
}

// addTo adds v to the set m[k], making the set on first use.
func addTo[K, V comparable](m map[K]map[V]struct{}, k K, v V) {
	if m[k] == nil {
		m[k] = make(map[V]struct{})
	}
	m[k][v] = struct{}{}
}

// removeFrom removes v from the set m[k], dropping the set once it is empty.
func removeFrom[K, V comparable](m map[K]map[V]struct{}, k K, v V) {
	delete(m[k], v)
	if len(m[k]) == 0 {
		delete(m, k)
	}
}

// Revoke closes, with 4003, every socket opened with the key whose HashToken is
// tokenHash. The revocation watcher calls it.
func (h *Hub) Revoke(tokenHash string) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for s := range h.byToken[tokenHash] {
		s.requestClose(closeRevoked)
	}
}

// Revalidate checks every open socket's key with auth again (the revocation
// watcher lost its subscription, so revocations may have been missed; its cache is
// already purged) and closes, with 4003, the sockets of keys auth says are revoked.
// Only a revocation closes: a key auth cannot be asked about now, or does not find
// (a Redis that came back before its data), keeps its sockets until its expiry or
// the next check.
func (h *Hub) Revalidate(ctx context.Context) {
	h.mu.RLock()
	tokens := make(map[string]string, len(h.byToken))
	for hash, set := range h.byToken {
		for s := range set {
			tokens[hash] = s.token
			break
		}
	}
	h.mu.RUnlock()
	closed := 0
	for hash, token := range tokens {
		vctx, cancel := context.WithTimeout(ctx, validateTimeout)
		_, err := h.opts.Cache.Validate(vctx, token, authn.CallInfo{Method: "GET /ws (revalidate)"})
		cancel()
		if errinfo.Reason(err) == gatewayv1.Reason_REASON_REVOKED_KEY {
			h.Revoke(hash)
			closed++
		}
	}
	h.opts.Logger.Info("websocket keys checked again after a lost revocation subscription", "keys", len(tokens), "revoked", closed)
}

// Sockets is the number of open sockets.
func (h *Hub) Sockets() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.all)
}
