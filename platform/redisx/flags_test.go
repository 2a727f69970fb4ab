package redisx

import (
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/futugw/gateway/platform/config"
	"github.com/futugw/gateway/platform/testkit/redistest"
)

func TestRegisterFlags(t *testing.T) {
	t.Setenv("REDIS_ADDR", "10.0.0.1:6379,10.0.0.2:6379")
	t.Setenv("REDIS_MASTER_NAME", "futugw")
	fs := flag.NewFlagSet("svc", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	o := RegisterFlags(fs)
	if err := config.Parse(fs, []string{"-redis-password-file", "/run/secrets/redis"}); err != nil {
		t.Fatal(err)
	}
	want := Options{Addrs: "10.0.0.1:6379,10.0.0.2:6379", MasterName: "futugw", PasswordFile: "/run/secrets/redis"}
	if *o != want {
		t.Fatalf("options = %+v, want %+v", *o, want)
	}
}

// A password-protected Redis answers with the password file's password, and a
// missing password fails the readiness check with Redis's own NOAUTH.
func TestPasswordFile(t *testing.T) {
	const pw = "s3cret with spaces "
	addr := redistest.StartWithPassword(t, pw)
	file := filepath.Join(t.TempDir(), "redis.pw")
	if err := os.WriteFile(file, []byte(pw+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	rdb, err := New(Options{Addrs: addr, PasswordFile: file})
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	if err := Check(rdb)(ctx); err != nil {
		t.Fatalf("with the password file: %v", err)
	}

	anon, err := New(Options{Addrs: addr})
	if err != nil {
		t.Fatal(err)
	}
	defer anon.Close()
	if err := Check(anon)(ctx); err == nil || !strings.Contains(err.Error(), "NOAUTH") {
		t.Fatalf("without a password: %v; want NOAUTH", err)
	}

	if _, err := New(Options{Addrs: addr, PasswordFile: filepath.Join(t.TempDir(), "missing")}); err == nil {
		t.Fatal("a missing password file must fail New")
	}
}

func TestResolve(t *testing.T) {
	file := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(file, []byte("pw \r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	o := Options{Addrs: "127.0.0.1:6379", PasswordFile: file}
	if err := o.Resolve(); err != nil || o.Password != "pw " {
		t.Fatalf("Resolve: password %q, %v; want %q", o.Password, err, "pw ")
	}
	missing := Options{PasswordFile: filepath.Join(t.TempDir(), "missing")}
	if err := missing.Resolve(); err == nil || !strings.Contains(err.Error(), "-redis-password-file") {
		t.Fatalf("Resolve(missing file) = %v; want an error naming -redis-password-file", err)
	}
}
