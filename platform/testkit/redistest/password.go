package redistest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/alicebob/miniredis/v2"
)

// StartWithPassword is Start for a Redis that requires password of every client
// (requirepass; none when empty): a redis-server child process, or miniredis with
// RequireAuth when no binary is installed (unless RequireEnv is set).
func StartWithPassword(t testing.TB, password string) string {
	t.Helper()
	if findBinary() == "" && os.Getenv(RequireEnv) != "1" {
		t.Logf("redistest: redis-server not found; falling back to miniredis")
		m := miniredis.RunT(t)
		if password != "" {
			m.RequireAuth(password)
		}
		return m.Addr()
	}
	return startWith(t, &Server{t: t, bin: requireBinary(t, ""), password: password}).addr
}

// StartWithPasswordFile is StartWithPassword with a password ending in a space, written
// to a file as an editor would (with a trailing newline): a service given the file
// with -redis-password-file must send the password with its space. It returns the
// host:port and the file's path.
func StartWithPasswordFile(t testing.TB) (addr, file string) {
	t.Helper()
	const password = "futugw test password "
	file = filepath.Join(t.TempDir(), "redis.password")
	if err := os.WriteFile(file, []byte(password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return StartWithPassword(t, password), file
}
