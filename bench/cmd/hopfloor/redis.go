package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/futugw/gateway/platform/redisx"
)

// startRedis runs a throwaway redis-server on a Unix socket (as `make run` links to
// its Redis), so a standalone run also measures the Redis hop. It returns the
// address and a stop function, or "" when no redis-server is on PATH.
func startRedis() (string, func(), error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return "", func() {}, nil
	}
	dir, err := os.MkdirTemp("", "hopfloor-redis-")
	if err != nil {
		return "", nil, err
	}
	sock := filepath.Join(dir, "redis.sock")
	cmd := exec.Command(bin, "--port", "0", "--unixsocket", sock, "--unixsocketperm", "600",
		"--save", "", "--appendonly", "no", "--dir", dir)
	if err := cmd.Start(); err != nil {
		_ = os.RemoveAll(dir)
		return "", nil, err
	}
	stop := func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		_ = os.RemoveAll(dir)
	}
	addr := "unix:" + sock
	rdb, err := redisx.New(redisx.Options{Addrs: addr})
	if err != nil {
		stop()
		return "", nil, err
	}
	defer rdb.Close()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if rdb.Ping(context.Background()).Err() == nil {
			return addr, stop, nil
		}
		if time.Now().After(deadline) {
			stop()
			return "", nil, fmt.Errorf("redis-server on %s did not answer", sock)
		}
	}
}
