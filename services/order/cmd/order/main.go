// Command order serves the OrderService and AccountService over gRPC: limits, placement through OpenD, account reads.
package main

import (
	"fmt"
	"os"

	"github.com/futugw/gateway/opend/client"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/config"
	"github.com/futugw/gateway/platform/run"
	"github.com/futugw/gateway/platform/secret"
	"github.com/futugw/gateway/services/order/internal/app"
)

func main() { os.Exit(runMain(os.Args[1:])) }

// runMain reads the configuration, then hands over to app.Run; it returns the exit code.
func runMain(args []string) int {
	sf := run.NewServiceFlags("order", "ORDER", ":50053", ":9103")
	fs := sf.FlagSet
	opendAddr := client.RegisterFlags(fs)
	minReplicas := config.Int(fs, "redis-min-replicas", "ORDER_REDIS_MIN_REPLICAS", 0, "replicas that must acknowledge each limit and idempotency write before an order proceeds (Redis WAIT); 0 = off (single Redis)")
	authAddr := authn.RegisterFlags(fs)
	quoteAddr := config.String(fs, "quote-addr", "QUOTE_ADDR", "", "quote service gRPC address (host:port or unix:PATH) for valuing market orders; empty = OpenD snapshot")
	serviceKeyFile := config.String(fs, "service-key-file", "ORDER_SERVICE_KEY_FILE", "", "file holding the order service's own service key (for the quote service)")
	pwdFile := config.String(fs, "trade-password-file", "ORDER_TRADE_PASSWORD_FILE", "", "file holding the trade password (else env ORDER_TRADE_PASSWORD); absent = real trading locked")
	hoursTZ := config.String(fs, "hours-tz", "ORDER_HOURS_TZ", "Asia/Hong_Kong", "time zone of the keys' hours windows")
	if code := sf.Parse(args); code >= 0 {
		return code
	}
	pwd, err := tradePassword(*pwdFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	cfg := app.Config{GRPCAddr: sf.Server.GRPCAddr, AdminAddr: sf.Server.AdminAddr, OpenDAddr: *opendAddr,
		Redis: *sf.Redis, AuthAddr: *authAddr, QuoteAddr: *quoteAddr,
		ServiceKeyFile: *serviceKeyFile, TradePassword: pwd, HoursTZ: *hoursTZ,
		Pprof: sf.Server.Pprof, ShutdownTimeout: sf.Server.ShutdownTimeout, RedisMinReplicas: *minReplicas}
	return run.Main(sf, app.Run, cfg)
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
