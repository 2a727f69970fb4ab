package gcfloor

import (
	"flag"
	"io"
	"testing"

	"github.com/futugw/gateway/platform/config"
)

// TestFlagsOptIn: the floor is off unless the flag or GC_HEAP_FLOOR_MIB sets it, and
// a negative floor is refused.
func TestFlagsOptIn(t *testing.T) {
	parse := func(args ...string) *Options {
		t.Helper()
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		o := RegisterFlags(fs)
		if err := config.Parse(fs, args); err != nil {
			t.Fatal(err)
		}
		return o
	}
	if o := parse(); o.FloorMiB != 0 {
		t.Errorf("default floor %d MiB, want 0 (off)", o.FloorMiB)
	}
	if o := parse("-gc-heap-floor-mib", "64"); o.FloorMiB != 64 {
		t.Errorf("flag: floor %d MiB, want 64", o.FloorMiB)
	}
	t.Setenv("GC_HEAP_FLOOR_MIB", "128")
	if o := parse(); o.FloorMiB != 128 {
		t.Errorf("env: floor %d MiB, want 128", o.FloorMiB)
	}
	if err := parse("-gc-heap-floor-mib", "-1").Validate(); err == nil {
		t.Error("negative floor accepted")
	}
}
