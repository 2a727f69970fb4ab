// Package quotefanout turns the one OpenD push feed into per-edge streams: each edge stream
// hosts a set of sessions and receives, once, every push of a (security, sub type) in
// the union of their subscriptions, plus those sessions' subscription changes and
// OpenD status notifications. Each push is split per security and encoded once,
// whatever the number of streams; slow streams get conflated quotes.
package quotefanout

import (
	"cmp"
	"context"
	"errors"
	"sync"
	"sync/atomic"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/services/quote/internal/subs"
)

// Notification events.
const (
	EventDisconnected  = "opend_disconnected"
	EventReconnected   = "opend_reconnected"
	EventQuotaExceeded = "quota_exceeded"
	EventOpenD         = "opend_notify" // an OpenD system Notify (1003)
)

// Queue bounds per stream, defaults of Options.
const (
	DefaultMaxControl = 1024
	DefaultMaxQuotes  = 8192
)

var (
	// ErrOverflow fails a stream whose control or ticker frames (never dropped)
	// piled up.
	ErrOverflow = errors.New("quotefanout: edge stream too slow: subscription, notify or ticker frames overflowed its queue")
	// ErrClosed is returned by Next after Close.
	ErrClosed = errors.New("quotefanout: stream closed")
	// ErrShuttingDown ends every stream when the service stops.
	ErrShuttingDown = errors.New("quote service shutting down")
)

// Options tune a Hub.
type Options struct {
	MaxControl int // control frames waiting per stream before it fails
	MaxQuotes  int // distinct quote pairs waiting per stream
}

// Hub routes pushes to edge streams. Safe for concurrent use.
type Hub struct {
	o Options

	mu       sync.RWMutex
	sessions map[string]*sessionState // every session with subscriptions
	hosted   map[string]map[*Stream]struct{}
	route    map[subs.Pair]map[*Stream]struct{}
	streams  map[*Stream]struct{}

	closing bool // CloseAll ran: new streams fail at once; guarded by mu

	cache *Cache

	// latest is the last frame of each pair whose state a frame carries whole (basic
	// quote, order book), sent to a session that starts holding the pair or a stream
	// that starts hosting the session: OpenD's first push for a new subscription comes
	// before its answer, so before the pair is routed. Tickers are increments: none.
	lmu    sync.Mutex
	latest map[subs.Pair]*gatewayv1.QuotePush

	sent, conflated atomic.Uint64
}

type sessionState struct {
	pairs []subs.Pair
	msg   *gatewayv1.QuotePush // session_subs frame, built once per change
}

// New returns a Hub without streams.
func New(o Options) *Hub {
	o.MaxControl = cmp.Or(o.MaxControl, DefaultMaxControl)
	o.MaxQuotes = cmp.Or(o.MaxQuotes, DefaultMaxQuotes)
	return &Hub{
		o:        o,
		sessions: make(map[string]*sessionState),
		hosted:   make(map[string]map[*Stream]struct{}),
		route:    make(map[subs.Pair]map[*Stream]struct{}),
		streams:  make(map[*Stream]struct{}),
		cache:    newCache(),
		latest:   make(map[subs.Pair]*gatewayv1.QuotePush),
	}
}

// remember keeps m as p's latest frame.
func (h *Hub) remember(p subs.Pair, m *gatewayv1.QuotePush) {
	h.lmu.Lock()
	h.latest[p] = m
	h.lmu.Unlock()
}

// snapshotLocked queues on s the latest frame of each of ps that has one. Callers
// route ps to s first, so a push arriving meanwhile is delivered too (a duplicate of
// the latest state at worst, never a loss).
func (h *Hub) snapshotLocked(s *Stream, ps []subs.Pair) {
	h.lmu.Lock()
	defer h.lmu.Unlock()
	for _, p := range ps {
		if m := h.latest[p]; m != nil && s.q.quote(p, m) {
			h.conflated.Add(1)
		}
	}
}

