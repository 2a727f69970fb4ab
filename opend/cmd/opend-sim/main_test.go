package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/getglobalstate"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim/rawclient"
	"google.golang.org/protobuf/proto"
)

// TestBinaryStartsAndStopsOnSIGTERM builds the real binary, talks OpenD to it,
// checks the admin endpoints and that SIGTERM stops it cleanly.
func TestBinaryStartsAndStopsOnSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()

	bin := filepath.Join(t.TempDir(), "opend-sim")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		t.Fatalf("build: %v", err)
	}

	cmd := exec.CommandContext(ctx, bin, "-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0", "-log-level", "debug")
	cmd.Env = append(os.Environ(), "OPEND_SIM_TRADE_PASSWORD_FILE=", "OPEND_SIM_SEED=5")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()

	// Read the JSON log until both listen addresses are known; keep the rest.
	lines := make(chan map[string]any, 100)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			var rec map[string]any
			if json.Unmarshal(sc.Bytes(), &rec) != nil {
				t.Errorf("log line is not JSON: %s", sc.Text())
				continue
			}
			lines <- rec
		}
	}()
	var addr, adminAddr string
	var sawDefaultPw bool
	for addr == "" || adminAddr == "" {
		select {
		case rec, ok := <-lines:
			if !ok {
				t.Fatal("process exited before serving")
			}
			if a, ok := rec["addr"].(string); ok {
				addr = a
			}
			if a, ok := rec["admin_addr"].(string); ok {
				adminAddr = a
			}
			if rec["msg"] == "default trade password in use" {
				sawDefaultPw = true
			}
			for _, v := range rec {
				if s, ok := v.(string); ok && strings.Contains(s, "123456") {
					t.Errorf("password value logged: %v", rec)
				}
			}
		case <-ctx.Done():
			t.Fatal("timed out waiting for the listen addresses")
		}
	}
	if !sawDefaultPw {
		t.Error(`no "default trade password in use" log line`)
	}

	c, err := rawclient.Dial(ctx, addr, rawclient.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var gs getglobalstate.Response
	st, err := c.Call(ctx, protoid.GetGlobalState, &getglobalstate.Request{C2S: &getglobalstate.C2S{UserID: proto.Uint64(1)}}, &gs)
	if err != nil || !st.OK() {
		t.Fatalf("GetGlobalState: %v %+v", err, st)
	}

	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		resp, err := http.Get("http://" + adminAddr + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", path, resp.StatusCode)
		}
		if path == "/metrics" && !strings.Contains(string(body), "futugw_opendsim_connections 1") {
			t.Errorf("/metrics lacks the connection gauge")
		}
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for range lines { // drain until the process closes stderr
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v", err)
	}
	select {
	case <-c.Done():
	case <-ctx.Done():
		t.Fatal("client not disconnected")
	}
}

func TestParseFlagsEnvFallback(t *testing.T) {
	t.Setenv("OPEND_SIM_ADDR", "127.0.0.1:2222")
	t.Setenv("OPEND_SIM_PUSH_INTERVAL", "1ms")
	o, err := parseFlags([]string{"-seed", "9"})
	if err != nil {
		t.Fatal(err)
	}
	if o.addr != "127.0.0.1:2222" || o.pushInterval != time.Millisecond || o.seed != 9 || o.subQuota != 500 {
		t.Errorf("options %+v", o)
	}
	o, err = parseFlags([]string{"-addr", ":3333"})
	if err != nil || o.addr != ":3333" {
		t.Errorf("flag did not win: %+v %v", o, err)
	}
	t.Setenv("OPEND_SIM_MIN_SUB_HOLD", "soon")
	if _, err := parseFlags(nil); err == nil {
		t.Error("malformed env accepted")
	}
}

func TestParseFlagsExtraSecurities(t *testing.T) {
	if o, err := parseFlags(nil); err != nil || o.extraSecurities != 0 {
		t.Errorf("default extra securities %d, %v; want 0", o.extraSecurities, err)
	}
	t.Setenv("OPEND_SIM_EXTRA_SECURITIES", "180")
	if o, err := parseFlags(nil); err != nil || o.extraSecurities != 180 {
		t.Errorf("env: extra securities %d, %v; want 180", o.extraSecurities, err)
	}
	if o, err := parseFlags([]string{"-extra-securities", "5"}); err != nil || o.extraSecurities != 5 {
		t.Errorf("flag: extra securities %d, %v; want 5", o.extraSecurities, err)
	}
	if _, err := parseFlags([]string{"-extra-securities", "-1"}); err == nil {
		t.Error("negative extra securities accepted")
	}
}

