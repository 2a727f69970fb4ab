package proctest

import (
	"os"
	"testing"
)

// SocketDir returns a new directory for Unix sockets, removed when the test ends. It
// is short, unlike t.TempDir's: a socket path must fit in about 100 bytes.
func SocketDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "sock")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}
