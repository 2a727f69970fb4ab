package authn

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Cache defaults.
const (
	DefaultCacheTTL        = 10 * time.Second
	DefaultCacheMaxEntries = 100_000
)

// CacheOptions tune a Cache. Zero values take the defaults.
type CacheOptions struct {
	TTL        time.Duration // how long a successful validation is reused
	MaxEntries int           // bound on cached keys
	Now        func() time.Time
	// Metrics, when set, receives futugw_authn_cache_{hits,misses,evictions}_total.
	Metrics prometheus.Registerer
}

// Cache is a Validator that remembers successful validations of another Validator for
// a short time, keyed by the token's hash. Failures are never cached, an entry never
// outlives its key's ExpiresAt, and Invalidate/Purge (driven by WatchRevocations) drop
// entries at once. Safe for concurrent use.
type Cache struct {
	next       Validator
	ttl        time.Duration
	maxEntries int
	now        func() time.Time

	mu      sync.RWMutex
	entries map[[sha256.Size]byte]cacheEntry
	// gen changes on every Invalidate and Purge. A miss stores its result only if gen
	// did not change while it asked next, so a revocation racing a validation cannot
	// be undone by the validation's (older) answer.
	gen uint64

	hits, misses, evictions prometheus.Counter
}

type cacheEntry struct {
	p       *Principal
	expires time.Time
}

// NewCache wraps v.
func NewCache(v Validator, o CacheOptions) *Cache {
	if o.TTL <= 0 {
		o.TTL = DefaultCacheTTL
	}
	if o.MaxEntries <= 0 {
		o.MaxEntries = DefaultCacheMaxEntries
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	c := &Cache{
		next:       v,
		ttl:        o.TTL,
		maxEntries: o.MaxEntries,
		now:        o.Now,
		entries:    make(map[[sha256.Size]byte]cacheEntry),
		hits:       counter(o.Metrics, "futugw_authn_cache_hits_total", "Key validations answered from the in-process cache."),
		misses:     counter(o.Metrics, "futugw_authn_cache_misses_total", "Key validations sent to the auth service."),
		evictions:  counter(o.Metrics, "futugw_authn_cache_evictions_total", "Cached validations dropped to stay under the size bound."),
	}
	return c
}

// counter makes a counter and registers it when reg is set; a counter already
// registered by another Cache in the same registry is shared.
func counter(reg prometheus.Registerer, name, help string) prometheus.Counter {
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
	if reg == nil {
		return c
	}
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(prometheus.Counter); ok {
				return existing
			}
		}
	}
	return c
}

// Validate returns the cached Principal for token or asks the wrapped Validator.
func (c *Cache) Validate(ctx context.Context, token string, info CallInfo) (*Principal, error) {
	key := tokenKey(token)
	now := c.now()

	c.mu.RLock()
	e, ok := c.entries[key]
	gen := c.gen
	c.mu.RUnlock()
	if ok && now.Before(e.expires) {
		c.hits.Inc()
		return e.p, nil
	}

	c.misses.Inc()
	p, err := c.next.Validate(ctx, token, info)
	if err != nil {
		if ok {
			c.drop(key, true)
		}
		return nil, err
	}
	if p.TokenHash == "" {
		p.TokenHash = hex.EncodeToString(key[:])
	}
	expires := c.now().Add(c.ttl)
	if !p.ExpiresAt.IsZero() && p.ExpiresAt.Before(expires) {
		expires = p.ExpiresAt
	}
	c.store(key, cacheEntry{p: p, expires: expires}, gen)
	return p, nil
}

// tokenKey hashes token without allocating for key-sized tokens (the hot path).
func tokenKey(token string) [sha256.Size]byte {
	var buf [64]byte
	return sha256.Sum256(append(buf[:0], token...))
}

func (c *Cache) store(key [sha256.Size]byte, e cacheEntry, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen || !c.now().Before(e.expires) {
		return
	}
	if _, exists := c.entries[key]; !exists && len(c.entries) >= c.maxEntries {
		c.evictLocked()
	}
	c.entries[key] = e
}

// evictLocked makes room for one entry: expired entries first (looking at a few),
// otherwise an arbitrary one. Map iteration order is randomised, which makes this a
// cheap random eviction.
func (c *Cache) evictLocked() {
	now := c.now()
	const probe = 8
	var victim [sha256.Size]byte
	found, n := false, 0
	for k, e := range c.entries {
		if !now.Before(e.expires) {
			delete(c.entries, k)
			c.evictions.Inc()
			return
		}
		if !found {
			victim, found = k, true
		}
		if n++; n >= probe {
			break
		}
	}
	if found {
		delete(c.entries, victim)
		c.evictions.Inc()
	}
}

// drop deletes key's entry when known and advances the generation, so an in-flight
// validation is not cached on top of the revocation.
func (c *Cache) drop(key [sha256.Size]byte, known bool) {
	c.mu.Lock()
	if known {
		delete(c.entries, key)
	}
	c.gen++
	c.mu.Unlock()
}

// Invalidate drops the entry of the key whose HashToken is tokenHash (lowercase or
// uppercase hex). Unknown or malformed hashes drop nothing, but still advance the
// generation: a revocation we could not read must not be undone either.
func (c *Cache) Invalidate(tokenHash string) {
	var key [sha256.Size]byte
	known := len(tokenHash) == hex.EncodedLen(len(key))
	if known {
		_, err := hex.Decode(key[:], []byte(tokenHash))
		known = err == nil
	}
	c.drop(key, known)
}

// Purge drops every entry; used when revocations may have been missed.
func (c *Cache) Purge() {
	c.mu.Lock()
	clear(c.entries)
	c.gen++
	c.mu.Unlock()
}

// Len returns the number of cached entries, expired ones included until they are
// looked up or evicted.
func (c *Cache) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.entries)
}
