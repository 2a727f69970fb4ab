package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"

	"github.com/redis/go-redis/v9"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"github.com/futugw/gateway/platform/grpclink"
	"github.com/futugw/gateway/platform/redisx"
)

// withRedis is the health check "service" that makes the gRPC role run one Lua
// script on Redis before answering: the third hop of the order path (the limits
// script), with nothing in it.
const withRedis = "redis"

// CallsKey counts the scripts the gRPC role ran, so a test can see the hop happen.
const CallsKey = "hopfloor:calls"

// floorScript is one atomic script with a single call, as cheap as a script gets.
var floorScript = redis.NewScript(`return redis.call('INCR', KEYS[1])`)

// floorHealth answers health checks, after a script on Redis when asked for withRedis.
type floorHealth struct {
	*health.Server
	rdb redis.UniversalClient // nil: no Redis configured
}

func (h floorHealth) Check(ctx context.Context, req *healthpb.HealthCheckRequest) (*healthpb.HealthCheckResponse, error) {
	if req.GetService() == withRedis {
		if h.rdb == nil {
			return nil, status.Error(codes.FailedPrecondition, "hopfloor: started without -redis-addr")
		}
		if err := floorScript.Run(ctx, h.rdb, []string{CallsKey}).Err(); err != nil {
			return nil, status.Error(codes.Unavailable, err.Error())
		}
	}
	return h.Server.Check(ctx, &healthpb.HealthCheckRequest{})
}

// serveGRPC answers health checks (with redisAddr, a withRedis check runs a script
// there first); its address is the first line on stdout.
func serveGRPC(redisAddr string) error {
	h := floorHealth{Server: health.NewServer()}
	if redisAddr != "" {
		rdb, err := redisx.New(redisx.Options{Addrs: redisAddr})
		if err != nil {
			return err
		}
		defer rdb.Close()
		if err := floorScript.Load(context.Background(), rdb).Err(); err != nil {
			return fmt.Errorf("redis %s: %w", redisAddr, err)
		}
		h.rdb = rdb
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Println(ln.Addr())
	s := grpc.NewServer(grpclink.ServerOptions()...)
	healthpb.RegisterHealthServer(s, h)
	return s.Serve(ln)
}

// Forwarding paths of the HTTP role: /forward makes a gRPC call upstream before
// answering, /forward-redis one that also runs the upstream's Redis script.
const (
	ForwardPath      = "/forward"
	ForwardRedisPath = "/forward-redis"
)

// forwards maps each forwarding path to the health check "service" it asks upstream.
var forwards = map[string]string{ForwardPath: "", ForwardRedisPath: withRedis}

// serveHTTP answers every request with a small JSON body, on the forwarding paths
// only after the gRPC call. Its address is the first line on stdout.
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
		if service, ok := forwards[r.URL.Path]; ok {
			if _, err := hc.Check(r.Context(), &healthpb.HealthCheckRequest{Service: service}); err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
		}
		_, _ = w.Write([]byte(`{"order_id":"1"}`))
	}))
}