// added returns the pairs of ps not in old.
func added(old *sessionState, ps []subs.Pair) []subs.Pair {
	if old == nil {
		return ps
	}
	had := make(map[subs.Pair]struct{}, len(old.pairs))
	for _, p := range old.pairs {
		had[p] = struct{}{}
	}
	var out []subs.Pair
	for _, p := range ps {
		if _, ok := had[p]; !ok {
			out = append(out, p)
		}
	}
	return out
}

// Cache returns the latest BasicQot per security seen in pushes.
func (h *Hub) Cache() *Cache { return h.cache }

// Stats are the hub's counters.
type Stats struct {
	Streams         int
	FramesSent      uint64 // frames handed to streams' senders
	FramesConflated uint64 // quote frames replaced by a newer one before being sent
}

// Stats returns a snapshot of the counters.
func (h *Hub) Stats() Stats {
	h.mu.RLock()
	n := len(h.streams)
	h.mu.RUnlock()
	return Stats{Streams: n, FramesSent: h.sent.Load(), FramesConflated: h.conflated.Load()}
}

// SessionChanged records session's new full set and tells the streams hosting it.
// The registry calls it, in order, after every change.
func (h *Hub) SessionChanged(session string, ps []subs.Pair) {
	st := &sessionState{pairs: ps, msg: sessionSubsMsg(session, ps)}
	h.mu.Lock()
	defer h.mu.Unlock()
	old := h.sessions[session]
	if len(ps) == 0 {
		delete(h.sessions, session)
	} else {
		h.sessions[session] = st
	}
	fresh := added(old, ps)
	for s := range h.hosted[session] {
		if old != nil {
			h.unrouteLocked(s, old.pairs)
		}
		h.routeLocked(s, ps)
		s.q.control(st.msg)
		h.snapshotLocked(s, fresh)
	}
}

// Notify sends a notification to every stream.
func (h *Hub) Notify(event, message string) {
	m := &gatewayv1.QuotePush{Notify: &gatewayv1.Notification{Event: event, Message: message}}
	h.mu.RLock()
	defer h.mu.RUnlock()
	for s := range h.streams {
		s.q.control(m)
	}
}

// NotifySession sends a notification to the streams hosting session only (a refusal
// that concerns that session's sockets, such as quota_exceeded).
func (h *Hub) NotifySession(session, event, message string) {
	m := &gatewayv1.QuotePush{Notify: &gatewayv1.Notification{Event: event, Message: message, SessionId: session}}
	h.mu.RLock()
	defer h.mu.RUnlock()
	for s := range h.hosted[session] {
		s.q.control(m)
	}
}

// Hosted reports whether some edge stream hosts session (a socket of it is open).
func (h *Hub) Hosted(session string) bool {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.hosted[session]) > 0
}

// deliver enqueues one encoded quote frame on every stream whose union has p.
func (h *Hub) deliver(p subs.Pair, m *gatewayv1.QuotePush) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for s := range h.route[p] {
		if p.SubType == subs.SubTicker {
			s.q.tick(m)
		} else if s.q.quote(p, m) {
			h.conflated.Add(1)
		}
	}
}

func (h *Hub) routeLocked(s *Stream, ps []subs.Pair) {
	for _, p := range ps {
		if s.union[p]++; s.union[p] == 1 {
			link(h.route, p, s)
		}
	}
}

func (h *Hub) unrouteLocked(s *Stream, ps []subs.Pair) {
	for _, p := range ps {
		if s.union[p]--; s.union[p] <= 0 {
			delete(s.union, p)
			unlink(h.route, p, s)
		}
	}
}

// link and unlink keep sets of streams by key, without empty sets.
func link[K comparable](m map[K]map[*Stream]struct{}, k K, s *Stream) {
	if m[k] == nil {
		m[k] = make(map[*Stream]struct{})
	}
	m[k][s] = struct{}{}
}

func unlink[K comparable](m map[K]map[*Stream]struct{}, k K, s *Stream) {
	delete(m[k], s)
	if len(m[k]) == 0 {
		delete(m, k)
	}
}

