package authn

import (
	"flag"
	"io"
	"testing"

	"github.com/futugw/gateway/platform/config"
)

func TestRegisterFlags(t *testing.T) {
	fs := flag.NewFlagSet("svc", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	addr := RegisterFlags(fs)
	if err := config.Parse(fs, nil); err != nil || *addr != DefaultAuthAddr {
		t.Fatalf("default %q, %v", *addr, err)
	}
	t.Setenv("AUTH_ADDR", "unix:/tmp/auth.sock")
	fs = flag.NewFlagSet("svc", flag.ContinueOnError)
	addr = RegisterFlags(fs)
	if err := config.Parse(fs, nil); err != nil || *addr != "unix:/tmp/auth.sock" {
		t.Fatalf("env %q, %v", *addr, err)
	}
	if err := config.Parse(fs, []string{"-auth-addr", "auth:50051"}); err != nil || *addr != "auth:50051" {
		t.Fatalf("flag %q, %v", *addr, err)
	}
}
