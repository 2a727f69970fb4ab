package run

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"

	"github.com/futugw/gateway/platform/config"
	"github.com/futugw/gateway/platform/gcfloor"
	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/platform/redisx"
	"github.com/futugw/gateway/platform/run/runflags"
)

// ServiceFlags are the flag groups every gRPC service's main shares: listeners and
// lifecycle, Redis, logging and the GC heap floor, on one flag set that the main
// extends with its own flags before Parse.
type ServiceFlags struct {
	FlagSet *flag.FlagSet
	Server  *runflags.Flags
	Redis   *redisx.Options
	Logs    *obs.LogOptions
	GC      *gcfloor.Options
}

// NewServiceFlags returns the flag set of the service name with the shared groups
// defined; envPrefix, grpcAddr and adminAddr are as for runflags.RegisterFlags.
func NewServiceFlags(name, envPrefix, grpcAddr, adminAddr string) *ServiceFlags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	return &ServiceFlags{
		FlagSet: fs,
		Server:  runflags.RegisterFlags(fs, envPrefix, grpcAddr, adminAddr),
		Redis:   redisx.RegisterFlags(fs),
		Logs:    obs.RegisterLogFlags(fs),
		GC:      gcfloor.RegisterFlags(fs),
	}
}

// Parse reads args, with the flags' environment fallbacks, and checks the shared
// groups. It returns -1 when the main should go on, else the exit code: 0 after -h,
// 2 after bad flags or settings (already reported on stderr).
func (f *ServiceFlags) Parse(args []string) int {
	if err := config.Parse(f.FlagSet, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if err := errors.Join(f.Logs.Validate(), f.GC.Validate(), f.Redis.Resolve()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	return -1
}

// Main starts the GC heap floor, then runs the service's app with cfg and a logger on
// stderr; it returns the exit code: 1 when the app fails (the error logged), else 0.
func Main[C any](f *ServiceFlags, app func(context.Context, C, *slog.Logger) error, cfg C) int {
	stopFloor := f.GC.Start()
	defer stopFloor()
	log := f.Logs.NewLogger(os.Stderr)
	if err := app(context.Background(), cfg, log); err != nil {
		log.Error("exit", obs.Err(err))
		return 1
	}
	return 0
}
