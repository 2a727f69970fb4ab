// Command auth serves the AuthService over gRPC: API keys, their scopes and limits.
package main

import (
	"os"
	"time"

	"github.com/futugw/gateway/platform/config"
	"github.com/futugw/gateway/platform/run"
	"github.com/futugw/gateway/services/auth/internal/app"
)

func main() { os.Exit(runMain(os.Args[1:])) }

// runMain reads the configuration, then hands over to app.Run; it returns the exit code.
func runMain(args []string) int {
	sf := run.NewServiceFlags("auth", "AUTH", ":50051", ":9101")
	fs := sf.FlagSet
	bootFile := config.String(fs, "bootstrap-admin-file", "AUTH_BOOTSTRAP_ADMIN_FILE", "", "when set: keep a valid admin key in this file (mode 0600), minting one at start if missing or invalid")
	bootSvcFile := config.String(fs, "bootstrap-service-file", "AUTH_BOOTSTRAP_SERVICE_FILE", "", "when set: keep a valid key with the service scope (for edges' push streams) in this file (mode 0600)")
	bootTTL := config.Duration(fs, "bootstrap-admin-ttl", "AUTH_BOOTSTRAP_ADMIN_TTL", app.DefaultBootstrapAdminTTL, "life of a bootstrap admin or service key")
	cacheTTL := config.Duration(fs, "cache-ttl", "AUTH_CACHE_TTL", 10*time.Second, "how long a successful validation is cached in process")
	if code := sf.Parse(args); code >= 0 {
		return code
	}
	cfg := app.Config{GRPCAddr: sf.Server.GRPCAddr, AdminAddr: sf.Server.AdminAddr, Redis: *sf.Redis,
		BootstrapAdminFile: *bootFile, BootstrapServiceFile: *bootSvcFile, BootstrapAdminTTL: *bootTTL, CacheTTL: *cacheTTL,
		Pprof: sf.Server.Pprof, ShutdownTimeout: sf.Server.ShutdownTimeout}
	return run.Main(sf, app.Run, cfg)
}
