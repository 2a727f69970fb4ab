package stack

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/futugw/gateway/platform/testkit"
	"github.com/futugw/gateway/platform/testkit/proctest"
)

// Caddy is a caddy process round-robining plain HTTP on Addr to some edges.
type Caddy struct {
	Addr string
	Base string
	Proc *proctest.Proc
}

// StartCaddy runs `caddy run` with a generated Caddyfile in a temp dir: plain HTTP
// on a free port, reverse_proxy round robin over upstreams, retrying another upstream
// when one refuses connections. The test is skipped when caddy is not installed
// unless FUTUGW_REQUIRE_E2E=1.
func StartCaddy(t testing.TB, upstreams ...string) *Caddy {
	t.Helper()
	bin, err := exec.LookPath("caddy")
	if err != nil {
		if os.Getenv("FUTUGW_REQUIRE_E2E") == "1" {
			t.Fatal("caddy not installed and FUTUGW_REQUIRE_E2E=1")
		}
		t.Skip("caddy not installed")
	}
	dir := t.TempDir()
	addr := FreeAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	cfg := fmt.Sprintf(`{
	admin off
	auto_https off
}

http://127.0.0.1:%s {
	bind 127.0.0.1
	reverse_proxy %s {
		lb_policy round_robin
		lb_try_duration 5s
		lb_try_interval 100ms
		fail_duration 10s
	}
}
`, port, strings.Join(upstreams, " "))
	file := filepath.Join(dir, "Caddyfile")
	if err := os.WriteFile(file, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	p := proctest.Start(t, bin, []string{"HOME=" + dir, "XDG_DATA_HOME=" + filepath.Join(dir, "data"),
		"XDG_CONFIG_HOME=" + filepath.Join(dir, "config")},
		"run", "--config", file, "--adapter", "caddyfile")
	c := &Caddy{Addr: addr, Base: "http://" + addr, Proc: p}
	if !testkit.Within(proctest.Timeout, func() bool {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			return false
		}
		conn.Close()
		return true
	}) {
		t.Fatalf("caddy not listening on %s; output:\n%s", addr, p.Output())
	}
	return c
}
