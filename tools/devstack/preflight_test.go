package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// helperEnv re-executes the test binary as a separate process that holds a port or
// the state lock until its stdin closes: a real other process, as a second make run
// meets it.
const helperEnv = "DEVSTACK_TEST_HELPER"

func runHelper(role string) int {
	kind, arg, _ := strings.Cut(role, ":")
	switch kind {
	case "listen":
		l, err := net.Listen("tcp", arg)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer l.Close()
	case "lock":
		l, err := lockState(arg)
		if err == nil {
			err = l.claim()
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	default:
		fmt.Fprintln(os.Stderr, "unknown helper role", role)
		return 2
	}
	fmt.Println("ready")
	_, _ = io.Copy(io.Discard, os.Stdin)
	return 0
}

// startHelper starts a helper process and waits until it holds what it was told to.
func startHelper(t *testing.T, role string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+role)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	if strings.TrimSpace(line) != "ready" {
		t.Fatalf("helper %s did not start: %q %v", role, line, err)
	}
	return cmd
}

// freePortBase returns the first of n consecutive free loopback ports below the
// kernel's ephemeral range, where no connection is handed a port behind our back,
// and clear of make run's documented ports, which a developer's stack may take.
func freePortBase(t *testing.T, n int) int {
	t.Helper()
	low := 32768 // Linux's default
	if b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		if f := strings.Fields(string(b)); len(f) == 2 {
			if v, err := strconv.Atoi(f[0]); err == nil {
				low = v
			}
		}
	}
	const floor = 10000
	if low-n <= floor {
		t.Fatalf("the ephemeral port range starts at %d: no room below it for %d ports", low, n)
	}
	for range 100 {
		base := floor + rand.IntN(low-n-floor)
		if overlapsDefaultPorts(base, n) || !allBindable(base, n) {
			continue
		}
		return base
	}
	t.Fatalf("no %d free consecutive ports in %d..%d", n, floor, low)
	return 0
}

func overlapsDefaultPorts(base, n int) bool {
	d := defaultPorts()
	for _, p := range []int{d.Edge, d.Auth, d.Quote, d.Order, d.AuthAdmin, d.QuoteAdmin, d.OrderAdmin, d.OpenD, d.OpenDAdmin, 6379} {
		if p >= base && p < base+n {
			return true
		}
	}
	return false
}

func allBindable(base, n int) bool {
	for p := base; p < base+n; p++ {
		l, err := net.Listen("tcp", loopback(p))
		if err != nil {
			return false
		}
		l.Close()
	}
	return true
}

// freePorts is a stack layout on free ports outside the ephemeral range.
func freePorts(t *testing.T) stackPorts {
	t.Helper()
	ports, err := portsFrom(freePortBase(t, portBaseCount))
	if err != nil {
		t.Fatal(err)
	}
	return ports
}

// seededState is a state directory as a running stack leaves it: keys and logs, an
// hour old so any rewrite shows in the mtimes.
func seededState(t *testing.T) string {
	t.Helper()
	state := t.TempDir()
	files := map[string]string{
		"admin.key": "fk_running_admin\n", "service.key": "fk_running_service\n",
		"trade-password": "123456\n", "logs/edge.log": "the running edge's log\n",
		"logs/auth.log": "the running auth's log\n",
	}
	old := time.Now().Add(-time.Hour)
	for name, content := range files {
		path := filepath.Join(state, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, old, old); err != nil {
			t.Fatal(err)
		}
	}
	return state
}

type fileState struct {
	content string
	mtime   time.Time
	mode    fs.FileMode
}

