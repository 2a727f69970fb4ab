package qot

import (
	"slices"
	"strings"
	"sync"
	"time"
)

// historyQuotaWindow is how long a security requested through
// Qot_RequestHistoryKL keeps its unit of the quota: Futu counts the distinct
// securities pulled in the last 30 days.
const historyQuotaWindow = 30 * 24 * time.Hour

// defaultHistoryKLQuota is the quota of a basic Futu account.
const defaultHistoryKLQuota = 100

// historyQuota is the per-user historical K-line quota. The simulator has one
// user, so it is shared by every connection, as OpenD's is by every script
// of the account.
type historyQuota struct {
	limit int

	mu   sync.Mutex
	used map[string]*quotaUse
}

// quotaUse is one counted security: first starts its 30 days, last is the
// latest pull, which Qot_RequestHistoryKLQuota reports.
type quotaUse struct {
	key         string
	first, last time.Time
}

func newHistoryQuota(limit int) *historyQuota {
	if limit <= 0 {
		limit = defaultHistoryKLQuota
	}
	return &historyQuota{limit: limit, used: make(map[string]*quotaUse)}
}

// charge records a pull of key at now. A security counted in the window is
// free; a new one takes a unit, and fails when none is left.
func (q *historyQuota) charge(key string, now time.Time) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.expire(now)
	if u, ok := q.used[key]; ok {
		u.last = now
		return nil
	}
	if len(q.used) >= q.limit {
		return failf(codeQuota,
			"historical K-line quota exhausted: %d of %d securities pulled in the last 30 days; %s would need one more",
			len(q.used), q.limit, key)
	}
	q.used[key] = &quotaUse{key: key, first: now, last: now}
	return nil
}

// snapshot returns the counted securities, oldest pull first.
func (q *historyQuota) snapshot(now time.Time) []quotaUse {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.expire(now)
	out := make([]quotaUse, 0, len(q.used))
	for _, u := range q.used {
		out = append(out, *u)
	}
	slices.SortFunc(out, func(a, b quotaUse) int {
		if c := a.first.Compare(b.first); c != 0 {
			return c
		}
		return strings.Compare(a.key, b.key)
	})
	return out
}

func (q *historyQuota) expire(now time.Time) {
	for k, u := range q.used {
		if now.Sub(u.first) >= historyQuotaWindow {
			delete(q.used, k)
		}
	}
}
