package subs

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/futugw/gateway/platform/obs"
)

// Upstream is OpenD's side of subscriptions (Qot_Sub).
type Upstream interface {
	// Subscribe subscribes ps with push registration. On error, done lists the pairs
	// that OpenD did accept (they hold quota until released).
	Subscribe(ctx context.Context, ps []Pair) (done []Pair, err error)
	// Unsubscribe releases ps.
	Unsubscribe(ctx context.Context, ps []Pair) error
}

// Options configure a Registry. Upstream is required.
type Options struct {
	Upstream Upstream
	Clock    Clock         // RealClock when nil
	Quota    int           // upstream slots; DefaultQuota when zero
	Hold     time.Duration // OpenD's minimum subscription age before a release
	// RetryDelay spaces retries of a failed release; 5s when zero.
	RetryDelay time.Duration
	// CallTimeout bounds the upstream calls the registry makes on its own (releases);
	// 10s when zero.
	CallTimeout time.Duration

	// OnSessionChange receives a session's full new set after every change. It runs
	// with the registry locked, so changes arrive in order: it must not call back.
	OnSessionChange func(session string, ps []Pair)
	// OnUpstreamChange receives the number of upstream subscriptions after a change
	// (under the lock, like OnSessionChange).
	OnUpstreamChange func(n int)
	// OnQuotaDrop is told of a session that Restore dropped because OpenD's quota no
	// longer holds every session's pairs (under the lock, like OnSessionChange, which
	// also receives the session's empty set).
	OnQuotaDrop func(session string, ps []Pair)
	Logger      *slog.Logger
}

// DefaultQuota is the quota when neither OpenD nor configuration says otherwise.
const DefaultQuota = 500

// Registry maps sessions to pairs and keeps OpenD's subscriptions equal to their union
// (plus pairs whose release waits for the minimum hold). Safe for concurrent use.
// Upstream calls are made with the registry locked, so a subscribe is all-or-nothing
// with respect to every other change.
type Registry struct {
	o Options

	mu       sync.Mutex
	quota    int
	sessions map[string]map[Pair]struct{}
	entries  map[Pair]*entry // upstream subscriptions
	closed   bool
}

// entry is one upstream subscription.
type entry struct {
	refs    int       // sessions holding it
	at      time.Time // when OpenD accepted it
	release Timer     // pending release when refs == 0
	gen     uint64    // bumped whenever release changes, to spot stale timers
}

// New returns an empty registry.
func New(o Options) *Registry {
	if o.Clock == nil {
		o.Clock = RealClock{}
	}
	o.Quota = cmp.Or(o.Quota, DefaultQuota)
	o.RetryDelay = cmp.Or(o.RetryDelay, 5*time.Second)
	o.CallTimeout = cmp.Or(o.CallTimeout, 10*time.Second)
	o.Logger = obs.OrDiscard(o.Logger)
	return &Registry{
		o:        o,
		quota:    o.Quota,
		sessions: make(map[string]map[Pair]struct{}),
		entries:  make(map[Pair]*entry),
	}
}

// SetQuota changes the quota (OpenD's figure, learnt at connect); n <= 0 is ignored.
func (r *Registry) SetQuota(n int) {
	if n <= 0 {
		return
	}
	r.mu.Lock()
	r.quota = n
	r.mu.Unlock()
}

// Quota returns the upstream slots in use (pending releases included) and the quota.
func (r *Registry) Quota() (used, quota int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.entries), r.quota
}

// Subscribe adds ps to session's set. Pairs no session held yet are subscribed upstream
// first; when that would exceed the quota (a *QuotaError) or OpenD fails (an
// *UpstreamError), the session's set does not change.
func (r *Registry) Subscribe(ctx context.Context, session string, ps []Pair) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	add, fresh, err := r.admitLocked(session, ps)
	if err != nil || len(add) == 0 {
		return err
	}
	if len(fresh) > 0 {
		done, err := r.o.Upstream.Subscribe(ctx, fresh)
		now := r.o.Clock.Now()
		if err != nil {
			// What OpenD accepted cannot be undone before the hold: keep it unowned and
			// let the release timer return it.
			for _, p := range done {
				e := &entry{at: now}
				r.entries[p] = e
				r.scheduleLocked(p, e)
			}
			r.upstreamChangedLocked()
			return &UpstreamError{Op: "subscribe", Err: err}
		}
		for _, p := range fresh {
			r.entries[p] = &entry{at: now}
		}
	}
	r.addLocked(session, add)
	return nil
}

// admitLocked returns the pairs session does not hold yet (add) and, of those, the
// ones no session holds (fresh), or why none may be added: the registry is closed or
// the fresh pairs would exceed the quota.
func (r *Registry) admitLocked(session string, ps []Pair) (add, fresh []Pair, err error) {
	if r.closed {
		return nil, nil, ErrClosed
	}
	add, fresh = r.newPairsLocked(session, ps)
	if len(add) > 0 && len(r.entries)+len(fresh) > r.quota {
		return nil, nil, &QuotaError{Quota: r.quota, Used: len(r.entries), Want: len(fresh)}
	}
	return add, fresh, nil
}

