// Command hopfloor measures what the edge path's hops cost on this machine with no
// work in them: a client, an HTTP server process forwarding each request as a gRPC
// call, and a gRPC server process answering it (the standard health check), all on
// loopback, with the options of the gateway's internal links. It prints p50/p90/p99 of a bare gRPC call, a bare HTTP request, and an
// HTTP request forwarded over gRPC, with the forwarder's CPU per request: the floor
// the edge's own figures in docs/benchmarks.md are compared with.
//
//	go run ./services/edge/cmd/hopfloor -n 8000
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/futugw/gateway/platform/grpclink"
	"github.com/futugw/gateway/platform/loadgen"
)

func main() {
	role := flag.String("role", "", "internal: grpc or http (the child processes)")
	upstream := flag.String("upstream", "", "internal: the gRPC server's address, for -role http")
	n := flag.Int("n", 5000, "measured requests per path")
	flag.Parse()
	var err error
	switch *role {
	case "grpc":
		err = serveGRPC()
	case "http":
		err = serveHTTP(*upstream)
	case "":
		err = measure(*n)
	default:
		err = fmt.Errorf("unknown -role %q", *role)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "hopfloor:", err)
		os.Exit(1)
	}
}

// serveGRPC answers health checks; its address is the first line on stdout.
func serveGRPC() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Println(ln.Addr())
	s := grpc.NewServer(grpclink.ServerOptions()...)
	healthpb.RegisterHealthServer(s, health.NewServer())
	return s.Serve(ln)
}

// serveHTTP answers every request with a small JSON body; on /forward only after a
// health check on upstream. Its address is the first line on stdout.
func serveHTTP(upstream string) error {
	cc, err := grpc.NewClient(upstream, grpclink.DialOptions()...)
	if err != nil {
		return err
	}
	hc := healthpb.NewHealthClient(cc)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Println(ln.Addr())
	return http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if r.URL.Path == "/forward" {
			if _, err := hc.Check(r.Context(), &healthpb.HealthCheckRequest{}); err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
		}
		_, _ = w.Write([]byte(`{"order_id":"1"}`))
	}))
}

// child starts this program with args and returns it with the address it printed.
func child(args ...string) (*exec.Cmd, string, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, "", err
	}
	cmd := exec.Command(self, args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, "", err
	}
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		_ = cmd.Process.Kill()
		return nil, "", fmt.Errorf("%v: no address: %w", args, err)
	}
	return cmd, strings.TrimSpace(line), nil
}

func measure(n int) error {
	g, grpcAddr, err := child("-role", "grpc")
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
	paths := []struct {
		name string
		call func() error
	}{
		{"gRPC call", func() error { _, err := hc.Check(context.Background(), &healthpb.HealthCheckRequest{}); return err }},
		{"HTTP request", post("/")},
		{"HTTP -> gRPC", post("/forward")},
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
	slices.Sort(d)
	at := func(p int) time.Duration { return d[min(len(d)-1, len(d)*p/100)].Round(time.Microsecond) }
	fmt.Printf("%-13s p50 %-8v p90 %-8v p99 %-8v forwarder CPU %v/request\n", name, at(50), at(90), at(99),
		((cpu1 - cpu0) / time.Duration(n)).Round(time.Microsecond))
	return nil
}
