package run

import (
	"io"
	"path/filepath"
	"testing"
)

// TestServiceFlagsParse: the exit codes a main returns for what it was given, and the
// shared settings after a good parse.
func TestServiceFlagsParse(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want int
	}{
		{"help", []string{"-h"}, 0},
		{"unknown flag", []string{"-no-such-flag"}, 2},
		{"negative heap floor", []string{"-gc-heap-floor-mib", "-1"}, 2},
		{"bad log level", []string{"-log-level", "loud"}, 2},
		{"missing password file", []string{"-redis-password-file", filepath.Join(t.TempDir(), "none")}, 2},
		{"good", []string{"-grpc-addr", "127.0.0.1:0", "-gc-heap-floor-mib", "8"}, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sf := NewServiceFlags("svc", "SVC", ":50099", ":9199")
			sf.FlagSet.SetOutput(io.Discard)
			extra := sf.FlagSet.String("extra", "x", "a flag of the service's own")
			if got := sf.Parse(tc.args); got != tc.want {
				t.Fatalf("Parse(%q) = %d, want %d", tc.args, got, tc.want)
			}
			if tc.want == -1 && (sf.Server.GRPCAddr != "127.0.0.1:0" || sf.Server.AdminAddr != ":9199" || sf.GC.FloorMiB != 8 || *extra != "x") {
				t.Fatalf("settings %+v %+v extra %q", *sf.Server, *sf.GC, *extra)
			}
		})
	}
}
