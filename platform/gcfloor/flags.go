package gcfloor

import (
	"errors"
	"flag"

	"github.com/futugw/gateway/platform/config"
)

// Options are the GC heap floor settings every service takes from its flags.
type Options struct {
	FloorMiB int
}

// RegisterFlags defines -gc-heap-floor-mib (env GC_HEAP_FLOOR_MIB) on fs. The floor is
// opt-in: off by default, the runtime's own GOGC pacing applies.
func RegisterFlags(fs *flag.FlagSet) *Options {
	o := new(Options)
	config.IntVar(fs, &o.FloorMiB, "gc-heap-floor-mib", "GC_HEAP_FLOOR_MIB", 0,
		"opt-in: keep the GC heap goal at least this many MiB (fewer GC cycles while the live heap is small; docs/benchmarks.md); 0 = off, the runtime's GOGC alone; GOMEMLIMIT still caps memory")
	return o
}

// Validate refuses a negative floor.
func (o *Options) Validate() error {
	if o.FloorMiB < 0 {
		return errors.New("-gc-heap-floor-mib must not be negative")
	}
	return nil
}

// Start starts the configured floor; see the package's Start.
func (o *Options) Start() (stop func()) { return Start(uint64(o.FloorMiB) << 20) }
