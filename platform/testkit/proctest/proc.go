// Package proctest runs a service binary as a separate process in tests, the way
// production runs it: build it, start it on loopback port 0, read its JSON log lines
// (addresses included), probe it over HTTP and gRPC, and stop it with a signal.
package proctest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// Timeout bounds every wait in this package; generous because the machine may be
// busy building other packages.
const Timeout = 60 * time.Second

// Record is one JSON log line. A line that is not JSON (a panic trace, say) is kept
// as {"raw": line}.
type Record map[string]any

// Msg returns the record's "msg".
func (r Record) Msg() string { s, _ := r["msg"].(string); return s }

// Str returns the string attribute key.
func (r Record) Str(key string) string { s, _ := r[key].(string); return s }

// Build compiles the main package pkg (relative to the test's directory, e.g. ".")
// into a temporary directory and returns the binary's path.
func Build(t testing.TB, pkg string) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command to build %s: %v", pkg, err)
	}
	bin := filepath.Join(t.TempDir(), "svc")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin, "build", "-o", bin, pkg)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	return bin
}

// Proc is a running service process whose stdout and stderr are parsed as JSON logs.
type Proc struct {
	t   testing.TB
	cmd *exec.Cmd

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on each new record
	records []Record

	readDone chan struct{}
	discard  atomic.Bool
	waitOnce sync.Once
	waitErr  error
}

// Start starts bin with args and environment env (added to the test's own). The
// process is killed at test cleanup if still running.
func Start(t testing.TB, bin string, env []string, args ...string) *Proc {
	t.Helper()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		pr.Close()
		pw.Close()
		t.Fatalf("start %s: %v", bin, err)
	}
	pw.Close() // the child holds its own copy; EOF comes when it exits
	p := &Proc{t: t, cmd: cmd, changed: make(chan struct{}), readDone: make(chan struct{})}
	go p.read(pr)
	t.Cleanup(func() {
		_ = cmd.Process.Kill() // harmless once it exited
		_ = p.wait()
	})
	return p
}

func (p *Proc) read(pr *os.File) {
	defer close(p.readDone)
	defer pr.Close()
	sc := bufio.NewScanner(pr)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if p.discard.Load() {
			// The rest is drained in large reads so the child never blocks on its
			// output, without the per-line work.
			_, _ = io.Copy(io.Discard, io.MultiReader(bytes.NewReader(sc.Bytes()), pr))
			break
		}
		line := sc.Text()
		r := Record{}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			r = Record{"raw": line}
		}
		p.add(r)
	}
	if err := sc.Err(); err != nil {
		p.add(Record{"raw": "proctest: reading output: " + err.Error()})
	}
}

// add records r and wakes WaitLog; the end of the output wakes it through readDone.
func (p *Proc) add(r Record) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.records = append(p.records, r)
	close(p.changed)
	p.changed = make(chan struct{})
}

// DiscardOutput stops recording the process's output from the next line on: a
// benchmark keeps its own CPU for what it measures, not for parsing a log line per
// request.
func (p *Proc) DiscardOutput() { p.discard.Store(true) }

// wait reaps the process (after its output is fully read) exactly once.
func (p *Proc) wait() error {
	p.waitOnce.Do(func() {
		<-p.readDone
		p.waitErr = p.cmd.Wait()
	})
	return p.waitErr
}

// Records returns the log records read so far.
func (p *Proc) Records() []Record {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Record(nil), p.records...)
}

// Output returns the log read so far as text, for failure messages.
func (p *Proc) Output() string {
	var b strings.Builder
	for _, r := range p.Records() {
		if raw, ok := r["raw"].(string); ok {
			b.WriteString(raw)
		} else {
			j, _ := json.Marshal(r)
			b.Write(j)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// WaitLog waits for the first record (old or new) for which match is true.
func (p *Proc) WaitLog(match func(Record) bool) Record {
	p.t.Helper()
	deadline := time.NewTimer(Timeout)
	defer deadline.Stop()
	seen := 0
	for {
		p.mu.Lock()
		recs, changed := p.records[seen:], p.changed
		seen = len(p.records)
		p.mu.Unlock()
		for _, r := range recs {
			if match(r) {
				return r
			}
		}
		select {
		case <-p.readDone:
			p.mu.Lock()
			n := len(p.records)
			p.mu.Unlock()
			if n == seen {
				p.t.Fatalf("process ended without the expected log line; output:\n%s", p.Output())
			}
		case <-changed:
		case <-deadline.C:
			p.t.Fatalf("expected log line not seen in %v; output:\n%s", Timeout, p.Output())
		}
	}
}

// Addr waits for the {"msg":"listening","server":server} line and returns its addr.
func (p *Proc) Addr(server string) string {
	p.t.Helper()
	r := p.WaitLog(func(r Record) bool { return r.Msg() == "listening" && r.Str("server") == server })
	return r.Str("addr")
}

// Signal sends sig to the process.
func (p *Proc) Signal(sig syscall.Signal) {
	p.t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		p.t.Fatalf("signal %v: %v", sig, err)
	}
}

// Wait waits for the process to exit and returns its exit code.
func (p *Proc) Wait() int {
	p.t.Helper()
	done := make(chan error, 1)
	go func() { done <- p.wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		switch {
		case err == nil:
			return 0
		case errors.As(err, &ee):
			return ee.ExitCode()
		default:
			p.t.Fatalf("wait: %v", err)
		}
	case <-time.After(Timeout):
		_ = p.cmd.Process.Kill()
		<-done
		p.t.Fatalf("process did not exit within %v; output:\n%s", Timeout, p.Output())
	}
	return -1
}

// Pid returns the process id (to read /proc/<pid>/stat, say).
func (p *Proc) Pid() int { return p.cmd.Process.Pid }

// String describes the process for messages.
func (p *Proc) String() string { return fmt.Sprintf("%s (pid %d)", p.cmd.Path, p.cmd.Process.Pid) }
