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
	"sync"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/localstack"
	"github.com/futugw/gateway/platform/secret"
	"github.com/futugw/gateway/platform/testkit"
	"github.com/futugw/gateway/platform/testkit/proctest"
	"github.com/futugw/gateway/platform/testkit/redistest"
)

// packages are the main packages of the stack's binaries; go build names each binary
// after its package's last path element (opend-sim, auth, ..., hopfloor).
var packages = []string{
	"github.com/futugw/gateway/opend/cmd/opend-sim",
	"github.com/futugw/gateway/services/auth/cmd/auth",
	"github.com/futugw/gateway/services/quote/cmd/quote",
	"github.com/futugw/gateway/services/order/cmd/order",
	"github.com/futugw/gateway/services/edge/cmd/edge",
	"github.com/futugw/gateway/bench/cmd/hopfloor",
}

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// Build compiles every binary once per test binary run (into a temp dir removed by
// Cleanup) and returns their directory. The workspace's go.work resolves the packages.
func Build(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		if binDir, buildErr = os.MkdirTemp("", "futugw-drills-bin-"); buildErr != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		out, err := exec.CommandContext(ctx, "go", append([]string{"build", "-o", binDir + "/"}, packages...)...).CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
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

	Redis *redistest.Server

	// Stack holds the addresses and Dir, the files the processes share; with
	// StartUnix, SockDir holds the sockets the services listen on besides TCP and
	// that the internal links use, as `make run` does.
	localstack.Stack

	Sim, Auth, Quote, Order *proctest.Proc
	AdminKey                string

	// SimArgs follow opend-sim's default arguments on every (re)start; a flag given
	// again there wins (a slower -push-interval, -extra-securities, ...).
	SimArgs []string
	// OrderEnv is added to the order service's environment on every (re)start.
	OrderEnv []string
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
	s := &Stack{t: t, Bin: Build(t), SimArgs: simArgs}
	s.Dir = t.TempDir()
	if unix {
		s.SockDir = proctest.SocketDir(t)
		s.Redis, s.RedisAddr = redistest.StartUnix(t)
	} else {
		s.Redis = redistest.StartServer(t)
		s.RedisAddr = s.Redis.Addr()
	}
	s.OpenDAddr, s.OpenDAdmin = FreeAddr(t), FreeAddr(t)
	s.AuthAddr, s.AuthAdmin = FreeAddr(t), FreeAddr(t)
	s.QuoteAddr, s.QuoteAdmin = FreeAddr(t), FreeAddr(t)
	s.OrderAddr, s.OrderAdmin = FreeAddr(t), FreeAddr(t)
	if err := os.WriteFile(s.PasswordFile(), []byte("drill-password\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s.StartSim()
	s.StartAuth()
	var err error
	if s.AdminKey, err = secret.ReadFile(s.AdminKeyFile()); err != nil {
		t.Fatal(err)
	}
	s.StartQuote()
	s.StartOrder()
	return s
}

// start runs the binary name and waits until /readyz on admin answers 200.
func (s *Stack) start(name, admin string, env []string, args ...string) *proctest.Proc {
	s.t.Helper()
	p := proctest.Start(s.t, filepath.Join(s.Bin, name), env, args...)
	url := "http://" + admin + "/readyz"
	var code int
	if !testkit.Within(proctest.Timeout, func() bool {
		code, _ = Call(s.t, "GET", url, "", "")
		return code == 200
	}) {
		s.t.Fatalf("%s not ready (%d); output:\n%s", url, code, p.Output())
	}
	return p
}

// StartSim (re)starts opend-sim on OpenDAddr: 50 ms pushes, short subscription hold,
// OpenD's frequency limits off so drills are not throttled by the simulator, the
// generated universe only; then SimArgs.
func (s *Stack) StartSim() {
	// The load figures are for the generated universe: -kinds would walk some 300
	// more securities (options, warrants, futures) in the same process.
	args := append(s.SimFlags(), "-push-interval", "50ms", "-min-sub-hold", "1s", "-seed", "7",
		"-freq-limits", "off", "-kinds=false")
	s.Sim = s.start("opend-sim", s.OpenDAdmin, nil, append(args, s.SimArgs...)...)
}

// StartAuth (re)starts auth; it keeps the bootstrap admin and service key files valid.
func (s *Stack) StartAuth() { s.Auth = s.start("auth", s.AuthAdmin, nil, s.AuthFlags()...) }

// StartQuote (re)starts quote on QuoteAddr.
func (s *Stack) StartQuote() {
	s.Quote = s.start("quote", s.QuoteAdmin, nil, append(s.QuoteFlags(), "-min-sub-hold", "1s")...)
}

// StartOrder (re)starts order on OrderAddr. The 3 s shutdown deadline keeps a
// regression short: the SIGTERM drill fails if the graceful stop had to be forced.
func (s *Stack) StartOrder() {
	s.Order = s.start("order", s.OrderAdmin, s.OrderEnv, append(s.OrderFlags(), "-shutdown-timeout", "3s")...)
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
	args := append(s.EdgeFlags(addr), "-shutdown-timeout", "5s")
	p := s.start("edge", addr, nil, append(args, extra...)...)
	e := &Edge{Addr: addr, Base: "http://" + addr, Proc: p}
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
