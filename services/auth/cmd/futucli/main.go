// Command futucli manages API keys through the auth service: gen-key, list-keys,
// show-key, revoke-key, whoami and session. Run "futucli help" for the flags.
package main

import (
	"context"
	"os"

	"github.com/futugw/gateway/services/auth/internal/cli"
)

func main() { os.Exit(cli.Run(context.Background(), os.Args[1:], cli.OSEnv())) }
