package redistest

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/futugw/gateway/platform/testkit"
)

// SentinelMaster is the master name the Sentinels of StartSentinel monitor.
const SentinelMaster = "mymaster"

// Sentinel is a Sentinel-managed Redis: a master, one replica and three Sentinels
// (quorum 2, down after 1 s) on loopback ports.
type Sentinel struct {
	t testing.TB
	// Addrs are the Sentinels' host:port, for redisx.Options.Addrs.
	Addrs []string
	// MasterName is the name to pass as redisx.Options.MasterName.
	MasterName string
	// Master and Replica are the data nodes; Failover swaps them.
	Master, Replica *Server
}

// StartSentinel runs a Sentinel-managed Redis for the test and returns once every
// Sentinel knows the master, the replica (in sync) and the other Sentinels, so a
// failover can start at once. Everything is killed in t.Cleanup. Without a
// redis-server binary the test is skipped (failed when RequireEnv is set).
func StartSentinel(t testing.TB) *Sentinel {
	t.Helper()
	bin := requireBinary(t, "this test needs Redis Sentinel")
	s := &Sentinel{t: t, MasterName: SentinelMaster}
	s.Master = startWith(t, &Server{t: t, bin: bin})
	s.Replica = startWith(t, &Server{t: t, bin: bin,
		extra: []string{"--replicaof", "127.0.0.1", fmt.Sprint(s.Master.port)}})
	conf := fmt.Sprintf("sentinel monitor %s 127.0.0.1 %d 2\n"+
		"sentinel down-after-milliseconds %[1]s 1000\n"+
		"sentinel failover-timeout %[1]s 10000\n"+
		"sentinel parallel-syncs %[1]s 1\n", SentinelMaster, s.Master.port)
	for range 3 {
		sn := startWith(t, &Server{t: t, bin: bin, conf: conf, extra: []string{"--sentinel"}})
		s.Addrs = append(s.Addrs, sn.addr)
	}
	const readyTimeout = 30 * time.Second
	// ctx outlives the wait, so the last probe's error says what was still missing.
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout+5*time.Second)
	defer cancel()
	// Every Sentinel sees the master, a replica in sync and the two other Sentinels.
	var err error
	if !testkit.Within(readyTimeout, func() bool { err = s.ready(ctx); return err == nil }) {
		t.Fatalf("redistest: sentinels not ready: %v", err)
	}
	return s
}

func (s *Sentinel) ready(ctx context.Context) error {
	return s.askSentinels(ctx, s.Master.addr, func(a string, sc *redis.SentinelClient) error {
		reps, err := sc.Replicas(ctx, s.MasterName).Result()
		if err != nil {
			return err
		}
		if len(reps) != 1 || reps[0]["flags"] != "slave" || reps[0]["master-link-status"] != "ok" {
			return fmt.Errorf("sentinel %s: replicas %v", a, reps)
		}
		sens, err := sc.Sentinels(ctx, s.MasterName).Result()
		if err != nil {
			return err
		}
		if len(sens) != len(s.Addrs)-1 {
			return fmt.Errorf("sentinel %s knows %d other sentinels", a, len(sens))
		}
		return nil
	})
}

// askSentinels asks every Sentinel for the master and fails unless it is want; then,
// when more is not nil, it runs more on the same Sentinel.
func (s *Sentinel) askSentinels(ctx context.Context, want string, more func(a string, sc *redis.SentinelClient) error) error {
	for _, a := range s.Addrs {
		sc := redis.NewSentinelClient(&redis.Options{Addr: a, DialTimeout: time.Second, MaxRetries: -1})
		err := func() error {
			m, err := sc.GetMasterAddrByName(ctx, s.MasterName).Result()
			if err != nil {
				return err
			}
			if got := net.JoinHostPort(m[0], m[1]); got != want {
				return fmt.Errorf("sentinel %s names master %s, want %s", a, got, want)
			}
			if more == nil {
				return nil
			}
			return more(a, sc)
		}()
		_ = sc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// Failover makes the Sentinels promote the replica (SENTINEL FAILOVER) and waits
// until every Sentinel names it master and it answers as one; then Master and Replica
// are swapped. The old master is reconfigured as a replica by the Sentinels.
func (s *Sentinel) Failover(ctx context.Context) error {
	sc := redis.NewSentinelClient(&redis.Options{Addr: s.Addrs[0], DialTimeout: time.Second})
	defer sc.Close()
	if err := sc.Failover(ctx, s.MasterName).Err(); err != nil {
		return fmt.Errorf("SENTINEL FAILOVER: %w", err)
	}
	return s.WaitMaster(ctx, s.Replica)
}

// WaitMaster waits until every Sentinel names srv (Master or Replica) as master and
// srv reports role master, then makes srv the Master. Use it after killing the master
// with Master.Stop to wait for the automatic failover.
func (s *Sentinel) WaitMaster(ctx context.Context, srv *Server) error {
	rdb := redis.NewClient(&redis.Options{Addr: srv.addr, DialTimeout: time.Second, MaxRetries: -1})
	defer rdb.Close()
	// Its own loop, not testkit.Within: the wait is bounded by the caller's ctx, which
	// may be cancelled rather than time out, and it returns an error instead of failing
	// a test.
	for {
		err := func() error {
			if err := s.askSentinels(ctx, srv.addr, nil); err != nil {
				return err
			}
			info, err := rdb.Info(ctx, "replication").Result()
			if err != nil {
				return err
			}
			if !strings.Contains(info, "role:master") {
				return fmt.Errorf("%s is not master yet", srv.addr)
			}
			return nil
		}()
		if err == nil {
			if srv != s.Master {
				s.Master, s.Replica = srv, s.Master
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s to be master: %w", srv.addr, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
