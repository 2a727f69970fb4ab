package drills

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/futugw/gateway/platform/testkit"
)

// The docker compose test (issue 22): `docker compose up` for real, with the
// repository's Dockerfiles and docker-compose.yml, plus deploy/compose.test.yml (host
// networking, service names on 127.0.0.1, so the traffic stays on loopback). It needs a
// Docker engine with the compose and buildx plugins and the base images
// (deploy/docker-prep.sh, `make docker-prep`); `make compose-test` runs both.
//
//	FUTUGW_COMPOSE=1             run it (it takes the stack's fixed ports: 80, 443,
//	                             11111, 9111, 50051-50053, 9101-9103, 22222, Redis)
//	FUTUGW_COMPOSE_BUILD=compose build with `docker compose build` instead of
//	                             `docker buildx bake --allow network.host` (compose's
//	                             own bake call cannot grant network.host, which builds
//	                             need where containers reach the network only that way)
//	FUTUGW_COMPOSE_KEEP=1        leave the stack running when the test fails
const (
	composeEnv     = "FUTUGW_COMPOSE"
	composeProject = "futugw-test"
	// composeUID is the services' non-root user (USER 65532:65532 in the Dockerfiles).
	composeUID = 65532
)

var composeServices = []string{"redis", "opend-sim", "auth", "quote", "order", "edge", "caddy"}
var composeBuilt = []string{"opend-sim", "auth", "quote", "order", "edge"}

type composeRun struct {
	t    *testing.T
	root string
	env  []string
	dir  string // scratch: secrets, the copied admin key and CA, futucli
}