func snapshot(t *testing.T, dir string) map[string]fileState {
	t.Helper()
	files := map[string]fileState{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		files[rel] = fileState{string(b), info.ModTime(), info.Mode()}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// assertUntouched fails when a file of before changed or vanished, or a file other
// than an empty lock file appeared.
func assertUntouched(t *testing.T, dir string, before map[string]fileState) {
	t.Helper()
	after := snapshot(t, dir)
	for name, b := range before {
		if a, ok := after[name]; !ok {
			t.Errorf("%s was removed", name)
		} else if a != b {
			t.Errorf("%s changed: %+v, was %+v", name, a, b)
		}
	}
	for name, a := range after {
		if _, ok := before[name]; ok {
			continue
		}
		if name != lockName || a.content != "" {
			t.Errorf("%s appeared (%q)", name, a.content)
		}
	}
}

// commOf is the kernel's name of a process run from path: its base, cut to 15 bytes.
func commOf(path string) string {
	name := filepath.Base(path)
	return name[:min(len(name), 15)]
}

// TestRefusesTakenPorts: ports held by other processes are named with their holders,
// and the refusal comes before the build and before anything in the state directory
// changes.
func TestRefusesTakenPorts(t *testing.T) {
	t.Setenv("OPEND_ADDR", "")
	t.Setenv("REDIS_ADDR", "")
	state := seededState(t)
	ports := freePorts(t)
	holder := startHelper(t, "listen:"+loopback(ports.Edge))
	self, err := net.Listen("tcp", loopback(ports.Auth))
	if err != nil {
		t.Fatal(err)
	}
	defer self.Close()
	before := snapshot(t, state)

	start := time.Now()
	err = run(context.Background(), options{BinDir: t.TempDir(), StateDir: state, Build: true, Ports: ports})
	if err == nil {
		t.Fatal("run started beside taken ports")
	}
	msg := err.Error()
	for _, want := range []string{
		fmt.Sprintf("port %d (edge) is taken by pid %d (%s)", ports.Edge, holder.Process.Pid, commOf(os.Args[0])),
		fmt.Sprintf("port %d (auth) is taken by pid %d (%s)", ports.Auth, os.Getpid(), commOf(os.Args[0])),
		`is another "make run" running? stop it first`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("the refusal lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, fmt.Sprintf("port %d", ports.Quote)) {
		t.Errorf("the refusal names a free port:\n%s", msg)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the refusal took %v: it should come before the build", d)
	}
	assertUntouched(t, state, before)
}

// TestRefusesLockedStateDir: a second devstack on the state directory of a running one
// refuses and names it; the lock goes with the process that held it.
func TestRefusesLockedStateDir(t *testing.T) {
	t.Setenv("OPEND_ADDR", "")
	t.Setenv("REDIS_ADDR", "")
	state := seededState(t)
	holder := startHelper(t, "lock:"+state)
	before := snapshot(t, state)

	err := run(context.Background(), options{BinDir: t.TempDir(), StateDir: state, Build: true, Ports: freePorts(t)})
	want := fmt.Sprintf(`another devstack (pid %d) is running on %s: is another "make run" running? stop it first`,
		holder.Process.Pid, state)
	if err == nil || err.Error() != want {
		t.Fatalf("run on a locked state directory: %v, want %s", err, want)
	}
	assertUntouched(t, state, before)

	_ = holder.Process.Kill()
	_ = holder.Wait()
	lock, err := lockState(state)
	if err != nil {
		t.Fatalf("the lock outlived its killed holder: %v", err)
	}
	lock.release()
}

// TestReadinessIsTheProcessOwn: another process answering a started process's
// readiness probe does not make it ready; a process that exits is reported as exited.
func TestReadinessIsTheProcessOwn(t *testing.T) {
	foreign, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer foreign.Close()
	go func() {
		_ = http.Serve(foreign, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	}()
	port := foreign.Addr().(*net.TCPAddr).Port

	binDir := t.TempDir()
	for _, name := range []string{"sleep", "false"} {
		path, err := exec.LookPath(name)
		if err != nil {
			t.Skipf("no %s: %v", name, err)
		}
		if err := os.Symlink(path, filepath.Join(binDir, name)); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()

	alive, err := start(proc{Name: "sleep", Args: []string{"60"}, Ready: readyz(port)}, binDir, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer alive.stop(time.Second)
	err = alive.waitReady(ctx, 10*time.Second)
	if want := fmt.Sprintf("port %d answers its readiness probe: it is held by pid %d", port, os.Getpid()); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("a live process behind a foreign answer: %v, want %q", err, want)
	}

	dead, err := start(proc{Name: "false", Ready: readyz(port)}, binDir, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	err = dead.waitReady(ctx, 10*time.Second)
	if err == nil || !strings.Contains(err.Error(), "false exited (exit status 1)") {
		t.Errorf("a process that exited behind a foreign answer: %v", err)
	}
}

func TestPortsFrom(t *testing.T) {
	d, err := portsFrom(0)
	if err != nil || d != (stackPorts{Edge: 22222, Auth: 50051, Quote: 50052, Order: 50053,
		AuthAdmin: 9101, QuoteAdmin: 9102, OrderAdmin: 9103, OpenD: 11111, OpenDAdmin: 9111, SDK: 33333}) {
		t.Errorf("default ports changed: %+v %v", d, err)
	}
	p, err := portsFrom(20000)
	if err != nil || p.Edge != 20000 || p.SDK != 20000+portBaseCount-1 {
		t.Errorf("portsFrom(20000) = %+v %v", p, err)
	}
	seen := map[int]bool{}
	for _, np := range (stackConfig{Ports: p}).tcpPorts() {
		if seen[np.Port] {
			t.Errorf("port %d used twice", np.Port)
		}
		seen[np.Port] = true
	}
	for _, bad := range []int{80, 65530} {
		if _, err := portsFrom(bad); err == nil {
			t.Errorf("portsFrom(%d) accepted", bad)
		}
	}
}
