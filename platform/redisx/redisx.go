// Package redisx builds the Redis client every service uses from configuration. It
// returns a go-redis UniversalClient so the same code runs against a single Redis, a
// Sentinel-managed primary or a Cluster, chosen only by the options.
package redisx

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/futugw/gateway/platform/config"
	"github.com/futugw/gateway/platform/grpclink"
	"github.com/futugw/gateway/platform/obs"
	"github.com/redis/go-redis/v9"
)

// DefaultTimeout is used for each of the dial, read and write timeouts left zero.
// Short, because a request waiting on a stuck Redis is worse than a fast 503.
// A caller's context deadline, when sooner, bounds a command too: the clients
// honour it (go-redis's ContextTimeoutEnabled), so a caller that gives Redis
// 100ms is answered in 100ms by a Redis that accepts and never replies.
const DefaultTimeout = time.Second

// Options select and tune the Redis deployment.
type Options struct {
	// Addrs is a comma-separated list of host:port. One address without MasterName is
	// a single Redis; several addresses without MasterName are a Cluster; with
	// MasterName they are Sentinels. A single Redis on this host may also be reached
	// through its Unix socket, "unix:PATH".
	Addrs string
	// MasterName is the Sentinel master name; empty means no Sentinel.
	MasterName string
	// Password authenticates to Redis (and to Sentinels). Never logged.
	Password string
	// PasswordFile, when set and Password is empty, is read by New for the password
	// (one line, by the rule of platform/secret).
	PasswordFile string

	DialTimeout, ReadTimeout, WriteTimeout time.Duration
}

// New returns a client for o. It does not connect; use Check to probe.
func New(o Options) (redis.UniversalClient, error) {
	if err := o.Resolve(); err != nil {
		return nil, fmt.Errorf("redisx: %w", err)
	}
	addrs := splitAddrs(o.Addrs)
	if len(addrs) == 0 {
		return nil, errors.New("redisx: no Redis address configured")
	}
	if path, ok := grpclink.UnixPath(addrs[0]); ok {
		return newUnix(path, o, len(addrs))
	}
	for _, a := range addrs {
		if _, ok := grpclink.UnixPath(a); ok {
			return nil, fmt.Errorf("redisx: %q: a Unix socket is for a single Redis only", a)
		}
		if !strings.Contains(a, ":") {
			return nil, fmt.Errorf("redisx: address %q lacks a port (want host:port)", a)
		}
	}
	uo := &redis.UniversalOptions{
		Addrs:        addrs,
		MasterName:   o.MasterName,
		Password:     o.Password,
		DialTimeout:  config.OrDefault(o.DialTimeout, DefaultTimeout),
		ReadTimeout:  config.OrDefault(o.ReadTimeout, DefaultTimeout),
		WriteTimeout: config.OrDefault(o.WriteTimeout, DefaultTimeout),

		ContextTimeoutEnabled: true,
	}
	if o.MasterName != "" {
		uo.SentinelPassword = o.Password
	}
	return redis.NewUniversalClient(uo), nil
}

// newUnix is the client of a single Redis listening on the Unix socket path.
func newUnix(path string, o Options, n int) (redis.UniversalClient, error) {
	switch {
	case path == "":
		return nil, errors.New("redisx: Unix socket address without a path")
	case n > 1 || o.MasterName != "":
		return nil, errors.New("redisx: a Unix socket is for a single Redis only (no Cluster, no Sentinel)")
	}
	return redis.NewClient(&redis.Options{
		Network:      "unix",
		Addr:         path,
		Password:     o.Password,
		DialTimeout:  config.OrDefault(o.DialTimeout, DefaultTimeout),
		ReadTimeout:  config.OrDefault(o.ReadTimeout, DefaultTimeout),
		WriteTimeout: config.OrDefault(o.WriteTimeout, DefaultTimeout),

		ContextTimeoutEnabled: true,
	}), nil
}

// Check returns a readiness check that PINGs Redis.
func Check(rdb redis.UniversalClient) obs.Check {
	return func(ctx context.Context) error {
		if err := rdb.Ping(ctx).Err(); err != nil {
			return fmt.Errorf("redis ping: %w", err)
		}
		return nil
	}
}

func splitAddrs(s string) []string {
	var out []string
	for _, a := range strings.Split(s, ",") {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	return out
}
