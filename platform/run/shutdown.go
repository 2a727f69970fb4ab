package run

import (
	"context"
	"net"
	"sync"
	"time"

	"github.com/futugw/gateway/platform/obs"
)

// shutdown performs the ordered stop. The admin server stays up while gRPC drains so
// probes keep seeing 503 rather than connection refused.
func (s *Service) shutdown(stopWatch context.CancelFunc, watching, serving *sync.WaitGroup) {
	s.step("not_ready")
	s.opts.Health.BeginShutdown()
	stopWatch()
	watching.Wait()
	if s.grpcHlth != nil {
		s.grpcHlth.Shutdown() // NOT_SERVING for every service, ignoring later updates
	}

	s.runDrainers()
	if s.grpc != nil {
		s.step("grpc_graceful_stop")
		s.stopGRPC()
	}

	if s.adminLn != nil {
		s.step("http_drain")
		ctx, cancel := context.WithTimeout(context.Background(), s.opts.DrainTimeout)
		if err := s.admin.Shutdown(ctx); err != nil {
			s.log.Warn("http drain deadline passed; closing connections", obs.Err(err))
			_ = s.admin.Close()
		}
		cancel()
	}
	serving.Wait()
	// Serve closes its listener, except when stopped before it started.
	s.closeListeners()
}

// closeListeners closes every listener (a second Close is harmless).
func (s *Service) closeListeners() {
	for _, ln := range append([]net.Listener{s.adminLn}, s.grpcLns...) {
		if ln != nil {
			_ = ln.Close()
		}
	}
}

// stopGRPC waits for in-flight RPCs (streams included) up to the grace period, then
// cuts the rest.
func (s *Service) stopGRPC() {
	done := make(chan struct{})
	go func() {
		s.grpc.GracefulStop()
		close(done)
	}()
	t := time.NewTimer(s.opts.GracePeriod)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		s.step("grpc_force_stop")
		s.grpc.Stop()
		<-done
	}
}

// runDrainers ends long-lived streams before the graceful stop waits for them.
func (s *Service) runDrainers() {
	s.mu.Lock()
	drainers := append([]drainer(nil), s.drainers...)
	s.mu.Unlock()
	if len(drainers) == 0 {
		return
	}
	s.step("drain_streams")
	ctx, cancel := context.WithTimeout(context.Background(), s.opts.GracePeriod)
	defer cancel()
	for _, d := range drainers {
		if err := d.fn(ctx); err != nil {
			s.log.Warn("drain failed", "drainer", d.name, obs.Err(err))
		}
	}
}

// stopGroup stops the tasks and runs the closers, in reverse order, under one
// shared deadline.
func (s *Service) stopGroup() error {
	s.step("stop_group")
	ctx, cancel := context.WithTimeout(context.Background(), s.opts.CloseTimeout)
	defer cancel()
	return s.opts.Group.Stop(ctx)
}

func (s *Service) step(name string) {
	s.log.Info("shutdown step", "step", name)
}
