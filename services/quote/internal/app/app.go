// Package app wires the quote service: configuration in, servers running until
// shutdown. The OpenD quote connection, the subscription registry and the QuoteService
// handlers plug in here later.
package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/platform/run"
)

// Name is the service name used in metric names and logs.
const Name = "quote"

// Config is everything the quote service is started with.
type Config struct {
	GRPCAddr        string
	AdminAddr       string
	OpenDAddr       string // not dialled yet
	Pprof           bool
	ShutdownTimeout time.Duration // gRPC grace period and HTTP drain deadline
}

// Run builds the service and serves until ctx ends or SIGINT/SIGTERM arrives.
func Run(ctx context.Context, cfg Config, log *slog.Logger) error {
	reg := obs.NewRegistry()
	if err := obs.RegisterBuildInfo(reg, Name); err != nil {
		return err
	}
	log.Info("config", "grpc_addr", cfg.GRPCAddr, "admin_addr", cfg.AdminAddr,
		"opend_addr", cfg.OpenDAddr,
		"pprof", cfg.Pprof, "shutdown_timeout", cfg.ShutdownTimeout.String())
	log.Info("opend not connected yet", "opend_addr", cfg.OpenDAddr)

	svc := run.New(run.Options{
		Name:         Name,
		Logger:       log,
		Metrics:      reg,
		AdminAddr:    cfg.AdminAddr,
		GRPCAddr:     cfg.GRPCAddr,
		Pprof:        cfg.Pprof,
		GracePeriod:  cfg.ShutdownTimeout,
		DrainTimeout: cfg.ShutdownTimeout,
	})
	return svc.Run(ctx)
}
