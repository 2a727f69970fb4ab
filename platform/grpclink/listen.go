package grpclink

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"strings"
	"syscall"
)

// SocketMode is the permission of a Unix socket Listen creates: its owner and group
// may connect, nobody else.
const SocketMode fs.FileMode = 0o660

// UnixPath returns the socket path of a "unix:PATH" or "unix://ABSOLUTE-PATH"
// address (the forms gRPC targets use) and whether addr is one.
func UnixPath(addr string) (string, bool) {
	rest, ok := strings.CutPrefix(addr, "unix:")
	if !ok {
		return "", false
	}
	if p, ok := strings.CutPrefix(rest, "//"); ok {
		rest = p
	}
	return rest, true
}

// Listen listens on addr: "host:port" for TCP, or "unix:PATH" for a Unix socket,
// which on one host skips the TCP stack on every call (docs/benchmarks.md) and is
// reachable only through file permissions (SocketMode). A socket file left by a
// process that died is replaced; one that still answers, or any other file, is an
// error. Closing the listener removes the socket file.
func Listen(addr string) (net.Listener, error) {
	path, ok := UnixPath(addr)
	if !ok {
		return net.Listen("tcp", addr)
	}
	if path == "" {
		return nil, errors.New("unix socket address without a path")
	}
	if err := removeStaleSocket(path); err != nil {
		return nil, err
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(path, SocketMode); err != nil {
		ln.Close()
		return nil, fmt.Errorf("socket permissions: %w", err)
	}
	return ln, nil
}

// removeStaleSocket removes path when it is a socket nobody listens on.
func removeStaleSocket(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.Mode().Type() != fs.ModeSocket {
		return fmt.Errorf("%s exists and is not a socket", path)
	}
	c, err := net.Dial("unix", path)
	if err == nil {
		c.Close()
		return fmt.Errorf("%s: another process is listening on it", path)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		return fmt.Errorf("%s: %w", path, err)
	}
	return os.Remove(path)
}
