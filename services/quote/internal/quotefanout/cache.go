package quotefanout

import (
	"sync"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/services/quote/internal/subs"
)

// Cache keeps the latest BasicQot pushed for each security, so basic quotes of
// subscribed securities are answered without asking OpenD.
type Cache struct {
	mu sync.RWMutex
	m  map[subs.Security]cached
}

type cached struct {
	q  *qotcommon.BasicQot // never mutated after it is stored
	at int64               // unix nanoseconds the push arrived
}

func newCache() *Cache { return &Cache{m: make(map[subs.Security]cached)} }

func (c *Cache) put(s subs.Security, q *qotcommon.BasicQot, at int64) {
	c.mu.Lock()
	c.m[s] = cached{q, at}
	c.mu.Unlock()
}

// Get returns the latest BasicQot of s and when it arrived.
func (c *Cache) Get(s subs.Security) (*qotcommon.BasicQot, time.Time, bool) {
	c.mu.RLock()
	e, ok := c.m[s]
	c.mu.RUnlock()
	if !ok {
		return nil, time.Time{}, false
	}
	return e.q, time.Unix(0, e.at), true
}
