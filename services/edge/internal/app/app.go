// Package app wires the edge: configuration in, the HTTP listener serving until
// shutdown. REST (grpc-gateway), the WebSocket hub and the built panel plug in here
// later.
package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/platform/run"
	"github.com/futugw/gateway/services/edge/internal/panel"
)

// Name is the service name used in metric names and logs.
const Name = "edge"

// Config is everything the edge is started with.
type Config struct {
	HTTPAddr        string        // the one listener: API, panel, /metrics, /healthz, /readyz
	ShutdownTimeout time.Duration // HTTP drain deadline
}

// Run builds the edge and serves until ctx ends or SIGINT/SIGTERM arrives.
func Run(ctx context.Context, cfg Config, log *slog.Logger) error {
	reg := obs.NewRegistry()
	if err := obs.RegisterBuildInfo(reg, Name); err != nil {
		return err
	}
	log.Info("config", "http_addr", cfg.HTTPAddr, "shutdown_timeout", cfg.ShutdownTimeout.String())

	// The edge has no separate admin port: its public listener is the admin server.
	svc := run.New(run.Options{
		Name:         Name,
		Logger:       log,
		Metrics:      reg,
		AdminAddr:    cfg.HTTPAddr,
		AdminName:    "http",
		DrainTimeout: cfg.ShutdownTimeout,
	})
	svc.Handle("GET /{$}", panel.Placeholder())
	return svc.Run(ctx)
}
