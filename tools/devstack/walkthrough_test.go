package main

import (
	"bufio"
	"context"
	"fmt"
	"github.com/futugw/gateway/platform/testkit"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// readmeWalkthrough returns the shell block between the walkthrough markers.
func readmeWalkthrough(t *testing.T, root string) string {
	t.Helper()
	return testkit.FencedCode(t, testkit.MarkedSection(t, filepath.Join(root, "README.md"), "walkthrough"), "sh")
}

// TestREADMEWalkthrough starts the stack the way `make run` does (the devstack binary,
// embedded Redis) and runs the README's curl walk-through verbatim, with curl told to
// fail on HTTP errors. The stack runs on ports of its own below the kernel's ephemeral
// range: make run's gRPC ports (50051-50053) lie inside it, where any test's outgoing
// connection may hold one, and a developer's make run may hold them all.
func TestREADMEWalkthrough(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the whole stack")
	}
	root := repoRoot(t)
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "devstack"), "./tools/devstack")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build devstack: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	// No retry: the ports were free a moment ago and nothing hands them out
	// implicitly; a start that fails is a failure.
	ports := freePorts(t)
	state := t.TempDir()
	stop, log, ok := startDevstack(t, ctx, root, bin, state, ports.Edge)
	defer stop()
	if !ok {
		t.Fatalf("the stack did not start:\n%s%s", log, logTails(state))
	}

	script := readmeWalkthrough(t, root)
	script = strings.ReplaceAll(script, ".run/", state+"/")
	script = strings.ReplaceAll(script, "bin/futucli", filepath.Join(bin, "futucli"))
	script = strings.ReplaceAll(script, "curl -s ", "curl -sSf ")
	script = strings.ReplaceAll(script, "localhost:22222", fmt.Sprintf("localhost:%d", ports.Edge))
	if strings.Contains(script, "22222") {
		t.Fatalf("the walk-through reaches port 22222 in a way the test does not move to the test's stack:\n%s", script)
	}
	sh := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", script)
	sh.Dir = root
	// futucli's defaults are make run's ports 50051-50053.
	sh.Env = append(os.Environ(), "FUTUGW_AUTH_ADDR="+loopback(ports.Auth),
		"FUTUGW_QUOTE_ADDR="+loopback(ports.Quote), "FUTUGW_ORDER_ADDR="+loopback(ports.Order))
	res, err := sh.CombinedOutput()
	if err != nil {
		t.Fatalf("the README walk-through failed: %v\n%s", err, res)
	}
	got := string(res)
	for _, want := range []string{`"scopes"`, `"cur_price"`, `"order_id"`, `"order_status"`,
		`"order_list"`, `"kl_list"`, `"close_price"`, `"order_book_ask_list"`, `"order_book_bid_list"`, // the catalog's routes
		"SECURITY  NAME", "HK.00700 TENCENT: 5 day bars", "ORDER_ID", "SIMULATE  HK", // futucli's tables
	} {
		if !strings.Contains(got, want) {
			t.Errorf("walk-through output lacks %s:\n%s", want, got)
		}
	}
	// futucli's read commands beyond the walk-through, on the same stack.
	checkFutucliReads(t, ctx, bin, filepath.Join(state, "admin.key"), sh.Env)
}

// startDevstack runs the devstack binary and waits for its ready line; stop ends it.
func startDevstack(t *testing.T, ctx context.Context, root, bin, state string, portBase int) (stop func(), log string, ok bool) {
	t.Helper()
	stack := exec.CommandContext(ctx, filepath.Join(bin, "devstack"), "-bin", bin, "-state", state,
		"-port-base", strconv.Itoa(portBase))
	stack.Dir = root
	stack.Env = append(os.Environ(), "REDIS_ADDR=", "OPEND_ADDR=")
	stack.Cancel = func() error { return stack.Process.Signal(syscall.SIGTERM) }
	stack.WaitDelay = 30 * time.Second
	out, err := stack.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stack.Stderr = stack.Stdout
	if err := stack.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan bool, 1)
	var b strings.Builder
	var mu sync.Mutex
	go func() {
		sc := bufio.NewScanner(out)
		sent := false
		for sc.Scan() {
			mu.Lock()
			b.WriteString(sc.Text() + "\n")
			mu.Unlock()
			if !sent && strings.Contains(sc.Text(), "press Ctrl-C to stop") {
				ready <- true
				sent = true
			}
		}
		if !sent {
			ready <- false
		}
	}()
	ok = <-ready
	stop = func() {
		_ = stack.Process.Signal(syscall.SIGINT)
		_ = stack.Wait()
	}
	mu.Lock()
	defer mu.Unlock()
	return stop, b.String(), ok
}

// logTails returns the last lines of every process log of a failed start.
func logTails(state string) string {
	var b strings.Builder
	files, _ := filepath.Glob(filepath.Join(state, "logs", "*.log"))
	for _, f := range files {
		data, _ := os.ReadFile(f)
		lines := strings.Split(strings.TrimSpace(string(data)), "\n")
		b.WriteString("--- " + filepath.Base(f) + "\n" + strings.Join(lines[max(0, len(lines)-5):], "\n") + "\n")
	}
	return b.String()
}
