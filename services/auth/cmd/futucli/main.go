// Command futucli manages API keys through the auth service (gen-key, list-keys,
// show-key, revoke-key, whoami, session) and reads through the quote and order
// services with the same keys (quote, kline, orders, positions, funds, and the
// push streams watch and trades). "futucli
// help" lists them and "futucli help CMD" (or "futucli CMD --help") prints a
// command's usage and flags.
package main

import (
	"context"
	"os"

	"github.com/futugw/gateway/services/auth/internal/cli"
)

func main() { os.Exit(cli.Run(context.Background(), os.Args[1:], cli.OSEnv())) }
