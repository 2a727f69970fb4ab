package redisx

import (
	"context"
	"sync"

	"github.com/redis/go-redis/v9"
)

// ScanAll returns every key matching pattern: on each primary of a Cluster (a SCAN
// on a ClusterClient would see one node only), else on the one server. batch is the
// SCAN COUNT hint.
func ScanAll(ctx context.Context, rdb redis.UniversalClient, pattern string, batch int64) ([]string, error) {
	scan := func(ctx context.Context, c redis.Cmdable) ([]string, error) {
		var out []string
		it := c.Scan(ctx, 0, pattern, batch).Iterator()
		for it.Next(ctx) {
			out = append(out, it.Val())
		}
		return out, it.Err()
	}
	cc, ok := rdb.(*redis.ClusterClient)
	if !ok {
		return scan(ctx, rdb)
	}
	var mu sync.Mutex // ForEachMaster runs the primaries concurrently
	var all []string
	err := cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error {
		keys, err := scan(ctx, c)
		mu.Lock()
		all = append(all, keys...)
		mu.Unlock()
		return err
	})
	return all, err
}
