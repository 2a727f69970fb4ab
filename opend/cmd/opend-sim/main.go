// Command opend-sim is a Futu OpenD simulator speaking the real binary
// protocol: simulated HK and US quotes with pushes, and simulated trading.
//
// Every flag has an environment fallback (OPEND_SIM_*); flags win.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/futugw/gateway/opend/sim"
	"github.com/futugw/gateway/platform/config"
	"github.com/futugw/gateway/platform/secret"
)

// options are the command's settings after flags and environment.
type options struct {
	addr, adminAddr   string
	seed              int64
	pushInterval      time.Duration
	subQuota          int
	minSubHold        time.Duration
	orderRateLimit    int
	passwordFile      string
	logLevel          string
	shutdownTimeout   time.Duration
	keepAliveInterval time.Duration
	extraSecurities   int
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "opend-sim:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("opend-sim", flag.ContinueOnError)
	env := envReader{}
	fs.StringVar(&o.addr, "addr", env.str("OPEND_SIM_ADDR", ":11111"), "OpenD protocol listen address (OPEND_SIM_ADDR)")
	fs.StringVar(&o.adminAddr, "admin-addr", env.str("OPEND_SIM_ADMIN_ADDR", ":9111"), "admin HTTP address for /metrics /healthz /readyz (OPEND_SIM_ADMIN_ADDR)")
	fs.Int64Var(&o.seed, "seed", env.int64("OPEND_SIM_SEED", 1), "random walk seed (OPEND_SIM_SEED)")
	fs.DurationVar(&o.pushInterval, "push-interval", env.duration("OPEND_SIM_PUSH_INTERVAL", 500*time.Millisecond), "time between price steps of one security; 1ms = 1000 pushes/s per security (OPEND_SIM_PUSH_INTERVAL)")
	fs.IntVar(&o.subQuota, "sub-quota", int(env.int64("OPEND_SIM_SUB_QUOTA", 500)), "subscription slots per connection (OPEND_SIM_SUB_QUOTA)")
	fs.DurationVar(&o.minSubHold, "min-sub-hold", env.duration("OPEND_SIM_MIN_SUB_HOLD", time.Minute), "minimum subscription age before unsubscribing (OPEND_SIM_MIN_SUB_HOLD)")
	fs.IntVar(&o.orderRateLimit, "order-rate-limit", int(env.int64("OPEND_SIM_ORDER_RATE_LIMIT", 15)), "place/modify requests per account per 30s (OPEND_SIM_ORDER_RATE_LIMIT)")
	fs.StringVar(&o.passwordFile, "trade-password-file", env.str("OPEND_SIM_TRADE_PASSWORD_FILE", ""), "file holding the plaintext trade password (OPEND_SIM_TRADE_PASSWORD_FILE)")
	fs.StringVar(&o.logLevel, "log-level", env.str("OPEND_SIM_LOG_LEVEL", "info"), "debug, info, warn or error (OPEND_SIM_LOG_LEVEL)")
	fs.DurationVar(&o.shutdownTimeout, "shutdown-timeout", env.duration("OPEND_SIM_SHUTDOWN_TIMEOUT", 5*time.Second), "graceful shutdown deadline (OPEND_SIM_SHUTDOWN_TIMEOUT)")
	fs.DurationVar(&o.keepAliveInterval, "keepalive-interval", env.duration("OPEND_SIM_KEEPALIVE_INTERVAL", 10*time.Second), "KeepAlive interval advertised in InitConnect (OPEND_SIM_KEEPALIVE_INTERVAL)")
	fs.IntVar(&o.extraSecurities, "extra-securities", int(env.int64("OPEND_SIM_EXTRA_SECURITIES", 0)), "generated HK equities (codes 80000, 80001, ...) added to the built-in universe for load tests; 0 = none (OPEND_SIM_EXTRA_SECURITIES)")
	if err := config.Parse(fs, args); err != nil {
		return o, err
	}
	if err := env.err(); err != nil {
		return o, err
	}
	if o.pushInterval <= 0 || o.subQuota <= 0 || o.minSubHold < 0 || o.orderRateLimit <= 0 || o.extraSecurities < 0 {
		return o, errors.New("push-interval, sub-quota and order-rate-limit must be positive, min-sub-hold and extra-securities not negative")
	}
	return o, nil
}

func newLogger(level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log level %q: %w", level, err)
	}
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: l})).With("service", "opend-sim"), nil
}

// tradePassword reads the password file; the default is used when unset.
func tradePassword(path string, log *slog.Logger) (string, error) {
	if path == "" {
		log.Warn("default trade password in use")
		return "", nil // the trade engine's default
	}
	pw, err := secret.ReadFile(path) // the same rule as the order service's
	if err != nil {
		return "", fmt.Errorf("trade password: %w", err)
	}
	log.Info("trade password loaded", "file", path)
	return pw, nil
}

func run(args []string) error {
	o, err := parseFlags(args)
	if err != nil {
		return err
	}
	log, err := newLogger(o.logLevel)
	if err != nil {
		return err
	}
	pw, err := tradePassword(o.passwordFile, log)
	if err != nil {
		return err
	}
	s, err := sim.New(sim.Config{
		Seed:              o.seed,
		PushInterval:      o.pushInterval,
		SubQuota:          o.subQuota,
		MinSubHold:        o.minSubHold,
		TradePassword:     pw,
		OrderRateLimit:    o.orderRateLimit,
		KeepAliveInterval: o.keepAliveInterval,
		ExtraSecurities:   o.extraSecurities,
		ShutdownTimeout:   o.shutdownTimeout,
		Logger:            log,
	})
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", o.addr, err)
	}
	admin, err := startAdmin(o.adminAddr, s, log)
	if err != nil {
		ln.Close()
		return err
	}

	// Readiness drops as soon as the signal arrives, before connections drain.
	stopReady := context.AfterFunc(ctx, func() {
		log.Info("shutting down")
		admin.setReady(false)
	})
	defer stopReady()
	serveErr := s.Serve(ctx, ln) // returns after SIGINT/SIGTERM and a graceful stop
	sctx, cancel := context.WithTimeout(context.Background(), o.shutdownTimeout)
	defer cancel()
	adminErr := admin.shutdown(sctx)
	if err := errors.Join(serveErr, adminErr); err != nil {
		return err
	}
	log.Info("stopped")
	return nil
}
