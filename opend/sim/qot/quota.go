package qot

import "time"

// The subscription quota as Futu documents it ("Subscription Quota & Historical
// Candlestick Quota"; Quote FAQ Q3, Q4): it belongs to the OpenD login, so all
// its connections share it; a (security, sub type) pair is one slot however
// many connections hold it, freed when the last of them unsubscribes or
// closes; and a pair a closed connection held less than the minimum hold
// keeps its slot until that minute is up. Qot_GetSubInfo reports these
// figures as totalUsedQuota and remainQuota, and each connection's own pairs
// as its usedQuota.

// total returns the slots in use at now across every connection.
func (r *registry[C]) total(now time.Time) int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.totalLocked(now)
}

func (r *registry[C]) totalLocked(now time.Time) int {
	n := 0
	for p := range r.holders {
		n += quotaWeight(p.subType)
	}
	for p, until := range r.lingering {
		if r.holders[p] == 0 && until.After(now) {
			n += quotaWeight(p.subType)
		}
	}
	return n
}

// unheldLocked returns the pairs of ps that take a new slot: held by no
// connection and not lingering after a close.
func (r *registry[C]) unheldLocked(ps []pair, now time.Time) []pair {
	var out []pair
	for _, p := range ps {
		if r.holders[p] > 0 || r.lingering[p].After(now) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// pruneLocked forgets lingering pairs whose hold has run out.
func (r *registry[C]) pruneLocked(now time.Time) {
	for p, until := range r.lingering {
		if !until.After(now) {
			delete(r.lingering, p)
		}
	}
}

// used returns the slots c's own subscriptions take (its usedQuota).
func (r *registry[C]) used(c C) int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return weighPairs(keysOf(r.conns[c]))
}

func keysOf(subs map[pair]*entry) []pair {
	out := make([]pair, 0, len(subs))
	for p := range subs {
		out = append(out, p)
	}
	return out
}

func weighPairs(ps []pair) int {
	n := 0
	for _, p := range ps {
		n += quotaWeight(p.subType)
	}
	return n
}