// docker runs the docker CLI in the repository root with the test's compose
// environment; it returns combined output and fails the test on error unless allowFail.
func (c *composeRun) docker(ctx context.Context, allowFail bool, args ...string) (string, error) {
	c.t.Helper()
	cmd := exec.CommandContext(ctx, "docker", args...)
	cmd.Dir = c.root
	cmd.Env = c.env
	cmd.WaitDelay = 10 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil && !allowFail {
		c.t.Fatalf("docker %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out), err
}

func (c *composeRun) compose(ctx context.Context, args ...string) string {
	c.t.Helper()
	out, _ := c.docker(ctx, false, append([]string{"compose"}, args...)...)
	return out
}

// phase logs how long fn took, for the CI timings.
func (c *composeRun) phase(name string, fn func()) {
	c.t.Helper()
	t0 := time.Now()
	fn()
	c.t.Logf("compose: %-44s %6.1f s", name, time.Since(t0).Seconds())
}

// inspect returns docker inspect's JSON of one compose service's container.
type containerInfo struct {
	ID    string
	State struct {
		Pid       int
		Running   bool
		StartedAt time.Time
		Health    *struct{ Status string }
	}
	RestartCount    int
	Config          struct{ User string }
	HostConfig      struct{ NetworkMode string }
	NetworkSettings struct {
		IPAddress string
		Networks  map[string]struct{ IPAddress string }
	}
}

func (c *composeRun) inspect(ctx context.Context, service string) containerInfo {
	c.t.Helper()
	id := strings.TrimSpace(c.compose(ctx, "ps", "-q", service))
	if id == "" {
		c.t.Fatalf("no container for %s", service)
	}
	out, err := c.docker(ctx, false, "inspect", id)
	if err != nil {
		c.t.Fatal(err)
	}
	var infos []containerInfo
	if err := json.Unmarshal([]byte(out), &infos); err != nil || len(infos) != 1 {
		c.t.Fatalf("docker inspect %s: %v\n%s", service, err, out)
	}
	return infos[0]
}

// volumes returns the names of every Docker volume on the machine.
func (c *composeRun) volumes(ctx context.Context) map[string]bool {
	c.t.Helper()
	out, _ := c.docker(ctx, false, "volume", "ls", "-q")
	m := map[string]bool{}
	for _, v := range strings.Fields(out) {
		m[v] = true
	}
	return m
}

// projectLeftovers lists every container, volume and network of the test project.
func (c *composeRun) projectLeftovers(ctx context.Context) string {
	filter := "label=com.docker.compose.project=" + composeProject
	var b strings.Builder
	for _, kind := range [][]string{{"ps", "-a"}, {"volume", "ls"}, {"network", "ls"}} {
		out, _ := c.docker(ctx, true, append(kind, "-q", "--filter", filter)...)
		if s := strings.TrimSpace(out); s != "" {
			fmt.Fprintf(&b, "%s: %s\n", strings.Join(kind, " "), strings.ReplaceAll(s, "\n", " "))
		}
	}
	return b.String()
}

// checkPortsFree fails early, naming the port, when something on the host holds one of
// the stack's fixed ports; Redis moves to a free port instead (FUTUGW_COMPOSE_REDIS_PORT).
func checkPortsFree(t *testing.T) (redisPort int) {
	t.Helper()
	busy := func(addr string) bool {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			return true
		}
		l.Close()
		return false
	}
	var held []string
	heldPorts := func() bool {
		held = held[:0]
		for _, p := range []int{11111, 9111, 50051, 50052, 50053, 9101, 9102, 9103, 22222} {
			if busy(fmt.Sprintf("127.0.0.1:%d", p)) {
				held = append(held, strconv.Itoa(p))
			}
		}
		for _, p := range []int{80, 443} {
			if busy(fmt.Sprintf(":%d", p)) {
				held = append(held, strconv.Itoa(p))
			}
		}
		return len(held) > 0
	}
	// 50051-50053 lie in the kernel's ephemeral range: a connection a test just made
	// may hold one as its local port for a moment, so a held port gets 30 s to free.
	if !testkit.Within(30*time.Second, func() bool { return !heldPorts() }) {
		out, _ := exec.Command("ss", "-ltnp").CombinedOutput()
		t.Fatalf("the compose stack needs these host ports, which are in use: %s (`make run`, a packaged caddy "+
			"(systemctl disable --now caddy) or another stack?)\n%s", strings.Join(held, ", "), out)
	}
	if v := os.Getenv("FUTUGW_COMPOSE_REDIS_PORT"); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil {
			t.Fatalf("FUTUGW_COMPOSE_REDIS_PORT=%q", v)
		}
		if busy(fmt.Sprintf("127.0.0.1:%d", p)) {
			t.Fatalf("FUTUGW_COMPOSE_REDIS_PORT=%d is in use", p)
		}
		return p
	}
	if !busy("127.0.0.1:6379") {
		return 6379
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	p := l.Addr().(*net.TCPAddr).Port
	t.Logf("compose: port 6379 is in use on the host (a packaged redis-server?): the test's Redis uses %d", p)
	return p
}

func TestComposeUp(t *testing.T) {
	if os.Getenv(composeEnv) != "1" {
		t.Skipf("the docker compose test runs with %s=1 (make compose-test)", composeEnv)
	}
	if os.Geteuid() != 0 {
		t.Fatal("the compose test runs as root: it chowns the secret file to the services' user and SIGKILLs a container's process")
	}
	if out, err := exec.Command("docker", "compose", "version").CombinedOutput(); err != nil {
		t.Fatalf("docker compose is not usable (run `make docker-prep`): %v\n%s", err, out)
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	redisPort := checkPortsFree(t)
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Minute)
	defer cancel()

	dir := t.TempDir()
	// The trade password as a user would keep it: mode 0600, owned by the services'
	// non-root user (docs/compose.md). Compose bind-mounts file secrets as they are.
	secret := filepath.Join(dir, "trade-password")
	if err := os.WriteFile(secret, []byte("compose-test-pw\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(secret, composeUID, composeUID); err != nil {
		t.Fatal(err)
	}
	env := []string{}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "COMPOSE_") || slices.Contains([]string{"OPEND_ADDR", "TRADE_PASSWORD_FILE",
			"FUTUGW_SITE", "CORS_ALLOWED_ORIGINS", "FUTUGW_COMPOSE_REDIS_PORT", "DOCKER_BUILDKIT"}, k) {
			continue
		}
		env = append(env, kv)
	}
	env = append(env,
		"COMPOSE_PROJECT_NAME="+composeProject,
		"COMPOSE_FILE=docker-compose.yml:deploy/compose.test.yml",
		"COMPOSE_PROFILES=sim",
		"TRADE_PASSWORD_FILE="+secret,
		"FUTUGW_COMPOSE_REDIS_PORT="+strconv.Itoa(redisPort),
	)
	c := &composeRun{t: t, root: root, env: env, dir: dir}

	c.docker(ctx, true, "compose", "down", "-v", "--remove-orphans")
	finished := false
	t.Cleanup(func() {
		if finished {
			return
		}
		cctx, ccancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer ccancel()
		logs, _ := c.docker(cctx, true, "compose", "logs", "--no-color", "--tail", "40")
		t.Logf("compose logs (last 40 lines per service):\n%s", logs)
		if os.Getenv("FUTUGW_COMPOSE_KEEP") == "1" {
			t.Logf("FUTUGW_COMPOSE_KEEP=1: the stack stays up (COMPOSE_PROJECT_NAME=%s COMPOSE_FILE=docker-compose.yml:deploy/compose.test.yml)", composeProject)
			return
		}
		c.docker(cctx, true, "compose", "down", "-v", "--remove-orphans")
	})

	c.phase("build the five images", func() {
		if os.Getenv("FUTUGW_COMPOSE_BUILD") == "compose" {
			c.compose(ctx, "build")
			return
		}
		args := []string{"buildx", "bake", "--allow", "network.host", "--progress", "quiet",
			"-f", "docker-compose.yml", "-f", "deploy/compose.test.yml"}
		for _, s := range composeBuilt {
			args = append(args, "--set", fmt.Sprintf("%s.tags=%s-%s", s, composeProject, s))
		}
		c.docker(ctx, false, args...)
	})

	c.phase("a root-owned 0600 secret is unreadable", func() {
		// What happens without the chown: compose bind-mounts the file as it is (it
		// ignores uid/gid/mode for file secrets), and the order service, uid 65532,
		// cannot read it; it exits with status 2 before serving anything.
		rootOnly := filepath.Join(dir, "trade-password-root")
		if err := os.WriteFile(rootOnly, []byte("x\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		cc := *c
		cc.env = append(slices.Clone(c.env), "TRADE_PASSWORD_FILE="+rootOnly)
		out, err := cc.docker(ctx, true, "compose", "run", "--rm", "--no-deps", "-T", "order")
		if err == nil || !strings.Contains(out, "permission denied") {
			t.Errorf("order with a root-owned 0600 secret: want exit 2 and permission denied, got %v:\n%s", err, out)
		}
	})

	volumesBefore := c.volumes(ctx)
	// Docker's events during `up` show the order: a dependent starts only after each
	// of its dependencies reported healthy.
	events := startEvents(t, ctx, c)
	c.phase("docker compose up --wait", func() {
		c.compose(ctx, "up", "-d", "--no-build", "--wait", "--wait-timeout", "300")
	})
	c.phase("health checks gate start-up order", func() { checkStartOrder(t, ctx, c, events()) })

	c.phase("containers: host network, non-root, secret read", func() {
		for _, s := range composeServices {
			info := c.inspect(ctx, s)
			if info.HostConfig.NetworkMode != "host" || info.NetworkSettings.IPAddress != "" {
				t.Errorf("%s: network mode %q, address %q: want host networking and no bridge address",
					s, info.HostConfig.NetworkMode, info.NetworkSettings.IPAddress)
			}
			for name, n := range info.NetworkSettings.Networks {
				if name != "host" || n.IPAddress != "" {
					t.Errorf("%s is on network %s with address %q", s, name, n.IPAddress)
				}
			}
			if slices.Contains(composeBuilt, s) && info.Config.User != "65532:65532" {
				t.Errorf("%s runs as %q, want 65532:65532", s, info.Config.User)
			}
		}
		logs := c.compose(ctx, "logs", "--no-color", "order", "opend-sim")
		if !strings.Contains(logs, `"trade_password_set":true`) {
			t.Errorf("order did not read the trade password secret:\n%s", logs)
		}
		if !strings.Contains(logs, "trade password loaded") {
			t.Errorf("opend-sim did not read the trade password secret:\n%s", logs)
		}
	})

	var ca *x509.CertPool
	caFile := filepath.Join(dir, "caddy-root.crt")
	c.phase("copy out the admin key and Caddy's root CA", func() {
		c.compose(ctx, "cp", "auth:/run/futugw/admin.key", filepath.Join(dir, "admin.key"))
		// Caddy issues the localhost certificate from its internal CA at start.
		testkit.EventuallyNil(t, 60*time.Second, "caddy's root CA", func() error {
			_, err := c.docker(ctx, true, "compose", "cp", "caddy:/data/caddy/pki/authorities/local/root.crt", caFile)
			return err
		})
		pem, err := os.ReadFile(caFile)
		if err != nil {
			t.Fatal(err)
		}
		ca = x509.NewCertPool()
		if !ca.AppendCertsFromPEM(pem) {
			t.Fatal("caddy's root.crt holds no certificate")
		}
	})
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ca}}}

	futucli := filepath.Join(dir, "futucli")
	c.phase("build futucli", func() {
		build := exec.CommandContext(ctx, "go", "build", "-o", futucli, "./services/auth/cmd/futucli")
		build.Dir = root
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("build futucli: %v\n%s", err, out)
		}
	})

	var key string
	c.phase("README walk-through through Caddy over HTTPS", func() {
		key = composeWalkthrough(t, ctx, c, futucli, caFile)
	})

	c.phase("operational endpoints stay off the public site", func() {
		// deploy/Caddyfile answers 404 for them; the health checks reach each
		// container directly.
		for _, path := range []string{"/readyz", "/healthz", "/metrics"} {
			resp, err := client.Get("https://localhost" + path)
			if err != nil {
				t.Fatalf("GET %s through Caddy: %v", path, err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET https://localhost%s = %d, want 404 (private)", path, resp.StatusCode)
			}
		}
	})

	var session string
	c.phase("a session for the panel", func() {
		var minted struct{ Key string }
		apiCall(t, client, "POST", "/api/admin/keys", readKey(t, filepath.Join(dir, "admin.key")),
			fmt.Sprintf(`{"id":"compose-panel-%d","scopes":["qot:read","acc:read","trade:simulate"],"limits":{"max_order_value":500000},"expires_in":"1h"}`, time.Now().UnixNano()), &minted)
		var sess struct{ Key string }
		apiCall(t, client, "POST", "/api/auth/session", minted.Key, `{}`, &sess)
		if sess.Key == "" {
			t.Fatal("no session key")
		}
		session = sess.Key
	})

	c.phase("the panel in Chromium (web/e2e/compose-panel.mjs)", func() {
		node := exec.CommandContext(ctx, "node", "e2e/compose-panel.mjs")
		node.Dir = filepath.Join(root, "web")
		node.Env = append(os.Environ(), "FUTUGW_URL=https://localhost", "FUTUGW_SESSION="+session)
		out, err := node.CombinedOutput()
		t.Logf("%s", out)
		if err != nil {
			t.Fatalf("the panel test failed: %v", err)
		}
	})

	c.phase("a SIGKILLed container restarts", func() {
		before := c.inspect(ctx, "quote")
		if err := syscall.Kill(before.State.Pid, syscall.SIGKILL); err != nil {
			t.Fatalf("kill quote's process %d: %v", before.State.Pid, err)
		}
		var now containerInfo
		if !testkit.Within(2*time.Minute, func() bool {
			now = c.inspect(ctx, "quote")
			return now.RestartCount > before.RestartCount && now.State.Running && now.State.Health != nil && now.State.Health.Status == "healthy"
		}) {
			t.Fatalf("quote did not come back healthy after SIGKILL: restarts %d, running %v, health %+v",
				now.RestartCount, now.State.Running, now.State.Health)
		}
		var q map[string]any
		apiCall(t, client, "POST", "/api/quote", key, `{"security_list":[{"market":1,"code":"00700"}]}`, &q)
	})

	c.phase("Redis data survive down and up (no -v)", func() {
		c.compose(ctx, "down")
		if left := c.projectLeftovers(ctx); strings.Contains(left, "ps -a") {
			t.Fatalf("containers left after docker compose down:\n%s", left)
		}
		c.compose(ctx, "up", "-d", "--no-build", "--wait", "--wait-timeout", "300")
		var who map[string]any
		apiCall(t, client, "GET", "/api/auth/whoami", key, "", &who)
		if who["scopes"] == nil {
			t.Errorf("whoami after down/up: %v", who)
		}
	})

	c.phase("docker compose down -v leaves nothing", func() {
		c.compose(ctx, "down", "-v")
		if left := c.projectLeftovers(ctx); left != "" {
			t.Errorf("left after docker compose down -v:\n%s", left)
		}
		if out, _ := c.docker(ctx, true, "ps", "-q", "--filter", "label=com.docker.compose.project="+composeProject); strings.TrimSpace(out) != "" {
			t.Errorf("containers still running: %s", out)
		}
		// Anonymous volumes (an image's VOLUME without a named volume on it) carry no
		// project label: any volume that appeared since before `up` is a leftover.
		for v := range c.volumes(ctx) {
			if !volumesBefore[v] {
				t.Errorf("volume %s appeared during the test and outlived docker compose down -v", v)
			}
		}
	})
	finished = !t.Failed()
}