// Stream is one edge's feed.
type Stream struct {
	h        *Hub
	q        *queue
	sessions map[string]struct{} // guarded by h.mu
	union    map[subs.Pair]int   // pair -> hosted sessions holding it; guarded by h.mu
}

// Open registers a new stream hosting no session yet.
func (h *Hub) Open() *Stream {
	s := &Stream{h: h, q: newQueue(h.o.MaxControl, h.o.MaxQuotes),
		sessions: make(map[string]struct{}), union: make(map[subs.Pair]int)}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closing { // opened after the shutdown drain: end it at once
		s.q.fail(ErrShuttingDown)
		return s
	}
	h.streams[s] = struct{}{}
	return s
}

// SetSessions replaces the sessions the stream hosts; each newly hosted session's
// current set is queued as a session_subs frame.
func (s *Stream) SetSessions(ids []string) {
	h := s.h
	want := make(map[string]struct{}, len(ids))
	for _, id := range ids {
		if id != "" {
			want[id] = struct{}{}
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, open := h.streams[s]; !open {
		return
	}
	for id := range s.sessions {
		if _, keep := want[id]; keep {
			continue
		}
		delete(s.sessions, id)
		h.unhostLocked(s, id)
	}
	for id := range want {
		if _, had := s.sessions[id]; had {
			continue
		}
		s.sessions[id] = struct{}{}
		link(h.hosted, id, s)
		st := h.sessions[id]
		if st == nil {
			s.q.control(sessionSubsMsg(id, nil))
			continue
		}
		h.routeLocked(s, st.pairs)
		s.q.control(st.msg)
		h.snapshotLocked(s, st.pairs)
	}
}

func (h *Hub) unhostLocked(s *Stream, id string) {
	unlink(h.hosted, id, s)
	if st := h.sessions[id]; st != nil {
		h.unrouteLocked(s, st.pairs)
	}
}

// Next waits for the stream's next frame. It fails with ErrOverflow when the stream
// fell too far behind, ErrClosed after Close, or ctx's error.
func (s *Stream) Next(ctx context.Context) (*gatewayv1.QuotePush, error) {
	for {
		m, ok, err := s.q.pop()
		if err != nil {
			return nil, err
		}
		if ok {
			s.h.sent.Add(1)
			return m, nil
		}
		select {
		case <-s.q.wake:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// Pending returns the number of frames waiting (for tests and diagnostics).
func (s *Stream) Pending() int { return s.q.len() }

// CloseAll ends every stream (shutdown): their Next fails with ErrShuttingDown.
func (h *Hub) CloseAll() {
	h.mu.Lock()
	h.closing = true
	streams := make([]*Stream, 0, len(h.streams))
	for s := range h.streams {
		streams = append(streams, s)
	}
	h.mu.Unlock()
	for _, s := range streams {
		s.q.fail(ErrShuttingDown)
		s.Close()
	}
}

// Close unregisters the stream; Next fails with ErrClosed.
func (s *Stream) Close() {
	h := s.h
	h.mu.Lock()
	if _, open := h.streams[s]; open {
		delete(h.streams, s)
		for id := range s.sessions {
			h.unhostLocked(s, id)
		}
		clear(s.sessions)
	}
	h.mu.Unlock()
	s.q.fail(ErrClosed)
}

func sessionSubsMsg(session string, ps []subs.Pair) *gatewayv1.QuotePush {
	list := make([]*gatewayv1.Subscription, 0, len(ps))
	for _, p := range ps {
		list = append(list, &gatewayv1.Subscription{
			Security: &gatewayv1.Security{Market: p.Sec.Market, Code: p.Sec.Code},
			SecKey:   p.Sec.Key(), SubType: p.SubType,
		})
	}
	return &gatewayv1.QuotePush{SessionSubs: &gatewayv1.SessionSubscriptions{SessionId: session, Subscriptions: list}}
}
