package client

import (
	"flag"
	"io"
	"testing"

	"github.com/futugw/gateway/platform/config"
)

func TestRegisterFlags(t *testing.T) {
	t.Setenv("OPEND_ADDR", "192.0.2.10:11111")
	fs := flag.NewFlagSet("svc", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	addr := RegisterFlags(fs)
	if err := config.Parse(fs, nil); err != nil || *addr != "192.0.2.10:11111" {
		t.Fatalf("env %q, %v", *addr, err)
	}
	if err := config.Parse(fs, []string{"-opend-addr", "127.0.0.1:2222"}); err != nil || *addr != "127.0.0.1:2222" {
		t.Fatalf("flag %q, %v", *addr, err)
	}
}
