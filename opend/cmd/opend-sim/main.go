// Command opend-sim is a Futu OpenD simulator speaking the real binary
// protocol: simulated HK and US quotes with pushes, and simulated trading.
//
// Every flag has an environment fallback, OPEND_SIM_* but for the shared -log-level
// (LOG_LEVEL) and -shutdown-timeout (SHUTDOWN_TIMEOUT); flags win.
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

	"github.com/futugw/gateway/opend/freqlimit"
	"github.com/futugw/gateway/opend/sim"
	"github.com/futugw/gateway/opend/sim/calendar"
	"github.com/futugw/gateway/opend/sim/hours"
	"github.com/futugw/gateway/platform/config"
	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/platform/run/runflags"
	"github.com/futugw/gateway/platform/secret"
)

// options are the command's settings after flags and environment.
type options struct {
	addr, adminAddr   string
	seed              int
	pushInterval      time.Duration
	subQuota          int
	historyKLQuota    int
	minSubHold        time.Duration
	orderRateLimit    int
	freqLimits        freqlimit.Policy
	passwordFile      string
	logs              *obs.LogOptions
	shutdownTimeout   time.Duration
	keepAliveInterval time.Duration
	extraSecurities   int
	kinds             bool
	clock             *calendar.Clock
	marketHours       hours.Mode
}

func main() {
	if err := runSim(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "opend-sim:", err)
		os.Exit(1)
	}
}

// parseFlags reads the flags: the simulator's own with OPEND_SIM_* environment
// fallbacks, -admin-addr and -shutdown-timeout from platform/run (OPEND_SIM_ADMIN_ADDR,
// SHUTDOWN_TIMEOUT) and -log-level from platform/obs (LOG_LEVEL).
func parseFlags(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("opend-sim", flag.ContinueOnError)
	config.StringVar(fs, &o.addr, "addr", "OPEND_SIM_ADDR", ":11111", "OpenD protocol listen address")
	runflags.RegisterAdminFlag(fs, &o.adminAddr, "OPEND_SIM", ":9111")
	runflags.RegisterShutdownFlag(fs, &o.shutdownTimeout)
	o.logs = obs.RegisterLogFlags(fs)
	config.IntVar(fs, &o.seed, "seed", "OPEND_SIM_SEED", 1, "random walk seed")
	config.DurationVar(fs, &o.pushInterval, "push-interval", "OPEND_SIM_PUSH_INTERVAL", 500*time.Millisecond, "time between price steps of one security; 1ms = 1000 pushes/s per security")
	config.IntVar(fs, &o.subQuota, "sub-quota", "OPEND_SIM_SUB_QUOTA", 500, "subscription slots of the simulated login, shared by all its connections")
	config.IntVar(fs, &o.historyKLQuota, "history-kl-quota", "OPEND_SIM_HISTORY_KL_QUOTA", 100, "distinct securities Qot_RequestHistoryKL serves per 30 days (Futu's historical candlestick quota)")
	config.DurationVar(fs, &o.minSubHold, "min-sub-hold", "OPEND_SIM_MIN_SUB_HOLD", time.Minute, "minimum subscription age before unsubscribing")
	config.IntVar(fs, &o.orderRateLimit, "order-rate-limit", "OPEND_SIM_ORDER_RATE_LIMIT", 0, "place and modify requests (each) per account per 30s; 0 = OpenD's documented 15 and 20")
	freqLimits := config.String(fs, "freq-limits", "OPEND_SIM_FREQ_LIMITS", "default", "OpenD's per-interface frequency limits: default, off, or a scale factor for every limit (2 = twice OpenD's rate)")
	config.StringVar(fs, &o.passwordFile, "trade-password-file", "OPEND_SIM_TRADE_PASSWORD_FILE", "", "file holding the plaintext trade password; empty = the simulator's default password")
	config.DurationVar(fs, &o.keepAliveInterval, "keepalive-interval", "OPEND_SIM_KEEPALIVE_INTERVAL", 10*time.Second, "KeepAlive interval advertised in InitConnect")
	config.IntVar(fs, &o.extraSecurities, "extra-securities", "OPEND_SIM_EXTRA_SECURITIES", 0, "generated HK equities (codes 80000, 80001, ...) added to the built-in universe for load tests; 0 = none")
	config.BoolVar(fs, &o.kinds, "kinds", "OPEND_SIM_KINDS", true, "add indices, ETFs, HK.00700 warrants and CBBCs, AAPL and 00700 options and HSI futures to the universe")
	clockStart := config.String(fs, "clock-start", "OPEND_SIM_CLOCK_START", "", "simulated time at start, RFC 3339 with offset (2026-12-07T09:29:50+08:00); empty = now")
	clockSpeed := config.String(fs, "clock-speed", "OPEND_SIM_CLOCK_SPEED", "1", "simulated seconds per wall second, up to 1000000; 1 = real time")
	marketHours := config.String(fs, "market-hours", "OPEND_SIM_MARKET_HOURS", "always", "when prices walk and orders fill: always (around the clock) or calendar (only in the market's sessions at the simulated clock; fillOutsideRTH for US pre-market and after-hours)")
	if err := config.Parse(fs, args); err != nil {
		return o, err
	}
	freq, err := freqlimit.ParsePolicy(*freqLimits)
	if err != nil {
		return o, fmt.Errorf("-freq-limits: %w", err)
	}
	o.freqLimits = freq
	if o.marketHours, err = hours.ParseMode(*marketHours); err != nil {
		return o, fmt.Errorf("-market-hours: %w", err)
	}
	clock, err := parseClock(*clockStart, *clockSpeed)
	if err != nil {
		return o, err
	}
	if clock.Simulated() {
		o.clock = clock
	}
	if err := o.logs.Validate(); err != nil {
		return o, err
	}
	if o.pushInterval <= 0 || o.subQuota <= 0 || o.historyKLQuota <= 0 || o.minSubHold < 0 || o.orderRateLimit < 0 || o.extraSecurities < 0 || o.shutdownTimeout < 0 {
		return o, errors.New("push-interval, sub-quota and history-kl-quota must be positive, order-rate-limit, min-sub-hold, extra-securities and shutdown-timeout not negative")
	}
	return o, nil
}

