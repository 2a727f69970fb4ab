package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

type options struct {
	BinDir, StateDir string
	Build            bool
	Ports            stackPorts
}

const (
	readyTimeout = 60 * time.Second
	stopGrace    = 15 * time.Second
)

func run(ctx context.Context, o options) error {
	cfg := stackConfig{BinDir: o.BinDir, StateDir: o.StateDir,
		RedisAddr: os.Getenv("REDIS_ADDR"), OpenDAddr: os.Getenv("OPEND_ADDR"),
		PanelDir: filepath.Join("web", "dist"), Ports: o.Ports}
	// Refuse beside a running stack before the slow build and before any key, log or
	// process of this run replaces the running stack's.
	lock, err := lockState(o.StateDir)
	if err != nil {
		return err
	}
	defer lock.release()
	if err := checkPortsFree(cfg.tcpPorts()); err != nil {
		return err
	}
	if err := lock.claim(); err != nil {
		return err
	}

	if o.Build {
		if err := buildAll(ctx, o.BinDir); err != nil {
			return err
		}
		if err := buildPanel(ctx, "web"); err != nil {
			return err
		}
	}
	logDir := filepath.Join(o.StateDir, "logs")
	for _, dir := range []string{logDir, filepath.Join(o.StateDir, "sock")} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
	}
	if err := ensureTradePassword(filepath.Join(o.StateDir, "trade-password")); err != nil {
		return err
	}

	if cfg.RedisAddr == "" {
		rctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		m, err := embeddedRedis(rctx, o.Ports == defaultPorts())
		if err != nil {
			return err
		}
		defer m.Close()
		cfg.RedisAddr = m.Addr()
		fmt.Printf("embedded in-memory Redis at %s: its data vanish on exit (set REDIS_ADDR to use a real Redis)\n", cfg.RedisAddr)
	}
	if cfg.OpenDAddr != "" {
		fmt.Printf("using the OpenD at %s (OPEND_ADDR); opend-sim is not started\n", cfg.OpenDAddr)
	}

	fmt.Printf("starting the stack (logs in %s):\n", logDir)
	var procs []*running
	defer func() { stopAll(procs) }()
	for _, p := range cfg.procs() {
		r, err := start(p, o.BinDir, logDir)
		if err != nil {
			return err
		}
		procs = append(procs, r)
		if err := r.waitReady(ctx, readyTimeout); err != nil {
			return err
		}
		fmt.Printf("  %-10s ready  (pid %d)\n", p.Name, r.cmd.Process.Pid)
	}

	url, err := panelSession(ctx, cfg)
	if err != nil {
		fmt.Printf("\ncould not mint a session key: %v\n", err)
	}
	fmt.Printf("\npanel:   %s\n", cfg.panelURL())
	fmt.Printf("sdk:     %s  (futu-api: new ftWebsocket().start(\"localhost\", %d, false, key))\n", cfg.sdkURL(), cfg.Ports.SDK)
	if url != "" {
		fmt.Printf("session: %s\n         (a 30-minute session key; rerun `bin/futucli session --key-file %s` for another)\n",
			url, filepath.Join(o.StateDir, "panel.key"))
	}
	fmt.Printf("admin key file: %s\n", cfg.file("admin.key"))
	if cfg.Ports != defaultPorts() {
		fmt.Printf("for futucli: export FUTUGW_AUTH_ADDR=%s FUTUGW_QUOTE_ADDR=%s FUTUGW_ORDER_ADDR=%s\n",
			loopback(cfg.Ports.Auth), loopback(cfg.Ports.Quote), loopback(cfg.Ports.Order))
	}
	fmt.Println("press Ctrl-C to stop")

	exited := make(chan *running, len(procs))
	for _, r := range procs {
		go func(r *running) { <-r.exited; exited <- r }(r)
	}
	select {
	case <-ctx.Done():
		fmt.Println("\nstopping...")
	case r := <-exited:
		return r.exitError()
	}
	return nil
}

// stopAll stops the stack in reverse start order, so the edge stops taking requests
// before the services behind it go away.
func stopAll(procs []*running) {
	for i := len(procs) - 1; i >= 0; i-- {
		if err := procs[i].stop(stopGrace); err != nil {
			fmt.Println("  ", err)
		}
	}
	if len(procs) > 0 {
		fmt.Println("all stopped")
	}
}

// ensureTradePassword writes the simulator's default unlock password for the local
// stack (the order service reads it from this file, never from a flag).
func ensureTradePassword(path string) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	return os.WriteFile(path, []byte("123456\n"), 0o600)
}
