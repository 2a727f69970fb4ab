// Command svc is a minimal service for proctest's own test.
package main

import (
	"context"
	"flag"
	"os"

	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/platform/run"
)

func main() {
	fs := flag.NewFlagSet("svc", flag.ExitOnError)
	admin := fs.String("admin-addr", "127.0.0.1:0", "")
	grpcAddr := fs.String("grpc-addr", "127.0.0.1:0", "")
	_ = fs.Parse(os.Args[1:])
	reg := obs.NewRegistry()
	if err := obs.RegisterBuildInfo(reg, "svc"); err != nil {
		os.Exit(1)
	}
	svc := run.New(run.Options{
		Name: "svc", Logger: obs.NewLogger(os.Stderr, "info"), Metrics: reg,
		AdminAddr: *admin, GRPCAddr: *grpcAddr,
	})
	if err := svc.Run(context.Background()); err != nil {
		os.Exit(1)
	}
}
