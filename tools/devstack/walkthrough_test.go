package main

import (
	"bufio"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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
	bin, state := t.TempDir(), t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "devstack"), "./tools/devstack")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build devstack: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	stack := exec.CommandContext(ctx, filepath.Join(bin, "devstack"), "-bin", bin, "-state", state)
	stack.Dir = root
	stack.Env = append(os.Environ(), "REDIS_ADDR=", "OPEND_ADDR=")
	stack.Cancel = func() error { return stack.Process.Signal(syscall.SIGTERM) }
	stack.WaitDelay = 30 * time.Second
	out, err := stack.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stack.Stderr = os.Stderr
	if err := stack.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan bool, 1)
	var log strings.Builder
	go func() {
		sc := bufio.NewScanner(out)
		sent := false
		for sc.Scan() {
			log.WriteString(sc.Text() + "\n")
			if !sent && strings.Contains(sc.Text(), "press Ctrl-C to stop") {
				ready <- true
				sent = true
			}
		}
		if !sent {
			ready <- false
		}
	}()
	defer func() {
		_ = stack.Process.Signal(syscall.SIGINT)
		_ = stack.Wait()
	}()
	if !<-ready {
		t.Fatalf("the stack did not start:\n%s", log.String())
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
