package main

import (
	"bufio"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// readmeWalkthrough returns the shell block between the walkthrough markers.
func readmeWalkthrough(t *testing.T, root string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i, j := strings.Index(s, "<!-- walkthrough:start -->"), strings.Index(s, "<!-- walkthrough:end -->")
	if i < 0 || j < i {
		t.Fatal("README.md has no walkthrough block")
	}
	block := s[i:j]
	block = block[strings.Index(block, "```sh")+len("```sh"):]
	return block[:strings.LastIndex(block, "```")]
}

// TestREADMEWalkthrough starts the stack the way `make run` does (the devstack binary,
// embedded Redis, the same fixed ports) and runs the README's curl walk-through
// verbatim, with curl told to fail on HTTP errors.
func TestREADMEWalkthrough(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the whole stack")
	}
	if c, err := net.DialTimeout("tcp", edgeAddr, 200*time.Millisecond); err == nil {
		c.Close()
		t.Skip("port 22222 is in use (is `make run` running?); the walk-through needs make run's ports")
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
	// make run's gRPC ports (50051-50053) sit in the kernel's ephemeral range, where a
	// parallel test's connection can hold one for a moment: a start that fails is
	// retried with a fresh state directory.
	var state string
	for attempt := 1; ; attempt++ {
		state = t.TempDir()
		stop, log, ok := startDevstack(t, ctx, root, bin, state)
		if ok {
			defer stop()
			break
		}
		stop()
		if attempt == 3 {
			t.Fatalf("the stack did not start:\n%s%s", log, logTails(state))
		}
		t.Logf("the stack did not start (attempt %d), retrying:\n%s%s", attempt, log, logTails(state))
		time.Sleep(time.Second)
	}

	script := readmeWalkthrough(t, root)
	script = strings.ReplaceAll(script, ".run/", state+"/")
	script = strings.ReplaceAll(script, "bin/futucli", filepath.Join(bin, "futucli"))
	script = strings.ReplaceAll(script, "curl -s ", "curl -sSf ")
	sh := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", script)
	sh.Dir = root
	res, err := sh.CombinedOutput()
	if err != nil {
		t.Fatalf("the README walk-through failed: %v\n%s", err, res)
	}
	got := string(res)
	for _, want := range []string{`"scopes"`, `"cur_price"`, `"order_id"`, `"order_status"`} {
		if !strings.Contains(got, want) {
			t.Errorf("walk-through output lacks %s:\n%s", want, got)
		}
	}
}

// startDevstack runs the devstack binary and waits for its ready line; stop ends it.
func startDevstack(t *testing.T, ctx context.Context, root, bin, state string) (stop func(), log string, ok bool) {
	t.Helper()
	stack := exec.CommandContext(ctx, filepath.Join(bin, "devstack"), "-bin", bin, "-state", state)
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
