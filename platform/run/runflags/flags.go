// Package runflags holds the listener and lifecycle flags the services share, apart from
// the run package so that a binary without gRPC (opend-sim) can take them.
package runflags

import (
	"flag"
	"time"

	"github.com/futugw/gateway/platform/config"
)

// Flags are the listener and lifecycle settings a gRPC service takes from its flags.
type Flags struct {
	GRPCAddr        string
	AdminAddr       string
	Pprof           bool
	ShutdownTimeout time.Duration
}

// DefaultShutdownTimeout is the default of -shutdown-timeout.
const DefaultShutdownTimeout = 10 * time.Second

// RegisterFlags defines on fs the flags every gRPC service shares: -grpc-addr,
// -admin-addr and -pprof, whose environment variables are envPrefix_GRPC_ADDR,
// envPrefix_ADMIN_ADDR and envPrefix_PPROF (e.g. AUTH_GRPC_ADDR), and
// -shutdown-timeout. grpcAddr and adminAddr are the service's default ports.
func RegisterFlags(fs *flag.FlagSet, envPrefix, grpcAddr, adminAddr string) *Flags {
	f := new(Flags)
	config.StringVar(fs, &f.GRPCAddr, "grpc-addr", envPrefix+"_GRPC_ADDR", grpcAddr,
		"gRPC listen address(es), comma-separated, each host:port or unix:PATH (a Unix socket for callers on this host)")
	RegisterAdminFlag(fs, &f.AdminAddr, envPrefix, adminAddr)
	config.BoolVar(fs, &f.Pprof, "pprof", envPrefix+"_PPROF", false, "serve /debug/pprof/ on the admin address")
	RegisterShutdownFlag(fs, &f.ShutdownTimeout)
	return f
}

// RegisterAdminFlag defines -admin-addr (env envPrefix_ADMIN_ADDR, default def) on fs,
// stored in p; opend-sim, which serves its own admin endpoints and no gRPC, takes it
// with -shutdown-timeout alone.
func RegisterAdminFlag(fs *flag.FlagSet, p *string, envPrefix, def string) {
	config.StringVar(fs, p, "admin-addr", envPrefix+"_ADMIN_ADDR", def,
		"admin HTTP address (/metrics, /healthz, /readyz)")
}

// RegisterShutdownFlag defines -shutdown-timeout (env SHUTDOWN_TIMEOUT) on fs, stored
// in p; the edge, which has no gRPC server, takes it alone, and opend-sim with
// -admin-addr.
func RegisterShutdownFlag(fs *flag.FlagSet, p *time.Duration) {
	config.DurationVar(fs, p, "shutdown-timeout", "SHUTDOWN_TIMEOUT", DefaultShutdownTimeout,
		"deadline for draining servers and streams on shutdown")
}
