package trade

import "time"

// packetKey is an order request's PacketID.
type packetKey struct {
	connID uint64
	serial uint32
}

// seenTTL is how long an accepted PacketID is remembered; a client never
// retries that late, and forgetting keeps the replay set bounded.
const seenTTL = time.Hour

// seenEntry records when a PacketID was accepted, in arrival order.
type seenEntry struct {
	key packetKey
	at  time.Time
}

// checkReplay refuses a PacketID that already placed or modified an order.
// Callers hold mu.
func (e *Engine) checkReplay(k packetKey) error {
	if _, dup := e.seen[k]; dup {
		return refuse(codeDuplicate, "duplicate packet id (connID %d, serialNo %d): request already processed", k.connID, k.serial)
	}
	return nil
}

// remember records an accepted PacketID. Callers hold mu.
func (e *Engine) remember(k packetKey, now time.Time) {
	n := 0
	for n < len(e.seenLog) && now.Sub(e.seenLog[n].at) > seenTTL {
		if e.seen[e.seenLog[n].key].Equal(e.seenLog[n].at) {
			delete(e.seen, e.seenLog[n].key)
		}
		n++
	}
	e.seenLog = append(e.seenLog[n:], seenEntry{k, now})
	e.seen[k] = now
}

// checkRate refuses a place/modify request once the account has had
// OrderLimit accepted requests within the last OrderWindow. Callers hold mu.
func (e *Engine) checkRate(a *account, now time.Time) error {
	cutoff := now.Add(-e.cfg.OrderWindow)
	// recent is in arrival order, so expired entries are a prefix.
	n := 0
	for n < len(a.recent) && !a.recent[n].After(cutoff) {
		n++
	}
	a.recent = a.recent[n:]
	if len(a.recent) >= e.cfg.OrderLimit {
		return refuse(codeRateLimit, "order frequency limit exceeded for account %d: at most %d place/modify requests per %s",
			a.cfg.ID, e.cfg.OrderLimit, e.cfg.OrderWindow)
	}
	return nil
}

// admit records an accepted request against the rate window and its PacketID.
// Callers hold mu.
func (e *Engine) admit(a *account, k packetKey, now time.Time) {
	a.recent = append(a.recent, now)
	e.remember(k, now)
}
