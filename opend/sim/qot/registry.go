package qot

import (
	"fmt"
	"slices"
	"sync"
	"time"
)

// pair is one subscription slot: one security with one sub type.
type pair struct {
	key     string
	subType int32
}

type entry struct {
	at   time.Time
	push bool
}

// registry holds every connection's subscriptions. It is generic over the
// connection handle so it can be tested without sockets.
//
// The quota is OpenD's, shared by every connection of the login, counted as
// Futu documents it (quota.go): a pair held by several connections is one
// slot, freed when the last of them lets it go.
type registry[C comparable] struct {
	quota int
	hold  time.Duration

	mu    sync.RWMutex
	conns map[C]map[pair]*entry
	// byKey indexes push registrations for the push fan-out.
	byKey map[string]map[C]pushMask
	// refs counts connections subscribed to a key with any sub type.
	refs map[string]int
	// holders counts the connections holding each pair.
	holders map[pair]int
	// lingering keeps the pairs of closed connections whose minimum hold had
	// not run out, until it does: OpenD unsubscribes them then.
	lingering map[pair]time.Time
}

func newRegistry[C comparable](quota int, hold time.Duration) *registry[C] {
	return &registry[C]{
		quota:     quota,
		hold:      hold,
		conns:     make(map[C]map[pair]*entry),
		byKey:     make(map[string]map[C]pushMask),
		refs:      make(map[string]int),
		holders:   make(map[pair]int),
		lingering: make(map[pair]time.Time),
	}
}

// subscribe adds pairs for c, all or nothing. With push set, every listed pair
// (new or existing) is registered for pushes. It returns the pairs that were new.
func (r *registry[C]) subscribe(c C, pairs []pair, push bool, now time.Time) ([]pair, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	subs := r.conns[c]
	var fresh []pair
	for _, p := range pairs {
		if _, ok := subs[p]; !ok && !slices.Contains(fresh, p) {
			fresh = append(fresh, p)
		}
	}
	r.pruneLocked(now)
	if used, more := r.totalLocked(now), weighPairs(r.unheldLocked(fresh, now)); used+more > r.quota {
		return nil, &codedError{codeQuota, fmt.Sprintf(
			"subscription quota exceeded: %d slots used by this OpenD's connections + %d new > quota %d "+
				"(one security with one sub type is one slot, however many connections hold it)",
			used, more, r.quota)}
	}
	if subs == nil {
		subs = make(map[pair]*entry)
		r.conns[c] = subs
	}
	for _, p := range fresh {
		if !r.hasKey(subs, p.key) {
			r.refs[p.key]++
		}
		subs[p] = &entry{at: now}
		r.holders[p]++
	}
	if push {
		for _, p := range pairs {
			r.setPushLocked(c, subs, p, true)
		}
	}
	return fresh, nil
}

// hasKey reports whether subs holds key with any sub type.
func (r *registry[C]) hasKey(subs map[pair]*entry, key string) bool {
	for _, t := range allSubTypes {
		if _, ok := subs[pair{key, t}]; ok {
			return true
		}
	}
	return false
}

func (r *registry[C]) setPushLocked(c C, subs map[pair]*entry, p pair, on bool) {
	e, ok := subs[p]
	if !ok {
		return
	}
	e.push = on
	m := r.byKey[p.key]
	if on {
		if m == nil {
			m = make(map[C]pushMask)
			r.byKey[p.key] = m
		}
		m[c] |= maskOf(p.subType)
		return
	}
	if m == nil {
		return
	}
	m[c] &^= maskOf(p.subType)
	if m[c] == 0 {
		delete(m, c)
	}
	if len(m) == 0 {
		delete(r.byKey, p.key)
	}
}

