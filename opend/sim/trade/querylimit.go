package trade

import (
	"sync"
	"time"

	"github.com/futugw/gateway/opend/protoid"
)

// queryLimit is OpenD's frequency limit on one trade query: at most n
// requests in any window, counted per account (or per user when perUser).
type queryLimit struct {
	n       int
	window  time.Duration
	perUser bool
	what    string
}

// queryLimits are the documented limits of the queries served here
// ("每 30 秒内最多请求 10 次"); the margin ratio limit is per user, the others
// per account. Trd_FlowSummary documents none.
var queryLimits = map[uint32]queryLimit{
	protoid.TrdGetHistoryOrderList:     {n: 10, window: 30 * time.Second, what: "history order"},
	protoid.TrdGetHistoryOrderFillList: {n: 10, window: 30 * time.Second, what: "history fill"},
	protoid.TrdGetMaxTrdQtys:           {n: 10, window: 30 * time.Second, what: "max tradable quantity"},
	protoid.TrdGetOrderFee:             {n: 10, window: 30 * time.Second, what: "order fee"},
	protoid.TrdGetMarginRatio:          {n: 10, window: 30 * time.Second, perUser: true, what: "margin ratio"},
}

type limitKey struct {
	protoID uint32
	acc     uint64 // 0 for per-user limits
}

// queryLimiter remembers when each limited query was last accepted. The zero
// value is ready; it has its own lock so queries never wait on Engine.mu.
type queryLimiter struct {
	mu   sync.Mutex
	seen map[limitKey][]time.Time // accepted requests in arrival order
}

// admit accepts a request of protoID for account acc at now, or refuses it
// once the window already holds the limit's n requests.
func (l *queryLimiter) admit(protoID uint32, acc uint64, now time.Time) error {
	lim, ok := queryLimits[protoID]
	if !ok {
		return nil
	}
	k := limitKey{protoID, acc}
	if lim.perUser {
		k.acc = 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seen == nil {
		l.seen = make(map[limitKey][]time.Time)
	}
	cutoff := now.Add(-lim.window)
	list := l.seen[k]
	n := 0
	for n < len(list) && !list[n].After(cutoff) {
		n++
	}
	list = list[n:]
	if len(list) >= lim.n {
		l.seen[k] = list
		scope := "account"
		if lim.perUser {
			scope = "user"
		}
		return refuse(codeRateLimit, "%s query frequency limit exceeded: at most %d requests per %s per %s",
			lim.what, lim.n, lim.window, scope)
	}
	l.seen[k] = append(list, now)
	return nil
}