// composeWalkthrough runs the README's curl walk-through against the compose stack:
// the admin key copied out with the README's `docker compose cp`, futucli on auth's
// published gRPC port, and curl through Caddy on https://localhost, verifying Caddy's
// certificate with its root CA. It returns the key the walk-through minted.
func composeWalkthrough(t *testing.T, ctx context.Context, c *composeRun, futucli, caFile string) string {
	t.Helper()
	script := testkit.FencedCode(t, testkit.MarkedSection(t, filepath.Join(c.root, "README.md"), "walkthrough"), "sh")
	for _, want := range []string{".run/admin.key", "bin/futucli", "http://localhost:22222", "curl -s "} {
		if !strings.Contains(script, want) {
			t.Fatalf("the README walk-through no longer contains %q; update the compose test", want)
		}
	}
	script = strings.ReplaceAll(script, ".run/admin.key", filepath.Join(c.dir, "admin.key"))
	script = strings.ReplaceAll(script, "bin/futucli", futucli)
	script = strings.ReplaceAll(script, "http://localhost:22222", "https://localhost")
	script = strings.ReplaceAll(script, "curl -s ", "curl -sSf --cacert "+caFile+" ")
	script += "\necho \"WALKTHROUGH_KEY=$KEY\"\n"
	sh := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", script)
	sh.Dir = c.root
	sh.Env = append(os.Environ(), "FUTUGW_AUTH_ADDR=127.0.0.1:50051")
	out, err := sh.CombinedOutput()
	if err != nil {
		t.Fatalf("the README walk-through through Caddy failed: %v\n%s", err, out)
	}
	got := string(out)
	for _, want := range []string{`"scopes"`, `"cur_price"`, `"order_id"`, `"order_status"`} {
		if !strings.Contains(got, want) {
			t.Errorf("walk-through output lacks %s:\n%s", want, got)
		}
	}
	k := got[strings.LastIndex(got, "WALKTHROUGH_KEY=")+len("WALKTHROUGH_KEY="):]
	k = strings.TrimSpace(k)
	if !strings.HasPrefix(k, "fk_") {
		t.Fatalf("the walk-through minted no key:\n%s", got)
	}
	return k
}

