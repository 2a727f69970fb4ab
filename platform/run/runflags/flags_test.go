package runflags

import (
	"flag"
	"io"
	"testing"
	"time"

	"github.com/futugw/gateway/platform/config"
)

func TestRegisterFlags(t *testing.T) {
	t.Setenv("SVC_ADMIN_ADDR", "127.0.0.1:9999")
	t.Setenv("SVC_PPROF", "true")
	t.Setenv("SHUTDOWN_TIMEOUT", "3s")
	fs := flag.NewFlagSet("svc", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f := RegisterFlags(fs, "SVC", ":50099", ":9199")
	if err := config.Parse(fs, []string{"-grpc-addr", "unix:/tmp/svc.sock"}); err != nil {
		t.Fatal(err)
	}
	want := Flags{GRPCAddr: "unix:/tmp/svc.sock", AdminAddr: "127.0.0.1:9999", Pprof: true, ShutdownTimeout: 3 * time.Second}
	if *f != want {
		t.Fatalf("flags = %+v, want %+v", *f, want)
	}
}

func TestRegisterAdminAndShutdownFlags(t *testing.T) {
	t.Setenv("SIM_ADMIN_ADDR", "127.0.0.1:9998")
	fs := flag.NewFlagSet("sim", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var admin string
	var shutdown time.Duration
	RegisterAdminFlag(fs, &admin, "SIM", ":9111")
	RegisterShutdownFlag(fs, &shutdown)
	if err := config.Parse(fs, nil); err != nil {
		t.Fatal(err)
	}
	if admin != "127.0.0.1:9998" || shutdown != DefaultShutdownTimeout {
		t.Fatalf("admin %q shutdown %v", admin, shutdown)
	}
	if fs.Lookup("grpc-addr") != nil || fs.Lookup("pprof") != nil {
		t.Fatal("the admin and shutdown flags alone define -grpc-addr or -pprof")
	}
}