func TestTradePasswordFile(t *testing.T) {
	log := discardLogger()
	path := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(path, []byte("s3cret\n"), 0o600)
	if pw, err := tradePassword(path, log); err != nil || pw != "s3cret" {
		t.Errorf("tradePassword = %q, %v", pw, err)
	}
	if _, err := tradePassword(filepath.Join(t.TempDir(), "missing"), log); err == nil {
		t.Error("missing file accepted")
	}
	// The rule of platform/secret, which the order service shares: one line ending
	// goes, a trailing space stays part of the password.
	os.WriteFile(path, []byte("s3cret \r\n"), 0o600)
	if pw, err := tradePassword(path, log); err != nil || pw != "s3cret " {
		t.Errorf("tradePassword = %q, %v; want %q", pw, err, "s3cret ")
	}
	os.WriteFile(path, []byte("\n"), 0o600)
	if _, err := tradePassword(path, log); err == nil {
		t.Error("empty file accepted")
	}
}

// TestParseFlagsSharedGroups: -admin-addr keeps OPEND_SIM_ADMIN_ADDR (compose sets it);
// -log-level and -shutdown-timeout are the shared flags, with LOG_LEVEL and
// SHUTDOWN_TIMEOUT like every service.
func TestParseFlagsSharedGroups(t *testing.T) {
	t.Setenv("OPEND_SIM_ADMIN_ADDR", "127.0.0.1:9119")
	t.Setenv("OPEND_SIM_TRADE_PASSWORD_FILE", "/run/secrets/pw")
	t.Setenv("LOG_LEVEL", "debug")
	t.Setenv("SHUTDOWN_TIMEOUT", "3s")
	o, err := parseFlags(nil)
	if err != nil {
		t.Fatal(err)
	}
	if o.adminAddr != "127.0.0.1:9119" || o.passwordFile != "/run/secrets/pw" || o.logs.Level != "debug" || o.shutdownTimeout != 3*time.Second {
		t.Errorf("options %+v, log level %q", o, o.logs.Level)
	}
	if _, err := parseFlags([]string{"-log-level", "loud"}); err == nil {
		t.Error("unknown log level accepted")
	}
}

// TestParseFlagsClock: the clock flags, their OPEND_SIM_CLOCK_* fallbacks, and
// no simulated clock at all when neither is set.
func TestParseFlagsClock(t *testing.T) {
	o, err := parseFlags(nil)
	if err != nil || o.clock != nil {
		t.Fatalf("default clock %v, %v; want none (the wall clock)", o.clock, err)
	}
	if o, err := parseFlags([]string{"-clock-speed", "1"}); err != nil || o.clock != nil {
		t.Errorf("-clock-speed 1: clock %v, %v; want none", o.clock, err)
	}

	start := time.Date(2026, 12, 7, 1, 29, 50, 0, time.UTC)
	o, err = parseFlags([]string{"-clock-start", "2026-12-07T09:29:50+08:00", "-clock-speed", "60"})
	if err != nil || o.clock == nil {
		t.Fatalf("clock flags: %v, %v", o.clock, err)
	}
	if now := o.clock.Now(); now.Before(start) || now.After(start.Add(time.Hour)) || o.clock.Speed() != 60 {
		t.Errorf("clock reads %v at speed %v, want shortly after %v at 60", now, o.clock.Speed(), start)
	}

	t.Setenv("OPEND_SIM_CLOCK_START", "2026-12-07T01:29:50Z")
	t.Setenv("OPEND_SIM_CLOCK_SPEED", "0.5")
	o, err = parseFlags(nil)
	if err != nil || o.clock == nil || o.clock.Speed() != 0.5 {
		t.Fatalf("env clock: %v, %v", o.clock, err)
	}
	if now := o.clock.Now(); now.Before(start) || now.After(start.Add(time.Hour)) {
		t.Errorf("env clock reads %v, want shortly after %v", now, start)
	}

	for _, args := range [][]string{
		{"-clock-start", "2026-12-07 09:29:50"},
		{"-clock-start", "2026-12-07T09:29:50"},
		{"-clock-speed", "-2"},
		{"-clock-speed", "fast"},
	} {
		if _, err := parseFlags(args); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
	t.Setenv("OPEND_SIM_CLOCK_SPEED", "x")
	if _, err := parseFlags(nil); err == nil {
		t.Error("malformed OPEND_SIM_CLOCK_SPEED accepted")
	}
}