func readKey(t *testing.T, file string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// apiCall sends one REST call through Caddy and decodes the JSON answer; non-2xx fails.
// A 502 or 503 right after a restart (the upstream is still connecting) is retried
// for up to 10 s.
func apiCall(t *testing.T, client *http.Client, method, path, key, body string, into any) {
	t.Helper()
	var (
		last string
		data []byte
		ok   bool
	)
	settled := testkit.Within(10*time.Second, func() bool {
		var r io.Reader
		if body != "" {
			r = strings.NewReader(body)
		}
		req, err := http.NewRequest(method, "https://localhost"+path, r)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := client.Do(req)
		if err != nil {
			last = err.Error()
			return false
		}
		data, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode/100 == 2 {
			ok = true
			return true
		}
		last = fmt.Sprintf("HTTP %d: %s", resp.StatusCode, data)
		return resp.StatusCode != http.StatusServiceUnavailable && resp.StatusCode != http.StatusBadGateway
	})
	if !settled || !ok {
		t.Fatalf("%s https://localhost%s: %s", method, path, last)
	}
	if err := json.Unmarshal(data, into); err != nil {
		t.Fatalf("%s %s: %v: %s", method, path, err, data)
	}
}

type dockerEvent struct {
	Action string `json:"Action"`
	Actor  struct {
		Attributes map[string]string `json:"Attributes"`
	} `json:"Actor"`
	TimeNano int64 `json:"timeNano"`
}

// startEvents records the test project's container events from now; the returned
// function stops the recording and returns them.
func startEvents(t *testing.T, ctx context.Context, c *composeRun) func() []dockerEvent {
	t.Helper()
	ectx, stop := context.WithCancel(ctx)
	// --since replays what happened before the subscription took hold, so `up` may
	// start at once.
	since := time.Now()
	cmd := exec.CommandContext(ectx, "docker", "events", "--format", "{{json .}}",
		"--since", fmt.Sprintf("%d.%09d", since.Unix(), since.Nanosecond()),
		"--filter", "type=container", "--filter", "label=com.docker.compose.project="+composeProject)
	cmd.Env = c.env
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan []dockerEvent, 1)
	go func() {
		var evs []dockerEvent
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var e dockerEvent
			if json.Unmarshal(bytes.TrimSpace(sc.Bytes()), &e) == nil {
				evs = append(evs, e)
			}
		}
		done <- evs
	}()
	return func() []dockerEvent {
		time.Sleep(time.Second) // the point: events still in the pipe have no end marker to wait for
		stop()
		_ = cmd.Wait()
		return <-done
	}
}

