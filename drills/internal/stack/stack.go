// Package stack starts the gateway's real binaries (opend-sim, auth, quote, order,
// edge) as separate processes on fixed free loopback ports, so a drill can kill one
// and start it again on the same address, next to a restartable redis-server.
package stack

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/testkit"
	"github.com/futugw/gateway/platform/testkit/proctest"
	"github.com/futugw/gateway/platform/testkit/redistest"
)

// Binaries of the stack and the main package each is built from (repository root).
var targets = map[string]string{
	"opend-sim": "./opend/cmd/opend-sim",
	"auth":      "./services/auth/cmd/auth",
	"quote":     "./services/quote/cmd/quote",
	"order":     "./services/order/cmd/order",
	"edge":      "./services/edge/cmd/edge",
	"hopfloor":  "./bench/cmd/hopfloor",
}

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// Build compiles every binary once per test binary run (into a temp dir removed by
// Cleanup) and returns their directory.
func Build(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		root, err := repoRoot()
		if err != nil {
			buildErr = err
			return
		}
		if binDir, buildErr = os.MkdirTemp("", "futugw-drills-bin-"); buildErr != nil {
			return
		}
		for name, pkg := range targets {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			cmd := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(binDir, name), pkg)
			cmd.Dir = root
			out, err := cmd.CombinedOutput()
			cancel()
			if err != nil {
				buildErr = fmt.Errorf("go build %s: %v\n%s", pkg, err, out)
				return
			}
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binDir
}

// Cleanup removes the built binaries; call it from TestMain after m.Run.
func Cleanup() {
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
}

// repoRoot is the nearest parent directory holding go.work.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.work above the test directory")
		}
		dir = parent
	}
}

// FreeAddr returns a loopback host:port that was free a moment ago, below the
// ephemeral port range (proctest.FreePort): the drills restart processes on it.
func FreeAddr(t testing.TB) string {
	t.Helper()
	port, err := proctest.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	return "127.0.0.1:" + strconv.Itoa(port)
}

// Stack is one running gateway: Redis, opend-sim, auth, quote and order, plus the
// edges a drill starts. Every address is fixed for the life of the test so that a
// process started again listens where its clients expect it.
type Stack struct {
	t   testing.TB
	Bin string
	Dir string

	Redis *redistest.Server

	OpenDAddr, OpenDAdmin string
	AuthAddr, AuthAdmin   string
	QuoteAddr, QuoteAdmin string
	OrderAddr, OrderAdmin string

	Sim, Auth, Quote, Order *proctest.Proc

	AdminKeyFile, ServiceKeyFile, PasswordFile string
	AdminKey                                   string

	// SimArgs follow opend-sim's default arguments on every (re)start; a flag given
	// again there wins (a slower -push-interval, -extra-securities, ...).
	SimArgs []string
	// OrderEnv is added to the order service's environment on every (re)start.
	OrderEnv []string

	// sockDir, when set (StartUnix), holds the Unix sockets the services listen on
	// besides TCP and that the internal links use, as `make run` does.
	sockDir   string
	redisAddr string
}

// EnableEnv must be "1" for the drills to run (make drills sets it), so that
// `make test`, which tests every workspace module, does not also run them.
const EnableEnv = "FUTUGW_DRILLS"

// Start runs Redis, opend-sim, auth, quote and order, each waited for until ready.
// simArgs become SimArgs.
func Start(t testing.TB, simArgs ...string) *Stack {
	t.Helper()
	return start(t, false, simArgs)
}

// StartUnix is Start with the stack's internal links on Unix sockets, as `make run`
// runs them: the services listen on a socket besides TCP, the edges, order and quote
// call them through it, and the services reach Redis through its socket.
func StartUnix(t testing.TB, simArgs ...string) *Stack {
	t.Helper()
	return start(t, true, simArgs)
}