// parseClock builds the simulator's clock from -clock-start and -clock-speed.
func parseClock(start, speed string) (*calendar.Clock, error) {
	t, err := calendar.ParseClockStart(start)
	if err != nil {
		return nil, fmt.Errorf("-clock-start: %w", err)
	}
	x, err := calendar.ParseClockSpeed(speed)
	if err != nil {
		return nil, fmt.Errorf("-clock-speed: %w", err)
	}
	return calendar.NewClock(t, x)
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

// simConfig is the simulator's configuration from the options.
func simConfig(o options, pw string, now func() time.Time, log *slog.Logger) sim.Config {
	return sim.Config{
		Seed:              int64(o.seed),
		PushInterval:      o.pushInterval,
		SubQuota:          o.subQuota,
		HistoryKLQuota:    o.historyKLQuota,
		MinSubHold:        o.minSubHold,
		TradePassword:     pw,
		OrderRateLimit:    o.orderRateLimit,
		FreqLimits:        o.freqLimits,
		KeepAliveInterval: o.keepAliveInterval,
		ExtraSecurities:   o.extraSecurities,
		Kinds:             o.kinds,
		ShutdownTimeout:   o.shutdownTimeout,
		Now:               now,
		MarketHours:       o.marketHours,
		Logger:            log,
	}
}

func runSim(args []string) error {
	o, err := parseFlags(args)
	if err != nil {
		return err
	}
	log := o.logs.NewLogger(os.Stderr).With("service", "opend-sim")
	pw, err := tradePassword(o.passwordFile, log)
	if err != nil {
		return err
	}
	var now func() time.Time // nil = the wall clock
	if o.clock != nil {
		now = o.clock.Now
		log.Info("simulated clock", "start", now().Format(time.RFC3339), "speed", o.clock.Speed())
	}
	if o.marketHours == hours.Calendar {
		log.Info("market hours follow the calendar: closed markets stand still")
	}
	cfg := simConfig(o, pw, now, log)
	refusals := countFreqRefusals(&cfg)
	s, err := sim.New(cfg)
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", o.addr, err)
	}
	admin, err := startAdmin(o.adminAddr, s, refusals, log)
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