// checkStartOrder checks every service_healthy dependency of the effective compose
// configuration against the events: the dependent's first start follows the
// dependency's first "healthy".
func checkStartOrder(t *testing.T, ctx context.Context, c *composeRun, evs []dockerEvent) {
	t.Helper()
	var cfg struct {
		Services map[string]struct {
			DependsOn map[string]struct {
				Condition string `json:"condition"`
			} `json:"depends_on"`
		} `json:"services"`
	}
	if err := json.Unmarshal([]byte(c.compose(ctx, "config", "--format", "json")), &cfg); err != nil {
		t.Fatal(err)
	}
	started, healthy := map[string]int64{}, map[string]int64{}
	for _, e := range evs {
		s := e.Actor.Attributes["com.docker.compose.service"]
		switch {
		case e.Action == "start" && started[s] == 0:
			started[s] = e.TimeNano
		case strings.HasPrefix(e.Action, "health_status") && strings.HasSuffix(e.Action, "healthy") &&
			!strings.HasSuffix(e.Action, "unhealthy") && healthy[s] == 0:
			healthy[s] = e.TimeNano
		}
	}
	var checked []string
	for svc, conf := range cfg.Services {
		for dep, d := range conf.DependsOn {
			if d.Condition != "service_healthy" {
				continue
			}
			if started[svc] == 0 || healthy[dep] == 0 {
				t.Errorf("no events for %s start (%d) or %s healthy (%d)", svc, started[svc], dep, healthy[dep])
				continue
			}
			if started[svc] < healthy[dep] {
				t.Errorf("%s started %v before %s was healthy", svc, time.Duration(healthy[dep]-started[svc]), dep)
			}
			checked = append(checked, dep+" healthy -> "+svc+" start")
		}
	}
	sort.Strings(checked)
	if len(checked) < 10 {
		t.Errorf("only %d dependencies checked: %v", len(checked), checked)
	}
	t.Logf("compose: start order checked: %s", strings.Join(checked, "; "))
}