// unsubscribe removes pairs for c, all or nothing: it fails when any of them
// was subscribed less than the minimum hold ago. Pairs not subscribed are ignored.
func (r *registry[C]) unsubscribe(c C, pairs []pair, now time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	subs := r.conns[c]
	var present []pair
	for _, p := range pairs {
		e, ok := subs[p]
		if !ok {
			continue
		}
		if held := now.Sub(e.at); held < r.hold {
			return &codedError{codeHold, fmt.Sprintf(
				"cannot unsubscribe %s %s: subscribed %s ago, a subscription must be held at least %s",
				p.key, subTypeName(p.subType), held.Round(time.Millisecond), r.hold)}
		}
		present = append(present, p)
	}
	for _, p := range present {
		r.removeLocked(c, subs, p)
	}
	if len(subs) == 0 {
		delete(r.conns, c)
	}
	return nil
}

// unsubscribeAll removes every subscription of c, subject to the hold rule.
func (r *registry[C]) unsubscribeAll(c C, now time.Time) error {
	r.mu.RLock()
	pairs := make([]pair, 0, len(r.conns[c]))
	for p := range r.conns[c] {
		pairs = append(pairs, p)
	}
	r.mu.RUnlock()
	slices.SortFunc(pairs, comparePairs)
	return r.unsubscribe(c, pairs, now)
}

func (r *registry[C]) removeLocked(c C, subs map[pair]*entry, p pair) {
	r.setPushLocked(c, subs, p, false)
	delete(subs, p)
	if r.holders[p]--; r.holders[p] <= 0 {
		delete(r.holders, p)
	}
	if !r.hasKey(subs, p.key) {
		r.refs[p.key]--
		if r.refs[p.key] <= 0 {
			delete(r.refs, p.key)
		}
	}
}

// setPush registers or unregisters pushes; every pair must be subscribed.
func (r *registry[C]) setPush(c C, pairs []pair, on bool) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	subs := r.conns[c]
	for _, p := range pairs {
		if _, ok := subs[p]; !ok {
			return &codedError{codeNotSubscribed, fmt.Sprintf(
				"%s is not subscribed to %s on this connection; call Qot_Sub first",
				p.key, subTypeName(p.subType))}
		}
	}
	for _, p := range pairs {
		r.setPushLocked(c, subs, p, on)
	}
	return nil
}

func (r *registry[C]) subscribed(c C, p pair) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	_, ok := r.conns[c][p]
	return ok
}

// drop forgets every subscription of a closed connection. A pair held less
// than the minimum hold keeps its quota slot until the hold runs out, as
// OpenD unsubscribes it only then.
func (r *registry[C]) drop(c C, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	subs := r.conns[c]
	for p, e := range subs {
		if until := e.at.Add(r.hold); until.After(now) && until.After(r.lingering[p]) {
			r.lingering[p] = until
		}
		r.removeLocked(c, subs, p)
	}
	delete(r.conns, c)
	r.pruneLocked(now)
}

// keys returns the securities some connection is subscribed to, sorted.
func (r *registry[C]) keys() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]string, 0, len(r.refs))
	for k := range r.refs {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// target is one connection to push to and the sub types it wants.
type target[C comparable] struct {
	conn C
	mask pushMask
}

// targets appends the push registrations for key to dst.
func (r *registry[C]) targets(dst []target[C], key string) []target[C] {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for c, m := range r.byKey[key] {
		dst = append(dst, target[C]{c, m})
	}
	return dst
}

// snapshot returns c's subscriptions grouped by sub type, securities sorted.
func (r *registry[C]) snapshot(c C) map[int32][]string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make(map[int32][]string)
	for p := range r.conns[c] {
		out[p.subType] = append(out[p.subType], p.key)
	}
	for _, keys := range out {
		slices.Sort(keys)
	}
	return out
}

// connections returns every connection holding subscriptions.
func (r *registry[C]) connections() []C {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]C, 0, len(r.conns))
	for c := range r.conns {
		out = append(out, c)
	}
	return out
}

func comparePairs(a, b pair) int {
	if a.key != b.key {
		if a.key < b.key {
			return -1
		}
		return 1
	}
	return int(a.subType - b.subType)
}
