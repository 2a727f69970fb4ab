// Command auth serves the AuthService over gRPC: API keys, their scopes and limits.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/futugw/gateway/platform/config"
	"github.com/futugw/gateway/platform/gcfloor"
	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/platform/redisx"
	"github.com/futugw/gateway/platform/run/runflags"
	"github.com/futugw/gateway/services/auth/internal/app"
)

func main() { os.Exit(runMain(os.Args[1:])) }

// runMain reads the configuration, then hands over to app.Run; it returns the exit code.
func runMain(args []string) int {
	fs := flag.NewFlagSet("auth", flag.ContinueOnError)
	srv := runflags.RegisterFlags(fs, "AUTH", ":50051", ":9101")
	rds := redisx.RegisterFlags(fs)
	logs := obs.RegisterLogFlags(fs)
	gc := gcfloor.RegisterFlags(fs)
	bootFile := config.String(fs, "bootstrap-admin-file", "AUTH_BOOTSTRAP_ADMIN_FILE", "", "when set: keep a valid admin key in this file (mode 0600), minting one at start if missing or invalid")
	bootSvcFile := config.String(fs, "bootstrap-service-file", "AUTH_BOOTSTRAP_SERVICE_FILE", "", "when set: keep a valid key with the service scope (for edges' push streams) in this file (mode 0600)")
	bootTTL := config.Duration(fs, "bootstrap-admin-ttl", "AUTH_BOOTSTRAP_ADMIN_TTL", app.DefaultBootstrapAdminTTL, "life of a bootstrap admin or service key")
	cacheTTL := config.Duration(fs, "cache-ttl", "AUTH_CACHE_TTL", 10*time.Second, "how long a successful validation is cached in process")
	if err := config.Parse(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if err := errors.Join(logs.Validate(), gc.Validate(), rds.Resolve()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	stopFloor := gc.Start()
	defer stopFloor()
	cfg := app.Config{GRPCAddr: srv.GRPCAddr, AdminAddr: srv.AdminAddr, Redis: *rds,
		BootstrapAdminFile: *bootFile, BootstrapServiceFile: *bootSvcFile, BootstrapAdminTTL: *bootTTL, CacheTTL: *cacheTTL,
		Pprof: srv.Pprof, ShutdownTimeout: srv.ShutdownTimeout}

	log := logs.NewLogger(os.Stderr)
	if err := app.Run(context.Background(), cfg, log); err != nil {
		log.Error("exit", obs.Err(err))
		return 1
	}
	return 0
}