func start(t testing.TB, unix bool, simArgs []string) *Stack {
	t.Helper()
	if os.Getenv(EnableEnv) != "1" {
		t.Skipf("failure drills run with `make drills` (%s=1)", EnableEnv)
	}
	s := &Stack{t: t, Bin: Build(t), Dir: t.TempDir(), SimArgs: simArgs}
	if unix {
		s.sockDir = proctest.SocketDir(t)
		s.Redis, s.redisAddr = redistest.StartUnix(t)
	} else {
		s.Redis = redistest.StartServer(t)
		s.redisAddr = s.Redis.Addr()
	}
	s.OpenDAddr, s.OpenDAdmin = FreeAddr(t), FreeAddr(t)
	s.AuthAddr, s.AuthAdmin = FreeAddr(t), FreeAddr(t)
	s.QuoteAddr, s.QuoteAdmin = FreeAddr(t), FreeAddr(t)
	s.OrderAddr, s.OrderAdmin = FreeAddr(t), FreeAddr(t)
	s.AdminKeyFile = filepath.Join(s.Dir, "admin.key")
	s.ServiceKeyFile = filepath.Join(s.Dir, "service.key")
	s.PasswordFile = filepath.Join(s.Dir, "trade-password")
	if err := os.WriteFile(s.PasswordFile, []byte("drill-password\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s.StartSim()
	s.StartAuth()
	b, err := os.ReadFile(s.AdminKeyFile)
	if err != nil {
		t.Fatal(err)
	}
	s.AdminKey = strings.TrimSpace(string(b))
	s.StartQuote()
	s.StartOrder()
	return s
}

// link is the address the stack's processes call service on: its socket with
// StartUnix, else tcp.
func (s *Stack) link(service, tcp string) string {
	if s.sockDir == "" {
		return tcp
	}
	return "unix:" + filepath.Join(s.sockDir, service+".sock")
}

// listen is the -grpc-addr of service: tcp, and its socket with StartUnix.
func (s *Stack) listen(service, tcp string) string {
	if s.sockDir == "" {
		return tcp
	}
	return tcp + "," + s.link(service, tcp)
}

// RedisAddr is the address the services reach Redis on (its socket with StartUnix);
// Redis.Addr() is always its TCP address.
func (s *Stack) RedisAddr() string { return s.redisAddr }

func (s *Stack) start(name, admin string, args ...string) *proctest.Proc {
	s.t.Helper()
	return s.startEnv(name, admin, nil, args...)
}

func (s *Stack) startEnv(name, admin string, env []string, args ...string) *proctest.Proc {
	s.t.Helper()
	p := proctest.Start(s.t, filepath.Join(s.Bin, name), env, args...)
	s.waitReady(p, "http://"+admin+"/readyz")
	return p
}

// waitReady polls url for 200.
func (s *Stack) waitReady(p *proctest.Proc, url string) {
	s.t.Helper()
	var code int
	if !testkit.Within(proctest.Timeout, func() bool {
		code, _ = Call(s.t, "GET", url, "", "")
		return code == 200
	}) {
		s.t.Fatalf("%s not ready (%d); output:\n%s", url, code, p.Output())
	}
}

// StartSim (re)starts opend-sim on OpenDAddr: 50 ms pushes, short subscription hold,
// OpenD's frequency limits off so drills are not throttled by the simulator; then
// SimArgs.
func (s *Stack) StartSim() {
	args := append([]string{"-addr", s.OpenDAddr, "-admin-addr", s.OpenDAdmin,
		"-push-interval", "50ms", "-min-sub-hold", "1s", "-seed", "7", "-freq-limits", "off",
		"-trade-password-file", s.PasswordFile}, s.SimArgs...)
	s.Sim = s.start("opend-sim", s.OpenDAdmin, args...)
}

// StartAuth (re)starts auth; it keeps the bootstrap admin and service key files valid.
func (s *Stack) StartAuth() {
	s.Auth = s.start("auth", s.AuthAdmin, "-grpc-addr", s.listen("auth", s.AuthAddr), "-admin-addr", s.AuthAdmin,
		"-redis-addr", s.redisAddr, "-bootstrap-admin-file", s.AdminKeyFile,
		"-bootstrap-service-file", s.ServiceKeyFile)
}

// StartQuote (re)starts quote on QuoteAddr.
func (s *Stack) StartQuote() {
	s.Quote = s.start("quote", s.QuoteAdmin, "-grpc-addr", s.listen("quote", s.QuoteAddr), "-admin-addr", s.QuoteAdmin,
		"-opend-addr", s.OpenDAddr, "-auth-addr", s.link("auth", s.AuthAddr), "-redis-addr", s.redisAddr,
		"-min-sub-hold", "1s")
}

// StartOrder (re)starts order on OrderAddr. The 3 s shutdown deadline keeps a
// regression short: the SIGTERM drill fails if the graceful stop had to be forced.
func (s *Stack) StartOrder() {
	s.Order = s.startEnv("order", s.OrderAdmin, s.OrderEnv, "-grpc-addr", s.listen("order", s.OrderAddr),
		"-admin-addr", s.OrderAdmin, "-opend-addr", s.OpenDAddr, "-auth-addr", s.link("auth", s.AuthAddr),
		"-quote-addr", s.link("quote", s.QuoteAddr), "-redis-addr", s.redisAddr, "-service-key-file", s.ServiceKeyFile,
		"-trade-password-file", s.PasswordFile, "-shutdown-timeout", "3s")
}

// Edge is one running edge process.
type Edge struct {
	Addr string
	Base string // http://Addr
	Proc *proctest.Proc
}

// StartEdge starts an edge on addr ("" = a free port) and waits until it is ready and
// its quote push stream is connected.
func (s *Stack) StartEdge(addr string, extra ...string) *Edge {
	s.t.Helper()
	if addr == "" {
		addr = FreeAddr(s.t)
	}
	args := append([]string{"-http-addr", addr, "-auth-addr", s.link("auth", s.AuthAddr),
		"-quote-addr", s.link("quote", s.QuoteAddr), "-order-addr", s.link("order", s.OrderAddr),
		"-redis-addr", s.redisAddr, "-service-key-file", s.ServiceKeyFile,
		"-shutdown-timeout", "5s"}, extra...)
	p := proctest.Start(s.t, filepath.Join(s.Bin, "edge"), nil, args...)
	e := &Edge{Addr: addr, Base: "http://" + addr, Proc: p}
	s.waitReady(p, e.Base+"/readyz")
	p.WaitLog(func(r proctest.Record) bool {
		return r.Msg() == "push stream connected" && r.Str("stream") == "quote"
	})
	return e
}

// Kill sends SIGKILL and reaps the process.
func Kill(t testing.TB, p *proctest.Proc) {
	t.Helper()
	p.Signal(syscall.SIGKILL)
	p.Wait()
}

// Stop sends SIGTERM and expects a clean exit.
func Stop(t testing.TB, p *proctest.Proc) {
	t.Helper()
	p.Signal(syscall.SIGTERM)
	if code := p.Wait(); code != 0 {
		t.Fatalf("%s exited %d after SIGTERM; output:\n%s", p, code, p.Output())
	}
}

// IssueKey mints a key through AuthService.IssueKey with the bootstrap admin key and
// returns its plaintext.
func (s *Stack) IssueKey(id string, scopes ...string) string {
	s.t.Helper()
	return s.IssueKeyWithLimits(id, nil, scopes...)
}

// IssueKeyWithLimits is IssueKey for a key with limits.
func (s *Stack) IssueKeyWithLimits(id string, limits *gatewayv1.KeyLimits, scopes ...string) string {
	s.t.Helper()
	cc, err := grpc.NewClient(s.AuthAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		s.t.Fatal(err)
	}
	defer cc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+s.AdminKey)
	resp, err := gatewayv1.NewAuthServiceClient(cc).IssueKey(ctx, &gatewayv1.IssueKeyRequest{
		Id: id, Scopes: scopes, Limits: limits, ExpiresIn: "1h",
	})
	if err != nil {
		s.t.Fatalf("IssueKey %s: %v", id, err)
	}
	return resp.GetKey()
}
