package run

import (
	"context"
	"time"

	"github.com/futugw/gateway/platform/grpclink"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"
)

// newGRPCServer builds the server with the internal link options (opts may
// override them), reflection and the standard health service, which internal tools
// and load balancers rely on.
func newGRPCServer(opts []grpc.ServerOption) (*grpc.Server, *health.Server) {
	srv := grpc.NewServer(append(grpclink.ServerOptions(), opts...)...)
	hs := health.NewServer()
	healthpb.RegisterHealthServer(srv, hs)
	reflection.Register(srv)
	return srv, hs
}

// setGRPCServing sets the overall status ("") and that of every registered service.
func (s *Service) setGRPCServing(ready bool) {
	st := healthpb.HealthCheckResponse_NOT_SERVING
	if ready {
		st = healthpb.HealthCheckResponse_SERVING
	}
	s.grpcHlth.SetServingStatus("", st)
	for name := range s.grpc.GetServiceInfo() {
		s.grpcHlth.SetServingStatus(name, st)
	}
}

// watchReadiness mirrors the readiness checks into grpc.health.v1 until ctx ends,
// logging each change.
func (s *Service) watchReadiness(ctx context.Context, last bool) {
	t := time.NewTicker(s.opts.ReadyInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		rep := s.opts.Health.Evaluate(ctx)
		if ctx.Err() != nil {
			return // shutting down; the evaluation was cut short
		}
		ready := rep.Ready()
		s.setGRPCServing(ready)
		if ready != last {
			var failing []string
			for _, c := range rep.Checks {
				if c.Status != "ok" {
					failing = append(failing, c.Name+": "+c.Error)
				}
			}
			s.log.Info("readiness changed", "ready", ready, "failing", failing)
			last = ready
		}
	}
}
