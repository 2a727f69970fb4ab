package subs

import (
	"cmp"
	"context"
	"maps"
	"sync"
	"time"
)

// DefaultLifetimeGrace is how long a session outlives its last key's expiry: the
// auth service's refresh grace, so a refresh in flight does not lose the session.
const DefaultLifetimeGrace = 30 * time.Second

// LifetimeOptions configure Lifetimes. Drop is required.
type LifetimeOptions struct {
	Clock Clock         // RealClock when nil
	Grace time.Duration // DefaultLifetimeGrace when zero
	// Interval spaces the sweeps of Run; 5s when zero.
	Interval time.Duration
	// Drop ends a session (Registry.UnsubscribeAll). It runs with the Lifetimes locked,
	// so a request recording a new key waits for it: it must not call back.
	Drop func(session string)
	// Keep reports sessions to keep although their keys expired, because a socket of
	// theirs is open (the edge closes sockets whose key ends); the grace then counts
	// from the last sweep that saw the session kept. Nil keeps nothing.
	Keep func(session string) bool
	// OnChange is told, outside the lock, when what Keys returns for a session
	// changed: a key seen for the first time (or with another expiry), or revoked.
	// A sweep dropping the session is told through Drop instead. Nil tells nothing.
	OnChange func(session string)
}

// Lifetimes ends sessions whose keys ended, so their subscriptions do not outlive
// them: a session is dropped once every key seen for it has expired (plus the grace),
// or at once when its latest key is revoked (a logout). Keys are learnt from the
// requests that carry them (Seen). Safe for concurrent use.
type Lifetimes struct {
	o    LifetimeOptions
	wake chan struct{} // a revocation asks Run for a sweep now

	mu       sync.Mutex
	sessions map[string]*life
	owner    map[string]string // token hash -> session
}

// life is what is known of one session's keys.
type life struct {
	keys    map[string]time.Time // token hash -> expiry; zero never expires
	revoked map[string]struct{}  // hashes revoked, so a late Seen does not revive them
	kept    time.Time            // last sweep that found the session kept
	doomed  bool                 // its latest key was revoked: drop at the next sweep
}

// NewLifetimes returns Lifetimes knowing no session.
func NewLifetimes(o LifetimeOptions) *Lifetimes {
	if o.Clock == nil {
		o.Clock = RealClock{}
	}
	o.Grace = cmp.Or(o.Grace, DefaultLifetimeGrace)
	o.Interval = cmp.Or(o.Interval, 5*time.Second)
	return &Lifetimes{o: o, wake: make(chan struct{}, 1),
		sessions: make(map[string]*life), owner: make(map[string]string)}
}

// Seen records that a request of session carried the key tokenHash, valid until
// expires (zero: never). A refreshed session's new key extends the session.
func (l *Lifetimes) Seen(session, tokenHash string, expires time.Time) {
	if session == "" || tokenHash == "" {
		return
	}
	if l.seen(session, tokenHash, expires) && l.o.OnChange != nil {
		l.o.OnChange(session)
	}
}

// seen is Seen under the lock; it reports whether the session's keys changed.
func (l *Lifetimes) seen(session, tokenHash string, expires time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	lf := l.sessions[session]
	if lf == nil {
		lf = &life{keys: make(map[string]time.Time)}
		l.sessions[session] = lf
	}
	if _, gone := lf.revoked[tokenHash]; gone {
		return false
	}
	old, known := lf.keys[tokenHash]
	if !known && lf.doomed && latest(lf.keys, expires) {
		lf.doomed = false // a key newer than the revoked one carries the session on
	}
	lf.keys[tokenHash] = expires
	l.owner[tokenHash] = session
	return !known || !old.Equal(expires)
}

// Keys returns a copy of what is known of session's keys (token hash -> expiry,
// zero: never) and whether the session lives on: false when it is unknown, or when
// its latest key was revoked (it ends at the next sweep).
func (l *Lifetimes) Keys(session string) (map[string]time.Time, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	lf := l.sessions[session]
	if lf == nil || lf.doomed {
		return nil, false
	}
	return maps.Clone(lf.keys), true
}

// latest reports whether expiry exp is at least as late as every key's in keys.
func latest(keys map[string]time.Time, exp time.Time) bool {
	for _, e := range keys {
		if e.IsZero() && !exp.IsZero() || !exp.IsZero() && e.After(exp) {
			return false
		}
	}
	return true
}

// Revoked handles the revocation of the key tokenHash: when it was the latest key of
// its session, the session is dropped at the next sweep, which Run performs at once;
// an older key (one a refresh replaced) is just forgotten. Cheap: it suits the
// revocation watcher's callback.
func (l *Lifetimes) Revoked(tokenHash string) {
	l.mu.Lock()
	session, ok := l.owner[tokenHash]
	if !ok {
		l.mu.Unlock()
		return
	}
	delete(l.owner, tokenHash)
	lf := l.sessions[session]
	exp := lf.keys[tokenHash]
	delete(lf.keys, tokenHash)
	if lf.revoked == nil {
		lf.revoked = make(map[string]struct{})
	}
	lf.revoked[tokenHash] = struct{}{}
	if latest(lf.keys, exp) {
		lf.doomed = true
	}
	l.mu.Unlock()
	if l.o.OnChange != nil {
		l.o.OnChange(session)
	}
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// Sweep drops the sessions whose latest key was revoked and those whose keys all
// expired more than the grace ago (unless kept), and forgets expired keys. It returns
// the sessions dropped.
func (l *Lifetimes) Sweep() []string {
	now := l.o.Clock.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	var dropped []string
	for session, lf := range l.sessions {
		if !lf.doomed {
			if l.o.Keep != nil && l.o.Keep(session) {
				lf.kept = now
			}
			if !l.expiredLocked(lf, now) {
				continue
			}
		}
		for h := range lf.keys {
			delete(l.owner, h)
		}
		delete(l.sessions, session)
		l.o.Drop(session)
		dropped = append(dropped, session)
	}
	return dropped
}

// expiredLocked reports whether every key of lf ended more than the grace ago (and
// the session was not kept since), forgetting the keys that did.
func (l *Lifetimes) expiredLocked(lf *life, now time.Time) bool {
	end := lf.kept
	for h, exp := range lf.keys {
		if exp.IsZero() {
			return false
		}
		if exp.Add(l.o.Grace).After(now) {
			end = later(end, exp)
			continue
		}
		delete(lf.keys, h)
		delete(l.owner, h)
	}
	// Revoked hashes are forgotten with the keys: a revoked key cannot be seen again
	// once the authn cache dropped it, which happens well within a sweep or two.
	if len(lf.keys) == 0 {
		lf.revoked = nil
	}
	return !end.Add(l.o.Grace).After(now)
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// Len returns the number of sessions tracked.
func (l *Lifetimes) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.sessions)
}

// Run sweeps every Interval, and at once after a revocation, until ctx ends.
func (l *Lifetimes) Run(ctx context.Context) {
	tick := make(chan struct{}, 1)
	for {
		t := l.o.Clock.AfterFunc(l.o.Interval, func() {
			select {
			case tick <- struct{}{}:
			default:
			}
		})
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-tick:
		case <-l.wake:
			t.Stop()
		}
		l.Sweep()
	}
}
