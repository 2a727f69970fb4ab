// Package run starts a service's servers and stops them in order. A Service owns an
// admin HTTP server (/metrics, /healthz, /readyz, optional pprof), an optional gRPC
// server with reflection and grpc.health.v1, and a Group of what the wiring started
// (background tasks, upstream connections). Run serves until SIGINT/SIGTERM, the
// context ends or a task fails, then marks the service not ready, stops gRPC
// gracefully (forcing it after a deadline), drains HTTP with a deadline and stops the
// Group: tasks and closers in reverse order of registration. ServiceFlags and Main are
// the part of a service's main that every gRPC service shares: the common flag groups,
// their exit codes, the GC heap floor and the logger.
package run

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"

	"github.com/futugw/gateway/platform/grpclink"
	"github.com/futugw/gateway/platform/obs"
)

// Defaults for the zero values of Options.
const (
	DefaultReadyInterval = 5 * time.Second
	DefaultGracePeriod   = 10 * time.Second
	DefaultDrainTimeout  = 10 * time.Second
	DefaultCloseTimeout  = 5 * time.Second
	DefaultReadTimeout   = 30 * time.Second // reading one request, headers and body
)

// Options configures a Service. Only Name and Logger are required; an empty address
// leaves that server out.
type Options struct {
	Name   string // service name, for logs
	Logger *slog.Logger

	Health  *obs.Health         // readiness checks; nil means a Health with none
	Metrics prometheus.Gatherer // served at /metrics; nil leaves /metrics out

	AdminAddr string // admin HTTP listener, e.g. ":9101" or "127.0.0.1:0"
	AdminName string // the admin server's name in logs; "admin" when empty
	// GRPCAddr lists the gRPC listeners, comma-separated, each "host:port" or
	// "unix:PATH" (callers on the same host skip the TCP stack); "" means no gRPC
	// server.
	GRPCAddr    string
	GRPCOptions []grpc.ServerOption
	Pprof       bool // serve /debug/pprof/ on the admin listener
	// ReadTimeout bounds reading each request, headers and body, on the admin
	// listener (every route on it, the edge's public ones included), so a client
	// trickling a body cannot hold a connection; DefaultReadTimeout when zero.
	// net/http lifts it from a hijacked connection (a WebSocket).
	ReadTimeout time.Duration

	ReadyInterval time.Duration // how often readiness is mirrored into grpc.health.v1
	GracePeriod   time.Duration // GracefulStop deadline before in-flight RPCs are cut
	DrainTimeout  time.Duration // HTTP drain deadline before connections are closed
	CloseTimeout  time.Duration // budget for stopping the Group (tasks and closers) together

	// Group holds what the wiring started before the Service existed (clients,
	// background tasks); Run stops it last. nil means an empty one.
	Group *Group

	// Signals that start shutdown; nil means SIGINT and SIGTERM.
	Signals []os.Signal
}

// Service is a set of servers with one lifecycle. Register gRPC services, extra admin
// routes and closers before calling Run.
type Service struct {
	opts   Options
	log    *slog.Logger
	health *obs.Health
	group  *Group

	mux      *http.ServeMux
	admin    *http.Server
	grpc     *grpc.Server
	grpcHlth *health.Server

	mu       sync.Mutex
	adminLn  net.Listener
	grpcLns  []net.Listener
	drainers []drainer
	started  bool
	listened bool
}

type drainer struct {
	name string
	fn   func(context.Context) error
}

// New builds a Service; nothing listens until Listen or Run.
func New(opts Options) *Service {
	opts.Logger = obs.OrDiscard(opts.Logger)
	if opts.Health == nil {
		opts.Health = obs.NewHealth(0)
	}
	if opts.AdminName == "" {
		opts.AdminName = "admin"
	}
	orDefault := func(p *time.Duration, def time.Duration) {
		if *p <= 0 {
			*p = def
		}
	}
	orDefault(&opts.ReadyInterval, DefaultReadyInterval)
	orDefault(&opts.GracePeriod, DefaultGracePeriod)
	orDefault(&opts.DrainTimeout, DefaultDrainTimeout)
	orDefault(&opts.CloseTimeout, DefaultCloseTimeout)
	orDefault(&opts.ReadTimeout, DefaultReadTimeout)
	if opts.Signals == nil {
		opts.Signals = []os.Signal{os.Interrupt, syscall.SIGTERM}
	}
	if opts.Group == nil {
		opts.Group = NewGroup(opts.Logger)
	}
	s := &Service{
		opts:   opts,
		log:    opts.Logger,
		health: opts.Health,
		group:  opts.Group,
	}
	s.mux = newAdminMux(opts.Metrics, opts.Health, opts.Pprof)
	s.admin = newHTTPServer(s.mux, opts.ReadTimeout, opts.Logger)
	if opts.GRPCAddr != "" {
		s.grpc, s.grpcHlth = newGRPCServer(opts.GRPCOptions)
	}
	return s
}

// GRPC returns the gRPC server to register services on, or nil when Options.GRPCAddr
// is empty. Reflection and grpc.health.v1 are already registered.
func (s *Service) GRPC() *grpc.Server { return s.grpc }

