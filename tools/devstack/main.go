// Command devstack is `make run`: it builds every binary, starts an embedded Redis when
// REDIS_ADDR is unset, then opend-sim, auth, quote, order and edge as separate
// processes with the flags docker-compose.yml uses, prints the panel URL with a ready
// 30-minute session, and stops everything on Ctrl-C.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	fs := flag.NewFlagSet("devstack", flag.ExitOnError)
	bin := fs.String("bin", "bin", "directory for the built binaries")
	state := fs.String("state", ".run", "directory for logs, keys and the trade password of the local stack")
	build := fs.Bool("build", true, "build the binaries before starting")
	_ = fs.Parse(os.Args[1:])

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, options{BinDir: *bin, StateDir: *state, Build: *build}); err != nil {
		fmt.Fprintln(os.Stderr, "devstack:", err)
		os.Exit(1)
	}
}
