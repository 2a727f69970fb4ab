package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/testkit"
	"github.com/futugw/gateway/platform/testkit/proctest"
	"github.com/futugw/gateway/platform/testkit/redistest"
)

// revocationBound is the promise: a revoked key fails everywhere within 1 s.
const revocationBound = time.Second

func startAuth(t *testing.T, bin, redisAddr string, extra ...string) (*proctest.Proc, string) {
	args := append([]string{"-grpc-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0"}, extra...)
	p := proctest.Start(t, bin, []string{"REDIS_ADDR=" + redisAddr}, args...)
	addr := p.Addr("grpc")
	proctest.WaitGRPCServing(t, addr, "")
	return p, addr
}

type cliResult struct {
	code           int
	stdout, stderr string
}

func futucli(t *testing.T, bin, addr, key string, args ...string) cliResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "FUTUGW_AUTH_ADDR="+addr, "FUTUGW_KEY="+key, "FUTUGW_KEY_FILE=")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	code := 0
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("futucli %v: %v", args, err)
	}
	return cliResult{code, out.String(), errb.String()}
}

func whoami(addr, key string) error {
	cc, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer cc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+key)
	_, err = gatewayv1.NewAuthServiceClient(cc).WhoAmI(ctx, &gatewayv1.WhoAmIRequest{})
	return err
}

