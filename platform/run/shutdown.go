package run

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"
)

// shutdown performs the ordered stop. The admin server stays up while gRPC drains so
// probes keep seeing 503 rather than connection refused.
func (s *Service) shutdown(stopWatch context.CancelFunc, watching, serving *sync.WaitGroup) {
	s.step("not_ready")
	s.health.BeginShutdown()
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
			s.log.Warn("http drain deadline passed; closing connections", "error", err.Error())
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
	drainers := append([]closer(nil), s.drainers...)
	s.mu.Unlock()
	if len(drainers) == 0 {
		return
	}
	s.step("drain_streams")
	ctx, cancel := context.WithTimeout(context.Background(), s.opts.GracePeriod)
	defer cancel()
	for _, d := range drainers {
		if err := d.fn(ctx); err != nil {
			s.log.Warn("drain failed", "drainer", d.name, "error", err.Error())
		}
	}
}

// runClosers calls the closers in reverse order under one shared deadline.
func (s *Service) runClosers() error {
	s.mu.Lock()
	closers := append([]closer(nil), s.closers...)
	s.mu.Unlock()
	if len(closers) == 0 {
		return nil
	}
	s.step("close_upstreams")
	ctx, cancel := context.WithTimeout(context.Background(), s.opts.CloseTimeout)
	defer cancel()
	var errs []error
	for i := len(closers) - 1; i >= 0; i-- {
		c := closers[i]
		if err := c.fn(ctx); err != nil {
			s.log.Error("close failed", "closer", c.name, "error", err.Error())
			errs = append(errs, fmt.Errorf("close %s: %w", c.name, err))
			continue
		}
		s.log.Info("closed", "closer", c.name)
	}
	return errors.Join(errs...)
}

func (s *Service) step(name string) {
	s.log.Info("shutdown step", "step", name)
}
