// Command order serves the OrderService and AccountService over gRPC: limits, placement through OpenD, account reads.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/futugw/gateway/opend/client"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/config"
	"github.com/futugw/gateway/platform/gcfloor"
	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/platform/redisx"
	"github.com/futugw/gateway/platform/run/runflags"
	"github.com/futugw/gateway/platform/secret"
	"github.com/futugw/gateway/services/order/internal/app"
)

func main() { os.Exit(runMain(os.Args[1:])) }

// runMain reads the configuration, then hands over to app.Run; it returns the exit code.
func runMain(args []string) int {
	fs := flag.NewFlagSet("order", flag.ContinueOnError)
	srv := runflags.RegisterFlags(fs, "ORDER", ":50053", ":9103")
	rds := redisx.RegisterFlags(fs)
	logs := obs.RegisterLogFlags(fs)
	gc := gcfloor.RegisterFlags(fs)
	opendAddr := client.RegisterFlags(fs)
	minReplicas := config.Int(fs, "redis-min-replicas", "ORDER_REDIS_MIN_REPLICAS", 0, "replicas that must acknowledge each limit and idempotency write before an order proceeds (Redis WAIT); 0 = off (single Redis)")
	authAddr := authn.RegisterFlags(fs)
	quoteAddr := config.String(fs, "quote-addr", "QUOTE_ADDR", "", "quote service gRPC address (host:port or unix:PATH) for valuing market orders; empty = OpenD snapshot")
	serviceKeyFile := config.String(fs, "service-key-file", "ORDER_SERVICE_KEY_FILE", "", "file holding the order service's own service key (for the quote service)")
	pwdFile := config.String(fs, "trade-password-file", "ORDER_TRADE_PASSWORD_FILE", "", "file holding the trade password (else env ORDER_TRADE_PASSWORD); absent = real trading locked")
	hoursTZ := config.String(fs, "hours-tz", "ORDER_HOURS_TZ", "Asia/Hong_Kong", "time zone of the keys' hours windows")
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
	pwd, err := tradePassword(*pwdFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	stopFloor := gc.Start()
	defer stopFloor()
	cfg := app.Config{GRPCAddr: srv.GRPCAddr, AdminAddr: srv.AdminAddr, OpenDAddr: *opendAddr,
		Redis: *rds, AuthAddr: *authAddr, QuoteAddr: *quoteAddr,
		ServiceKeyFile: *serviceKeyFile, TradePassword: pwd, HoursTZ: *hoursTZ,
		Pprof: srv.Pprof, ShutdownTimeout: srv.ShutdownTimeout, RedisMinReplicas: *minReplicas}

	log := logs.NewLogger(os.Stderr)
	if err := app.Run(context.Background(), cfg, log); err != nil {
		log.Error("exit", obs.Err(err))
		return 1
	}
	return 0
}

// tradePassword reads the trade password from file, else from env
// ORDER_TRADE_PASSWORD; never from a flag, whose values show in process listings.
func tradePassword(file string) (string, error) {
	if file == "" {
		return os.Getenv("ORDER_TRADE_PASSWORD"), nil
	}
	pw, err := secret.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("trade password: %w", err)
	}
	return pw, nil
}
