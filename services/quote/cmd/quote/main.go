// Command quote serves the QuoteService over gRPC: quotes and pushes from one OpenD quote connection.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/futugw/gateway/opend/client"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/config"
	"github.com/futugw/gateway/platform/gcfloor"
	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/platform/redisx"
	"github.com/futugw/gateway/platform/run/runflags"
	"github.com/futugw/gateway/services/quote/internal/app"
)

func main() { os.Exit(runMain(os.Args[1:])) }

// runMain reads the configuration, then hands over to app.Run; it returns the exit code.
func runMain(args []string) int {
	fs := flag.NewFlagSet("quote", flag.ContinueOnError)
	srv := runflags.RegisterFlags(fs, "QUOTE", ":50052", ":9102")
	rds := redisx.RegisterFlags(fs)
	logs := obs.RegisterLogFlags(fs)
	gc := gcfloor.RegisterFlags(fs)
	opendAddr := client.RegisterFlags(fs)
	authAddr := authn.RegisterFlags(fs)
	subQuota := config.Int(fs, "sub-quota", "QUOTE_SUB_QUOTA", 500, "upper bound of OpenD subscriptions ((security, sub type) pairs); OpenD's own lower figure wins")
	minHold := config.Duration(fs, "min-sub-hold", "QUOTE_MIN_SUB_HOLD", time.Minute, "minimum age of an OpenD subscription before it is released")
	fresh := config.Duration(fs, "quote-fresh", "QUOTE_CACHE_FRESH", 5*time.Second, "how old a pushed quote may be to answer GetBasicQuote without asking OpenD")
	persist := config.Bool(fs, "persist-subs", "QUOTE_PERSIST_SUBS", true, "save each session's subscriptions in Redis and restore them at start, so a restart keeps them")
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
	if *subQuota <= 0 || *minHold < 0 || *fresh < 0 {
		fmt.Fprintln(os.Stderr, "-sub-quota must be positive; -min-sub-hold and -quote-fresh must not be negative")
		return 2
	}
	stopFloor := gc.Start()
	defer stopFloor()
	cfg := app.Config{GRPCAddr: srv.GRPCAddr, AdminAddr: srv.AdminAddr, OpenDAddr: *opendAddr,
		AuthAddr: *authAddr, Redis: *rds,
		SubQuota: *subQuota, MinSubHold: *minHold, QuoteFresh: *fresh, PersistSubs: *persist,
		Pprof: srv.Pprof, ShutdownTimeout: srv.ShutdownTimeout}

	log := logs.NewLogger(os.Stderr)
	if err := app.Run(context.Background(), cfg, log); err != nil {
		log.Error("exit", obs.Err(err))
		return 1
	}
	return 0
}
