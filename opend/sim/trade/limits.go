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

// admit records an accepted request's PacketID. The order frequency limit is
// enforced before dispatch, with every other OpenD limit (package freqlimit).
// Callers hold mu.
func (e *Engine) admit(_ *account, k packetKey, now time.Time) {
	e.remember(k, now)
}