// Load gives session the pairs ps without asking OpenD: it restores a session saved
// before a restart, at start-up, before the first OpenD connection, whose Restore
// subscribes every pair held. Like Subscribe, a set that would exceed the quota is
// refused whole (a *QuotaError) and nothing changes.
func (r *Registry) Load(session string, ps []Pair) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	add, fresh, err := r.admitLocked(session, ps)
	if err != nil || len(add) == 0 {
		return err
	}
	now := r.o.Clock.Now()
	for _, p := range fresh {
		r.entries[p] = &entry{at: now}
	}
	r.addLocked(session, add)
	return nil
}

// newPairsLocked returns the pairs of ps that session does not hold yet, without
// duplicates, and those of them that no session holds (no upstream entry).
func (r *Registry) newPairsLocked(session string, ps []Pair) (add, fresh []Pair) {
	set := r.sessions[session]
	for _, p := range ps {
		if _, ok := set[p]; ok || slices.Contains(add, p) {
			continue
		}
		add = append(add, p)
		if _, ok := r.entries[p]; !ok {
			fresh = append(fresh, p)
		}
	}
	return add, fresh
}

// addLocked adds pairs that all have an entry to session's set.
func (r *Registry) addLocked(session string, add []Pair) {
	set := r.sessions[session]
	if set == nil {
		set = make(map[Pair]struct{}, len(add))
		r.sessions[session] = set
	}
	for _, p := range add {
		set[p] = struct{}{}
		e := r.entries[p]
		e.refs++
		if e.refs == 1 && e.release != nil {
			e.release.Stop()
			e.release = nil
			e.gen++
		}
	}
	r.sessionChangedLocked(session)
	r.upstreamChangedLocked()
}

// Unsubscribe removes ps from session's set; pairs it does not hold are ignored. A pair
// no session holds any more is released upstream once the minimum hold allows.
func (r *Registry) Unsubscribe(session string, ps []Pair) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.removeLocked(session, ps)
}

// UnsubscribeAll empties session's set.
func (r *Registry) UnsubscribeAll(session string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.removeLocked(session, slices.Collect(maps.Keys(r.sessions[session])))
}

func (r *Registry) removeLocked(session string, ps []Pair) {
	if r.closed {
		return
	}
	set := r.sessions[session]
	changed := false
	for _, p := range ps {
		if _, ok := set[p]; !ok {
			continue
		}
		delete(set, p)
		changed = true
		e := r.entries[p]
		if e.refs--; e.refs == 0 {
			r.scheduleLocked(p, e)
		}
	}
	if !changed {
		return
	}
	if len(set) == 0 {
		delete(r.sessions, session)
	}
	r.sessionChangedLocked(session)
	r.upstreamChangedLocked()
}

// scheduleLocked arranges the release of an unowned entry at max(now, at+hold).
func (r *Registry) scheduleLocked(p Pair, e *entry) {
	r.scheduleAfterLocked(p, e, e.at.Add(r.o.Hold).Sub(r.o.Clock.Now()))
}

func (r *Registry) scheduleAfterLocked(p Pair, e *entry, d time.Duration) {
	e.gen++
	if d <= 0 {
		e.release = nil
		r.releaseLocked(p, e)
		return
	}
	gen := e.gen
	e.release = r.o.Clock.AfterFunc(d, func() { r.fire(p, e, gen) })
}

// fire runs a release timer, unless it was cancelled or superseded meanwhile.
func (r *Registry) fire(p Pair, e *entry, gen uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed || r.entries[p] != e || e.gen != gen || e.refs > 0 {
		return
	}
	e.release = nil
	r.releaseLocked(p, e)
	r.upstreamChangedLocked()
}

func (r *Registry) releaseLocked(p Pair, e *entry) {
	ctx, cancel := context.WithTimeout(context.Background(), r.o.CallTimeout)
	defer cancel()
	if err := r.o.Upstream.Unsubscribe(ctx, []Pair{p}); err != nil {
		r.o.Logger.Warn("upstream release failed; retrying", "pair", p.String(), obs.Err(err), "retry_in", r.o.RetryDelay)
		r.scheduleAfterLocked(p, e, r.o.RetryDelay)
		return
	}
	delete(r.entries, p)
}

