package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

// repoRoot is the workspace root, two levels up from this package.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// loadCompose loads docker-compose.yml the way `docker compose config` does: schema
// validation, .env, interpolation, merges and the default profile.
func loadCompose(t *testing.T, env ...string) *types.Project {
	t.Helper()
	root := repoRoot(t)
	opts, err := cli.NewProjectOptions([]string{filepath.Join(root, "docker-compose.yml")},
		cli.WithWorkingDirectory(root), cli.WithEnvFiles(), cli.WithDotEnv, cli.WithEnv(env),
		cli.WithOsEnv, cli.WithDefaultProfiles(), cli.WithName("futugw"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := opts.LoadProject(context.Background())
	if err != nil {
		t.Fatalf("docker-compose.yml does not load: %v", err)
	}
	return p
}

// envOfFlags maps each flag of a binary to its environment variable, read from the
// binary's own -h output, so the test follows the code rather than a copy of it.
func envOfFlags(t *testing.T, bin string) map[string]string {
	t.Helper()
	out, _ := exec.Command(bin, "-h").CombinedOutput()
	flagRe := regexp.MustCompile(`^\s+-([a-z0-9-]+)`)
	envRe := regexp.MustCompile(`\((?:env )?([A-Z][A-Z0-9_]+)\)`)
	m := map[string]string{}
	var cur string
	for _, line := range strings.Split(string(out), "\n") {
		if f := flagRe.FindStringSubmatch(line); f != nil {
			cur = f[1]
		}
		if e := envRe.FindStringSubmatch(line); e != nil && cur != "" {
			m[cur] = e[1]
		}
	}
	if len(m) == 0 {
		t.Fatalf("%s -h lists no flags with env names:\n%s", bin, out)
	}
	return m
}

// TestComposeMatchesMakeRun checks that docker-compose.yml runs the same topology as
// `make run`: the same services, and for every flag make run passes, the compose
// service sets the matching environment variable (ports agree; hosts differ because
// compose uses service names where make run uses 127.0.0.1).
func TestComposeMatchesMakeRun(t *testing.T) {
	p := loadCompose(t)
	binDir := t.TempDir()
	cfg := stackConfig{BinDir: binDir, StateDir: "/run/futugw", RedisAddr: "127.0.0.1:6379", PanelDir: "/panel",
		Ports: defaultPorts()}
	procs := cfg.procs()

	want := map[string]bool{"redis": true, "caddy": true}
	for _, pr := range procs {
		want[pr.Name] = true
	}
	for name := range want {
		if _, err := p.GetService(name); err != nil {
			t.Errorf("compose has no service %q that make run starts", name)
		}
	}
	for _, s := range p.Services {
		if !want[s.Name] {
			t.Errorf("compose service %q is not part of make run", s.Name)
		}
	}

	for _, pr := range procs {
		bin := filepath.Join(binDir, pr.Name)
		pkg := map[string]string{"opend-sim": "./opend/cmd/opend-sim", "auth": "./services/auth/cmd/auth",
			"quote": "./services/quote/cmd/quote", "order": "./services/order/cmd/order", "edge": "./services/edge/cmd/edge"}[pr.Name]
		build := exec.Command("go", "build", "-o", bin, pkg)
		build.Dir = repoRoot(t)
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("build %s: %v\n%s", pr.Name, err, out)
		}
		envs := envOfFlags(t, bin)
		svc, err := p.GetService(pr.Name)
		if err != nil {
			continue
		}
		for i := 0; i+1 < len(pr.Args); i += 2 {
			flag, val := strings.TrimPrefix(pr.Args[i], "-"), pr.Args[i+1]
			env, ok := envs[flag]
			if !ok {
				t.Errorf("%s: make run passes -%s, which the binary does not take", pr.Name, flag)
				continue
			}
			got := svc.Environment[env]
			if got == nil {
				t.Errorf("%s: compose does not set %s (make run passes -%s %s)", pr.Name, env, flag, val)
				continue
			}
			if port(val) != "" && port(*got) != port(val) {
				t.Errorf("%s: %s=%s in compose, make run uses %s: ports differ", pr.Name, env, *got, val)
			}
		}
	}
}

// TestComposeHealthAndSecrets checks the operational promises of the compose file:
// every long-running service has a health check and a restart policy, dependencies wait
// for health, and the trade password arrives as a secret, never an env literal.
func TestComposeHealthAndSecrets(t *testing.T) {
	p := loadCompose(t)
	for _, s := range p.Services {
		if s.Name != "caddy" && s.HealthCheck == nil {
			t.Errorf("%s has no health check", s.Name)
		}
		if s.Restart == "" {
			t.Errorf("%s has no restart policy", s.Name)
		}
		for dep, d := range s.DependsOn {
			if d.Condition != types.ServiceConditionHealthy {
				t.Errorf("%s waits for %s with %q, want service_healthy", s.Name, dep, d.Condition)
			}
		}
		for k, v := range s.Environment {
			if strings.Contains(strings.ToUpper(k), "PASSWORD") && !strings.HasSuffix(k, "_FILE") {
				t.Errorf("%s sets %s=%v: passwords come as secrets", s.Name, k, v)
			}
		}
	}
	for _, name := range []string{"order", "opend-sim"} {
		s, err := p.GetService(name)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Secrets) == 0 {
			t.Errorf("%s gets no trade_password secret", name)
		}
	}
	if r, _ := p.GetService("redis"); !strings.Contains(strings.Join(r.Command, " "), "--appendonly yes") || len(r.Volumes) == 0 {
		t.Errorf("redis must run with appendonly on a volume: %v %v", r.Command, r.Volumes)
	}
}

// TestComposeRealOpenD checks the documented switch to a real OpenD: without the sim
// profile opend-sim is gone and quote and order point at OPEND_ADDR.
func TestComposeRealOpenD(t *testing.T) {
	p := loadCompose(t, "COMPOSE_PROFILES=", "OPEND_ADDR=192.0.2.10:11111")
	if _, err := p.GetService("opend-sim"); err == nil {
		t.Error("opend-sim still runs with no profile")
	}
	for _, name := range []string{"quote", "order"} {
		s, err := p.GetService(name)
		if err != nil {
			t.Fatal(err)
		}
		if v := s.Environment["OPEND_ADDR"]; v == nil || *v != "192.0.2.10:11111" {
			t.Errorf("%s OPEND_ADDR = %v", name, v)
		}
	}
}

// port is the port of addr, or of the first host:port of a comma-separated list
// (make run's services also listen on Unix sockets, which compose does not use);
// "" when there is none.
func port(addr string) string {
	for _, a := range strings.Split(addr, ",") {
		if !strings.HasPrefix(a, "unix:") {
			addr = a
			break
		}
	}
	if i := strings.LastIndex(addr, ":"); i >= 0 && i < len(addr)-1 && !strings.Contains(addr[i+1:], "/") {
		return addr[i+1:]
	}
	return ""
}

func TestMain(m *testing.M) {
	if role := os.Getenv(helperEnv); role != "" {
		os.Exit(runHelper(role)) // this binary re-executed as another process (preflight_test.go)
	}
	// compose-go reads COMPOSE_* from the process env; the tests set what they need.
	os.Unsetenv("COMPOSE_PROFILES")
	os.Exit(m.Run())
}