// TestTwoProcessesAndCLI runs two auth binaries on one Redis and drives them with the
// futucli binary: bootstrap, gen-key, list/show, session, revocation seen by both.
func TestTwoProcessesAndCLI(t *testing.T) {
	redisAddr := redistest.Start(t)
	authBin := proctest.Build(t, ".")
	cliBin := proctest.Build(t, "../futucli")
	bootFile := filepath.Join(t.TempDir(), "admin.key")
	svcFile := filepath.Join(t.TempDir(), "service.key")

	a, addrA := startAuth(t, authBin, redisAddr, "-bootstrap-admin-file", bootFile, "-bootstrap-service-file", svcFile)
	b, addrB := startAuth(t, authBin, redisAddr)
	a.WaitLog(func(r proctest.Record) bool {
		return r.Msg() == "bootstrap key written" && r.Str("kind") == "admin" && r.Str("path") == bootFile
	})
	raw, err := os.ReadFile(bootFile)
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(bootFile); fi.Mode().Perm() != 0o600 {
		t.Errorf("bootstrap file mode %v", fi.Mode().Perm())
	}
	admin := strings.TrimSpace(string(raw))

	// The service key exists too, carries only the service scope, and is no admin.
	a.WaitLog(func(r proctest.Record) bool {
		return r.Msg() == "bootstrap key written" && r.Str("kind") == "service" && r.Str("path") == svcFile
	})
	rawSvc, err := os.ReadFile(svcFile)
	if err != nil {
		t.Fatal(err)
	}
	svcKey := strings.TrimSpace(string(rawSvc))
	if res := futucli(t, cliBin, addrA, svcKey, "whoami", "--json"); res.code != 0 || !strings.Contains(res.stdout, `"service"`) || strings.Contains(res.stdout, `"admin"`) {
		t.Errorf("service key whoami = %+v", res)
	}
	if res := futucli(t, cliBin, addrA, svcKey, "list-keys"); res.code == 0 {
		t.Errorf("service key listed keys: %+v", res)
	}

	// Bad flags exit 2 and change nothing; so does a key without a chosen lifetime.
	before := futucli(t, cliBin, addrA, admin, "list-keys", "--json")
	for _, tc := range []struct {
		args []string
		want string // in stderr
	}{
		{[]string{"gen-key", "--id", "bad", "--scopes", "qot:read", "--allowed-markets", "EU", "--expires", "1h"}, "--allowed-markets"},
		{[]string{"gen-key", "--id", "bad", "--scopes", "trade:real", "--expires", "never"}, "--allow-long-lived-real"},
		{[]string{"gen-key", "--id", "bad", "--nope"}, "not defined: -nope"},
		{[]string{"gen-key", "--id", "bad", "--scopes", "qot:read"}, "--expires is required"},
		{[]string{"gen-key", "--id", "bad", "--scopes", "qot:read", "--expires", ""}, "--expires never"},
	} {
		if r := futucli(t, cliBin, addrA, admin, tc.args...); r.code != 2 || !strings.Contains(r.stderr, tc.want) || r.stdout != "" {
			t.Errorf("futucli %v = %+v, want exit 2 with %q", tc.args, r, tc.want)
		}
	}
	if after := futucli(t, cliBin, addrA, admin, "list-keys", "--json"); after.code != 0 || after.stdout != before.stdout ||
		strings.Contains(after.stdout, `"bad"`) {
		t.Errorf("bad flags changed the key list:\n%s\n%s", before.stdout, after.stdout)
	}
	if r := futucli(t, cliBin, addrA, admin, "show-key", "bad"); r.code != 1 || !strings.Contains(r.stderr, "NotFound") {
		t.Errorf("a refused gen-key minted a key: %+v", r)
	}

	// A key that never expires is asked for by name and has no expiry.
	r := futucli(t, cliBin, addrA, admin, "gen-key", "--id", "forever", "--scopes", "qot:read", "--expires", "never", "--json")
	if r.code != 0 {
		t.Fatalf("gen-key --expires never: %+v", r)
	}
	if show := futucli(t, cliBin, addrB, admin, "show-key", "forever"); show.code != 0 || !strings.Contains(show.stdout, "never") {
		t.Errorf("show-key of a key without expiry = %+v", show)
	}
	var forever struct {
		Key  string `json:"key"`
		Info struct {
			ExpiresAt string `json:"expires_at"`
		} `json:"info"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &forever); err != nil || forever.Info.ExpiresAt != "" || whoami(addrB, forever.Key) != nil {
		t.Errorf("gen-key --expires never = %q (%v)", r.stdout, err)
	}
	if r := futucli(t, cliBin, addrA, admin, "revoke-key", "forever"); r.code != 0 {
		t.Errorf("revoke-key forever = %+v", r)
	}

	r = futucli(t, cliBin, addrA, admin, "gen-key", "--id", "e2e", "--scopes", "qot:read,acc:read",
		"--allowed-markets", "HK", "--max-orders-per-minute", "10", "--expires", "1h", "--note", "e2e test", "--json")
	if r.code != 0 {
		t.Fatalf("gen-key: %+v", r)
	}
	var issued struct {
		Key  string `json:"key"`
		Info struct {
			ID string `json:"id"`
		} `json:"info"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &issued); err != nil || issued.Info.ID != "e2e" || !strings.HasPrefix(issued.Key, "fk_") {
		t.Fatalf("gen-key output %q: %v", r.stdout, err)
	}
	user := issued.Key
	if r := futucli(t, cliBin, addrB, admin, "gen-key", "--id", "e2e", "--scopes", "qot:read", "--expires", "1h"); r.code != 1 || !strings.Contains(r.stderr, "already_exists") {
		t.Errorf("duplicate id = %+v", r)
	}

	list := futucli(t, cliBin, addrB, admin, "list-keys", "--json")
	if list.code != 0 || !strings.Contains(list.stdout, `"e2e"`) || strings.Contains(list.stdout, user) {
		t.Errorf("list-keys = %+v", list)
	}
	if show := futucli(t, cliBin, addrA, admin, "show-key", "e2e"); show.code != 0 || !strings.Contains(show.stdout, "e2e test") {
		t.Errorf("show-key = %+v", show)
	}
	if who := futucli(t, cliBin, addrB, user, "whoami", "--json"); who.code != 0 || !strings.Contains(who.stdout, `"id":"e2e"`) {
		t.Errorf("whoami = %+v", who)
	}
	if r := futucli(t, cliBin, addrA, user, "list-keys"); r.code != 1 || !strings.Contains(r.stderr, "PermissionDenied") {
		t.Errorf("list-keys with a non-admin key = %+v", r)
	}
	sess := futucli(t, cliBin, addrA, user, "session", "--scopes", "qot:read", "--json")
	var sr struct {
		Key      string `json:"key"`
		PanelURL string `json:"panel_url"`
	}
	if err := json.Unmarshal([]byte(sess.stdout), &sr); err != nil || sess.code != 0 ||
		sr.PanelURL != "http://localhost:22222/#session="+sr.Key {
		t.Fatalf("session = %+v (%v)", sess, err)
	}

	// Both processes cache the keys...
	for _, addr := range []string{addrA, addrB, addrA, addrB} {
		for _, k := range []string{user, sr.Key} {
			if err := whoami(addr, k); err != nil {
				t.Fatalf("whoami at %s: %v", addr, err)
			}
		}
	}
	// ...and both drop them within the bound after a revoke through one of them.
	if r := futucli(t, cliBin, addrA, admin, "revoke-key", "e2e"); r.code != 0 {
		t.Fatalf("revoke-key = %+v", r)
	}
	revoked := time.Now()
	for _, addr := range []string{addrA, addrB} {
		for _, k := range []string{user, sr.Key} {
			testkit.EventuallyNil(t, time.Until(revoked.Add(revocationBound)), "the revoked key refused at "+addr, func() error {
				if err := whoami(addr, k); status.Code(err) != codes.Unauthenticated || !strings.Contains(err.Error(), "revoked") {
					return fmt.Errorf("still accepted: %v", err)
				}
				return nil
			})
		}
	}
	t.Logf("revocation seen by both processes after %v", time.Since(revoked))
	if r := futucli(t, cliBin, addrA, admin, "show-key", "e2e"); r.code != 1 || !strings.Contains(r.stderr, "NotFound") {
		t.Errorf("show-key after revoke = %+v", r)
	}

	// A restart keeps the still-valid bootstrap key.
	a.Signal(syscall.SIGTERM)
	b.Signal(syscall.SIGTERM)
	for _, p := range []*proctest.Proc{a, b} {
		if code := p.Wait(); code != 0 {
			t.Errorf("exit %d: %s", code, p.Output())
		}
		if out := p.Output(); strings.Contains(out, user) || strings.Contains(out, admin) || strings.Contains(out, sr.Key) {
			t.Error("a key's plaintext appeared in the logs")
		}
	}
	a2, _ := startAuth(t, authBin, redisAddr, "-bootstrap-admin-file", bootFile)
	a2.WaitLog(func(r proctest.Record) bool {
		return r.Msg() == "bootstrap key still valid" && r.Str("kind") == "admin"
	})
	if raw2, _ := os.ReadFile(bootFile); string(raw2) != string(raw) {
		t.Error("a valid bootstrap key was replaced")
	}
}