// Restore re-subscribes every pair some session holds, after a reconnect gave OpenD a
// fresh connection without subscriptions. Pending releases are dropped: those
// subscriptions vanished with the old connection. When the pairs held exceed the
// quota (OpenD's figure, learnt at this connect, is lower than what the sessions hold:
// sessions restored from storage, or a smaller OpenD), whole sessions are dropped, in
// session order, until the rest fits; each is logged and told to OnQuotaDrop.
func (r *Registry) Restore(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return ErrClosed
	}
	for p, e := range r.entries {
		if e.refs == 0 {
			if e.release != nil {
				e.release.Stop()
			}
			delete(r.entries, p)
		}
	}
	r.shedLocked()
	live := slices.Collect(maps.Keys(r.entries))
	r.upstreamChangedLocked()
	if len(live) == 0 {
		return nil
	}
	Sort(live)
	done, err := r.o.Upstream.Subscribe(ctx, live)
	if errors.Is(err, ErrRefused) {
		err = r.subscribeEachLocked(ctx, live, done)
	}
	if err != nil {
		return &UpstreamError{Op: "subscribe", Err: err}
	}
	now := r.o.Clock.Now()
	for _, p := range live {
		if e := r.entries[p]; e != nil {
			e.at = now
		}
	}
	return nil
}

// subscribeEachLocked subscribes, one at a time, the pairs of live not in done, after
// OpenD refused a batch of them, and forgets the pairs it refuses alone: one saved
// pair OpenD no longer takes (a delisted code, a quote right lost) must not keep every
// session from its quotes by failing each reconnect.
func (r *Registry) subscribeEachLocked(ctx context.Context, live, done []Pair) error {
	ok := make(map[Pair]bool, len(done))
	for _, p := range done {
		ok[p] = true
	}
	for _, p := range live {
		if ok[p] {
			continue
		}
		_, err := r.o.Upstream.Subscribe(ctx, []Pair{p})
		if errors.Is(err, ErrRefused) {
			r.forgetLocked(p, err)
			continue
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// forgetLocked removes pair p, which OpenD refuses, from every session holding it.
func (r *Registry) forgetLocked(p Pair, why error) {
	delete(r.entries, p)
	r.upstreamChangedLocked()
	for _, session := range slices.Sorted(maps.Keys(r.sessions)) {
		set := r.sessions[session]
		if _, held := set[p]; !held {
			continue
		}
		delete(set, p)
		if len(set) == 0 {
			delete(r.sessions, session)
		}
		r.o.Logger.Warn("subscription dropped: OpenD refuses it", "session", session, "pair", p.String(), obs.Err(why))
		r.sessionChangedLocked(session)
	}
}

// shedLocked drops whole sessions, keeping them in session order while they fit,
// until the pairs held fit the quota. Every entry is owned (Restore removed the rest)
// and none is subscribed on the new connection yet, so a pair no kept session holds is
// simply forgotten.
func (r *Registry) shedLocked() {
	if len(r.entries) <= r.quota {
		return
	}
	kept := make(map[Pair]struct{}, r.quota)
	for _, session := range slices.Sorted(maps.Keys(r.sessions)) {
		set := r.sessions[session]
		need := 0
		for p := range set {
			if _, ok := kept[p]; !ok {
				need++
			}
		}
		if len(kept)+need <= r.quota {
			for p := range set {
				kept[p] = struct{}{}
			}
			continue
		}
		ps := r.sessionLocked(session)
		for p := range set {
			if e := r.entries[p]; e != nil {
				if e.refs--; e.refs <= 0 {
					delete(r.entries, p)
				}
			}
		}
		delete(r.sessions, session)
		r.o.Logger.Warn("session dropped: its subscriptions no longer fit OpenD's quota",
			"session", session, "pairs", len(ps), "quota", r.quota)
		if r.o.OnQuotaDrop != nil {
			r.o.OnQuotaDrop(session, ps)
		}
		r.sessionChangedLocked(session)
	}
}

// Session returns session's pairs, sorted.
func (r *Registry) Session(session string) []Pair {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sessionLocked(session)
}

func (r *Registry) sessionLocked(session string) []Pair {
	ps := slices.Collect(maps.Keys(r.sessions[session]))
	Sort(ps)
	return ps
}

// Upstream returns the pairs subscribed at OpenD (pending releases included), sorted.
func (r *Registry) Upstream() []Pair {
	r.mu.Lock()
	defer r.mu.Unlock()
	ps := slices.Collect(maps.Keys(r.entries))
	Sort(ps)
	return ps
}

// Close stops every pending release; the registry refuses changes afterwards.
func (r *Registry) Close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	for _, e := range r.entries {
		if e.release != nil {
			e.release.Stop()
			e.release = nil
		}
	}
}

func (r *Registry) sessionChangedLocked(session string) {
	if r.o.OnSessionChange != nil {
		r.o.OnSessionChange(session, r.sessionLocked(session))
	}
}

func (r *Registry) upstreamChangedLocked() {
	if r.o.OnUpstreamChange != nil {
		r.o.OnUpstreamChange(len(r.entries))
	}
}

// Clock is the time source of the registry; tests inject a fake.
type Clock interface {
	Now() time.Time
	// AfterFunc runs f in its own goroutine after d, like time.AfterFunc.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a pending AfterFunc.
type Timer interface {
	// Stop prevents the call; false means it already ran or was stopped.
	Stop() bool
}

// RealClock is the wall clock.
type RealClock struct{}

// Now returns time.Now().
func (RealClock) Now() time.Time { return time.Now() }

// AfterFunc wraps time.AfterFunc.
func (RealClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }
