package redistest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/futugw/gateway/platform/testkit"
	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestStartAndClient(t *testing.T) {
	addr := Start(t)
	rdb := Client(t, addr)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := rdb.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatalf("SET: %v", err)
	}
	if got, err := rdb.Get(ctx, "k").Result(); err != nil || got != "v" {
		t.Fatalf("GET = %q, %v; want v", got, err)
	}
}

func TestTwoServersAreIsolated(t *testing.T) {
	a, b := Start(t), Start(t)
	if a == b {
		t.Fatalf("two servers share %s", a)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := Client(t, a).Set(ctx, "only-a", "1", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if n, err := Client(t, b).Exists(ctx, "only-a").Result(); err != nil || n != 0 {
		t.Fatalf("EXISTS on b = %d, %v; want 0", n, err)
	}
}

func TestServerRestartKeepsAddr(t *testing.T) {
	s := StartServer(t)
	rdb := Client(t, s.Addr())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := rdb.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	s.Stop()
	if err := rdb.Ping(ctx).Err(); err == nil {
		t.Fatal("PING succeeded on a stopped server")
	}
	s.Restart()
	// Nothing is persisted (--save "" --appendonly no): a fresh, empty server.
	var n int64
	var err error
	for range 50 { // the pool may hand out a dead connection first
		if n, err = rdb.Exists(ctx, "k").Result(); err == nil {
			break
		}
	}
	if err != nil || n != 0 {
		t.Fatalf("after restart EXISTS = %d, %v; want 0, nil", n, err)
	}
}

func TestCluster(t *testing.T) {
	addrs := StartCluster(t)
	rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs})
	defer rdb.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// Keys spread over all three primaries.
	for i := range 30 {
		if err := rdb.Set(ctx, fmt.Sprint("k", i), i, 0).Err(); err != nil {
			t.Fatalf("SET k%d: %v", i, err)
		}
	}
	var mu sync.Mutex
	perNode := map[string]int64{}
	err := rdb.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error {
		n, err := c.DBSize(ctx).Result()
		mu.Lock()
		perNode[c.Options().Addr] = n
		mu.Unlock()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(perNode) != 3 {
		t.Fatalf("primaries = %v, want 3", perNode)
	}
	for a, n := range perNode {
		if n == 0 {
			t.Errorf("primary %s holds no keys: %v", a, perNode)
		}
	}
}

func TestSentinelFailover(t *testing.T) {
	s := StartSentinel(t)
	rdb := redis.NewFailoverClient(&redis.FailoverOptions{MasterName: s.MasterName, SentinelAddrs: s.Addrs})
	defer rdb.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := rdb.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	old := s.Master.Addr()
	if err := s.Failover(ctx); err != nil {
		t.Fatal(err)
	}
	if s.Master.Addr() == old || s.Replica.Addr() != old {
		t.Fatalf("master %s replica %s after failover from %s", s.Master.Addr(), s.Replica.Addr(), old)
	}
	// The client learns of the switch from the Sentinels.
	testkit.EventuallyNil(t, 5*time.Second, "SET after failover", func() error { return rdb.Set(ctx, "k2", "v2", 0).Err() })
	if got, err := Client(t, s.Master.Addr()).Get(ctx, "k").Result(); err != nil || got != "v" {
		t.Fatalf("replicated GET on the new master = %q, %v", got, err)
	}
}

func TestStartWithPassword(t *testing.T) {
	addr := StartWithPassword(t, "pa ss")
	ctx := context.Background()
	anon := Client(t, addr)
	if err := anon.Ping(ctx).Err(); err == nil || !strings.Contains(err.Error(), "NOAUTH") {
		t.Fatalf("PING without the password = %v; want NOAUTH", err)
	}
	authed := redis.NewClient(&redis.Options{Addr: addr, Password: "pa ss"})
	defer authed.Close()
	if err := authed.Ping(ctx).Err(); err != nil {
		t.Fatalf("PING with the password: %v", err)
	}
}
