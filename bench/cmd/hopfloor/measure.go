package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/futugw/gateway/bench/loadgen"
	"github.com/futugw/gateway/platform/grpclink"
	"google.golang.org/grpc"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// hop is one measured path.
type hop struct {
	name string
	call func() error
}

func measure(n int, redisAddr string) error {
	if redisAddr == "" {
		addr, stop, err := startRedis()
		if err != nil {
			return err
		}
		defer stop()
		if addr == "" {
			fmt.Println("(no redis-server on PATH and no -redis-addr: the Redis path is skipped)")
		}
		redisAddr = addr
	}
	g, grpcAddr, err := child("-role", "grpc", "-redis-addr", redisAddr)
	if err != nil {
		return err
	}
	defer g.Process.Kill()
	h, httpAddr, err := child("-role", "http", "-upstream", grpcAddr)
	if err != nil {
		return err
	}
	defer h.Process.Kill()

	cc, err := grpc.NewClient(grpcAddr, grpclink.DialOptions()...)
	if err != nil {
		return err
	}
	defer cc.Close()
	hc := healthpb.NewHealthClient(cc)
	client := &http.Client{Timeout: 10 * time.Second}
	body := strings.Repeat("x", 200) // about an order's JSON
	post := func(path string) func() error {
		return func() error {
			resp, err := client.Post("http://"+httpAddr+path, "application/json", strings.NewReader(body))
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			_, _ = io.Copy(io.Discard, resp.Body)
			if resp.StatusCode != http.StatusOK {
				return errors.New(resp.Status)
			}
			return nil
		}
	}
	paths := []hop{
		{"gRPC call", func() error { _, err := hc.Check(context.Background(), &healthpb.HealthCheckRequest{}); return err }},
		{"HTTP request", post("/")},
		{"HTTP -> gRPC", post(ForwardPath)},
	}
	if redisAddr != "" {
		paths = append(paths, hop{"HTTP -> gRPC -> Redis", post(ForwardRedisPath)})
	}
	for _, p := range paths {
		if err := run(p.name, n, h.Process.Pid, p.call); err != nil {
			return err
		}
	}
	return nil
}

// run warms path up, then times n calls and prints their percentiles and the
// forwarder's CPU per call.
func run(name string, n, forwarder int, call func() error) error {
	for range 200 {
		if err := call(); err != nil {
			return err
		}
	}
	resume := loadgen.PauseGC()
	defer resume()
	cpu0, _ := loadgen.ProcCPU(forwarder)
	d := make([]time.Duration, 0, n)
	for range n {
		start := time.Now()
		if err := call(); err != nil {
			return err
		}
		d = append(d, time.Since(start))
	}
	cpu1, _ := loadgen.ProcCPU(forwarder)
	at := func(p int) time.Duration { return loadgen.Percentile(d, p).Round(time.Microsecond) }
	fmt.Printf("%-21s p50 %-8v p90 %-8v p99 %-8v forwarder CPU %v/request\n", name, at(50), at(90), at(99),
		((cpu1 - cpu0) / time.Duration(n)).Round(time.Microsecond))
	return nil
}