// Handle adds a route to the admin HTTP server (the edge serves its pages there).
func (s *Service) Handle(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// Go starts a background task in the service's Group: it runs until shutdown, and
// its failure shuts the service down. See Group.Go.
func (s *Service) Go(name string, fn func(context.Context) error) { s.group.Go(name, fn) }

// Defer registers fn to run after the servers stopped, e.g. closing an upstream
// connection, in reverse order of registration with the tasks, under
// Options.CloseTimeout. See Group.Defer.
func (s *Service) Defer(name string, fn func(context.Context) error) { s.group.Defer(name, fn) }

// AddDrainer registers fn to end long-lived streams (push feeds) once the service is
// not ready and before gRPC stops gracefully: GracefulStop waits for every open
// stream, so a feed that only ends when told would otherwise hold the stop for the
// whole grace period. Drainers run in registration order under the grace period.
func (s *Service) AddDrainer(name string, fn func(context.Context) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.drainers = append(s.drainers, drainer{name: name, fn: fn})
}

// Listen binds the listeners, so their addresses are known before Run (useful with
// port 0). Run calls it when it was not called, and closes the listeners on shutdown;
// a caller that listens but then does not Run owns them.
func (s *Service) Listen() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.listened {
		return nil
	}
	if s.opts.AdminAddr != "" {
		ln, err := net.Listen("tcp", s.opts.AdminAddr)
		if err != nil {
			return fmt.Errorf("%s listener: %w", s.opts.AdminName, err)
		}
		s.adminLn = ln
	}
	if s.grpc != nil {
		for _, addr := range strings.Split(s.opts.GRPCAddr, ",") {
			var ln net.Listener
			var err error
			if addr = strings.TrimSpace(addr); addr == "" {
				// net.Listen would take "" as every interface, on any port.
				err = fmt.Errorf("empty address in %q", s.opts.GRPCAddr)
			} else {
				ln, err = grpclink.Listen(addr)
			}
			if err != nil {
				s.closeListeners()
				s.adminLn, s.grpcLns = nil, nil
				return fmt.Errorf("grpc listener: %w", err)
			}
			s.grpcLns = append(s.grpcLns, ln)
		}
	}
	s.listened = true
	return nil
}

// AdminAddr is the bound admin address, nil before Listen or without an admin server.
func (s *Service) AdminAddr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.adminLn == nil {
		return nil
	}
	return s.adminLn.Addr()
}

// GRPCAddr is the first bound gRPC address, nil before Listen or without a gRPC
// server.
func (s *Service) GRPCAddr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.grpcLns) == 0 {
		return nil
	}
	return s.grpcLns[0].Addr()
}

// Run serves until a signal from Options.Signals arrives, ctx ends, or a server or
// task fails; then it shuts down in order and returns. It returns nil after a clean
// shutdown, or the server, task and closer errors. Run may be called once; it stops
// the Group on every return but that one, also when the listeners cannot bind.
func (s *Service) Run(ctx context.Context) error {
	s.mu.Lock()
	if s.started {
		s.mu.Unlock()
		return errors.New("run: Run called twice")
	}
	s.started = true
	s.mu.Unlock()

	if err := s.Listen(); err != nil {
		return errors.Join(err, s.stopGroup())
	}

	// Register before serving, so a signal that arrives once we answer is ours.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, s.opts.Signals...)
	defer signal.Stop(sigs)

	serveErrs := make(chan error, 1+len(s.grpcLns)) // one per server and listener
	var serving sync.WaitGroup
	if s.adminLn != nil {
		serving.Go(func() {
			if err := s.admin.Serve(s.adminLn); err != nil && !errors.Is(err, http.ErrServerClosed) {
				serveErrs <- fmt.Errorf("%s server: %w", s.opts.AdminName, err)
			}
		})
		s.log.Info("listening", "server", s.opts.AdminName, "addr", s.adminLn.Addr().String())
	}

	watchCtx, stopWatch := context.WithCancel(context.Background())
	var watching sync.WaitGroup
	if s.grpc != nil {
		ready := s.health.Evaluate(ctx).Ready()
		if !ready {
			s.log.Warn("not ready at start; gRPC health is NOT_SERVING")
		}
		s.setGRPCServing(ready)
		watching.Go(func() { s.watchReadiness(watchCtx, ready) })
		for _, ln := range s.grpcLns {
			serving.Go(func() {
				if err := s.grpc.Serve(ln); err != nil && !errors.Is(err, grpc.ErrServerStopped) {
					serveErrs <- fmt.Errorf("grpc server on %s: %w", ln.Addr(), err)
				}
			})
			s.log.Info("listening", "server", "grpc", "addr", ln.Addr().String(), "network", ln.Addr().Network())
		}
	}
	s.log.Info("started", "service", s.opts.Name)

	var runErr error
	select {
	case sig := <-sigs:
		s.log.Info("shutdown started", "reason", "signal", "signal", sig.String())
	case <-ctx.Done():
		s.log.Info("shutdown started", "reason", "context", "cause", context.Cause(ctx).Error())
	case runErr = <-serveErrs:
		s.log.Error("shutdown started", "reason", "server failed", obs.Err(runErr))
	case <-s.group.Failed():
		runErr = s.group.Err()
		s.log.Error("shutdown started", "reason", "task failed", obs.Err(runErr))
	}

	s.shutdown(stopWatch, &watching, &serving)
	close(serveErrs) // every Serve returned inside shutdown
	errs := []error{runErr}
	for err := range serveErrs {
		errs = append(errs, err)
	}
	errs = append(errs, s.stopGroup())
	err := errors.Join(errs...)
	if err != nil {
		s.log.Error("shutdown complete", "service", s.opts.Name, obs.Err(err))
	} else {
		s.log.Info("shutdown complete", "service", s.opts.Name)
	}
	return err
}
