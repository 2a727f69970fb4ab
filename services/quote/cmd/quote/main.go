// Command quote serves the QuoteService over gRPC: quotes and pushes from one OpenD quote connection.
package main

import (
	"fmt"
	"os"
	"time"

	"github.com/futugw/gateway/opend/client"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/config"
	"github.com/futugw/gateway/platform/run"
	"github.com/futugw/gateway/services/quote/internal/app"
)

func main() { os.Exit(runMain(os.Args[1:])) }

// runMain reads the configuration, then hands over to app.Run; it returns the exit code.
func runMain(args []string) int {
	sf := run.NewServiceFlags("quote", "QUOTE", ":50052", ":9102")
	fs := sf.FlagSet
	opendAddr := client.RegisterFlags(fs)
	authAddr := authn.RegisterFlags(fs)
	subQuota := config.Int(fs, "sub-quota", "QUOTE_SUB_QUOTA", 500, "upper bound of OpenD subscriptions ((security, sub type) pairs); OpenD's own lower figure wins")
	minHold := config.Duration(fs, "min-sub-hold", "QUOTE_MIN_SUB_HOLD", time.Minute, "minimum age of an OpenD subscription before it is released")
	fresh := config.Duration(fs, "quote-fresh", "QUOTE_CACHE_FRESH", 5*time.Second, "how old a pushed quote may be to answer GetBasicQuote without asking OpenD")
	persist := config.Bool(fs, "persist-subs", "QUOTE_PERSIST_SUBS", true, "save each session's subscriptions in Redis and restore them at start, so a restart keeps them")
	replicas := config.Int(fs, "opend-replicas", "QUOTE_OPEND_REPLICAS", 1, "quote replicas sharing one OpenD: the replicas pace their reads in one window per OpenD interface kept in Redis; while Redis is unavailable or slow each paces alone to this share of OpenD's frequency limits")
	if code := sf.Parse(args); code >= 0 {
		return code
	}
	if *subQuota <= 0 || *minHold < 0 || *fresh < 0 || *replicas <= 0 {
		fmt.Fprintln(os.Stderr, "-sub-quota and -opend-replicas must be positive; -min-sub-hold and -quote-fresh must not be negative")
		return 2
	}
	cfg := app.Config{GRPCAddr: sf.Server.GRPCAddr, AdminAddr: sf.Server.AdminAddr, OpenDAddr: *opendAddr,
		AuthAddr: *authAddr, Redis: *sf.Redis,
		SubQuota: *subQuota, MinSubHold: *minHold, QuoteFresh: *fresh, PersistSubs: *persist, OpenDReplicas: *replicas,
		Pprof: sf.Server.Pprof, ShutdownTimeout: sf.Server.ShutdownTimeout}
	return run.Main(sf, app.Run, cfg)
}
