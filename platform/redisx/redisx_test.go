package redisx

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/futugw/gateway/platform/testkit/redistest"
	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestNewChoosesDeployment(t *testing.T) {
	tests := []struct {
		name    string
		o       Options
		want    string // client type
		wantErr bool
	}{
		{"single", Options{Addrs: "127.0.0.1:6379"}, "*redis.Client", false},
		{"single with spaces", Options{Addrs: " 127.0.0.1:6379 , "}, "*redis.Client", false},
		{"cluster", Options{Addrs: "10.0.0.1:6379,10.0.0.2:6379"}, "*redis.ClusterClient", false},
		{"sentinel", Options{Addrs: "10.0.0.1:26379,10.0.0.2:26379", MasterName: "mymaster"}, "*redis.Client", false},
		{"empty", Options{}, "", true},
		{"only commas", Options{Addrs: " , "}, "", true},
		{"no port", Options{Addrs: "localhost"}, "", true},
		{"unix socket", Options{Addrs: "unix:/run/redis/redis.sock"}, "*redis.Client", false},
		{"unix socket, URL form", Options{Addrs: "unix:///run/redis/redis.sock"}, "*redis.Client", false},
		{"unix socket without path", Options{Addrs: "unix:"}, "", true},
		{"unix socket in a cluster", Options{Addrs: "unix:/a.sock,10.0.0.2:6379"}, "", true},
		{"unix socket after a cluster node", Options{Addrs: "10.0.0.2:6379,unix:/a.sock"}, "", true},
		{"unix socket as a sentinel", Options{Addrs: "unix:/a.sock", MasterName: "mymaster"}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rdb, err := New(tt.o)
			if tt.wantErr {
				if err == nil {
					_ = rdb.Close()
					t.Fatal("New succeeded, want error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer rdb.Close()
			if got := typeName(rdb); got != tt.want {
				t.Fatalf("client type %s, want %s", got, tt.want)
			}
		})
	}
}

// A Redis on this host answers through its Unix socket; the TCP address is not used.
func TestUnixSocket(t *testing.T) {
	srv, addr := redistest.StartUnix(t)
	rdb, err := New(Options{Addrs: addr})
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if o := rdb.(*redis.Client).Options(); o.Network != "unix" || "unix:"+o.Addr != addr {
		t.Fatalf("network %q addr %q, want unix %q", o.Network, o.Addr, addr)
	}
	if err := rdb.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	tcp, err := New(Options{Addrs: srv.Addr()})
	if err != nil {
		t.Fatal(err)
	}
	defer tcp.Close()
	if v, err := tcp.Get(ctx, "k").Result(); err != nil || v != "v" {
		t.Fatalf("the same server over TCP: %q, %v", v, err)
	}
	srv.Stop()
	if err := Check(rdb)(ctx); err == nil {
		t.Fatal("Check passed over the socket with Redis stopped")
	}
}

func typeName(rdb redis.UniversalClient) string {
	switch rdb.(type) {
	case *redis.Client:
		return "*redis.Client"
	case *redis.ClusterClient:
		return "*redis.ClusterClient"
	}
	return "other"
}

func TestDefaultsAndCheck(t *testing.T) {
	srv := redistest.StartServer(t)
	rdb, err := New(Options{Addrs: srv.Addr()})
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	if o := rdb.(*redis.Client).Options(); o.DialTimeout != DefaultTimeout || o.ReadTimeout != DefaultTimeout || o.WriteTimeout != DefaultTimeout {
		t.Fatalf("timeouts = %v/%v/%v", o.DialTimeout, o.ReadTimeout, o.WriteTimeout)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	check := Check(rdb)
	if err := check(ctx); err != nil {
		t.Fatalf("Check on a live Redis: %v", err)
	}
	srv.Stop()
	if err := check(ctx); err == nil {
		t.Fatal("Check passed with Redis stopped")
	}
}

// A Redis that accepts and never replies costs a caller its context's deadline,
// not the client's read timeout.
func TestContextDeadlineBoundsACommand(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var conns []net.Conn
	var mu sync.Mutex
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	})
	defer func() {
		_ = ln.Close()
		wg.Wait()
		for _, c := range conns {
			_ = c.Close()
		}
	}()
	rdb, err := New(Options{Addrs: ln.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := rdb.Get(ctx, "k").Err(); err == nil {
		t.Fatal("a silent Redis answered")
	}
	if d := time.Since(start); d > DefaultTimeout/2 {
		t.Fatalf("a silent Redis held a 100ms call for %v", d)
	}
}

func TestPasswordIsUsed(t *testing.T) {
	addr := redistest.Start(t)
	admin := redistest.Client(t, addr)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := admin.ConfigSet(ctx, "requirepass", "s3cret").Err(); err != nil {
		t.Skipf("cannot set a password on this Redis: %v", err)
	}
	for _, tt := range []struct {
		pw string
		ok bool
	}{{"s3cret", true}, {"wrong", false}} {
		rdb, err := New(Options{Addrs: addr, Password: tt.pw})
		if err != nil {
			t.Fatal(err)
		}
		err = Check(rdb)(ctx)
		_ = rdb.Close()
		if (err == nil) != tt.ok {
			t.Fatalf("password %q: Check err = %v", tt.pw, err)
		}
	}
}
