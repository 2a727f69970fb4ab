// Command edge is the gateway's HTTP front: REST and WebSocket for the browser panel,
// translated to gRPC calls on auth, quote and order.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/futugw/gateway/platform/config"
	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/services/edge/internal/app"
)

func main() { os.Exit(run(os.Args[1:])) }

// run reads the configuration, then hands over to app.Run; it returns the exit code.
func run(args []string) int {
	fs := flag.NewFlagSet("edge", flag.ContinueOnError)
	httpAddr := config.String(fs, "http-addr", "EDGE_HTTP_ADDR", ":22222", "HTTP listen address (API, panel, /metrics, /healthz, /readyz)")
	shutdown := config.Duration(fs, "shutdown-timeout", "SHUTDOWN_TIMEOUT", 10*time.Second, "deadline for draining HTTP on shutdown")
	level := config.String(fs, "log-level", "LOG_LEVEL", "info", "log level: debug, info, warn or error")
	if err := config.Parse(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if _, err := obs.ParseLevel(*level); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	cfg := app.Config{HTTPAddr: *httpAddr, ShutdownTimeout: *shutdown}

	log := obs.NewLogger(os.Stderr, *level)
	if err := app.Run(context.Background(), cfg, log); err != nil {
		log.Error("exit", "error", err.Error())
		return 1
	}
	return 0
}
