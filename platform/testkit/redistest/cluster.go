package redistest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/futugw/gateway/platform/testkit"
)

// clusterSlots is the number of hash slots of a Redis Cluster.
const clusterSlots = 16384

// StartCluster runs a fresh Redis Cluster of three primaries (no replicas) on loopback
// ports and returns their host:port addresses, ready: every slot is assigned and every
// node reports cluster_state:ok and knows all three primaries. The nodes are killed in
// t.Cleanup. Without a redis-server binary the test is skipped (failed when
// RequireEnv is set): miniredis has no cluster mode.
func StartCluster(t testing.TB) []string {
	t.Helper()
	bin := requireBinary(t, "this test needs a Redis Cluster")
	const n = 3
	nodes := make([]*Server, n)
	addrs := make([]string, n)
	for i := range nodes {
		nodes[i] = startWith(t, &Server{t: t, bin: bin, cluster: true})
		addrs[i] = nodes[i].addr
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	clients := make([]*redis.Client, n)
	for i, a := range addrs {
		clients[i] = redis.NewClient(&redis.Options{Addr: a, DialTimeout: time.Second, MaxRetries: -1})
		defer clients[i].Close()
	}
	for i, c := range clients {
		lo := i * clusterSlots / n
		hi := (i+1)*clusterSlots/n - 1
		if err := c.Do(ctx, "CLUSTER", "ADDSLOTSRANGE", lo, hi).Err(); err != nil {
			t.Fatalf("redistest: CLUSTER ADDSLOTSRANGE %d %d on %s: %v", lo, hi, addrs[i], err)
		}
		if i > 0 {
			// The bus port is not port+10000 here, so MEET names it.
			if err := clients[0].Do(ctx, "CLUSTER", "MEET", "127.0.0.1", nodes[i].port, nodes[i].busPort).Err(); err != nil {
				t.Fatalf("redistest: CLUSTER MEET %s: %v", addrs[i], err)
			}
		}
	}
	deadline, _ := ctx.Deadline()
	var why string
	if !testkit.Within(time.Until(deadline), func() bool {
		ready, w := clusterReady(ctx, clients)
		if ctx.Err() == nil { // past the deadline w is only the context's error
			why = w
		}
		return ready
	}) {
		t.Fatalf("redistest: cluster %v not ready: %s", addrs, why)
	}
	return addrs
}

// clusterReady reports whether every node sees the cluster ok with all primaries
// holding their slots, or why not.
func clusterReady(ctx context.Context, clients []*redis.Client) (bool, string) {
	for _, c := range clients {
		info, err := c.ClusterInfo(ctx).Result()
		if err != nil {
			return false, err.Error()
		}
		if !strings.Contains(info, "cluster_state:ok") {
			return false, c.Options().Addr + " cluster_state not ok"
		}
		slots, err := c.ClusterSlots(ctx).Result()
		if err != nil {
			return false, err.Error()
		}
		if len(slots) != len(clients) {
			return false, fmt.Sprintf("%s knows %d slot ranges", c.Options().Addr, len(slots))
		}
	}
	return true, ""
}

// requireBinary returns the redis-server path, or skips the test (fails it when
// RequireEnv is set) with why.
func requireBinary(t testing.TB, why string) string {
	t.Helper()
	bin := findBinary()
	if bin == "" {
		if os.Getenv(RequireEnv) == "1" {
			t.Fatalf("redistest: redis-server not found and %s=1", RequireEnv)
		}
		t.Skipf("redistest: redis-server not found; %s", why)
	}
	return bin
}
