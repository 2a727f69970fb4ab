package main

import (
	"fmt"
	"path/filepath"
)

// Ports of the local stack: the same numbers docker-compose.yml and the README use.
const (
	opendAddr      = "127.0.0.1:11111"
	opendAdminAddr = "127.0.0.1:9111"
	authAddr       = "127.0.0.1:50051"
	quoteAddr      = "127.0.0.1:50052"
	orderAddr      = "127.0.0.1:50053"
	edgeAddr       = "127.0.0.1:22222"
)

// proc is one process of the stack: its binary, flags and readiness URL.
type proc struct {
	Name  string
	Args  []string
	Ready string // polled until 200
	Files []string
}

// stackConfig is what varies between runs: where binaries and state live, and the
// upstream addresses (a real OpenD, an external Redis).
type stackConfig struct {
	BinDir    string
	StateDir  string
	RedisAddr string
	OpenDAddr string // "" = start opend-sim
	PanelDir  string // the built web panel
}

func (c stackConfig) file(name string) string { return filepath.Join(c.StateDir, name) }

// socket is the Unix socket of one service's gRPC server. The services listen on it
// besides their TCP port, and the stack's internal calls use it: on one host a call
// then skips the TCP stack (docs/benchmarks.md); tools keep the TCP ports. The path
// stays relative to the working directory when StateDir is, because socket paths are
// limited to about 100 bytes.
func (c stackConfig) socket(service string) string {
	return "unix:" + filepath.Join(c.StateDir, "sock", service+".sock")
}

// listen is the -grpc-addr of a service: its TCP address and its socket.
func (c stackConfig) listen(service, tcp string) string { return tcp + "," + c.socket(service) }

// procs lists the stack in start order. auth comes before quote, order and edge
// because it writes the service key they read.
func (c stackConfig) procs() []proc {
	opend := c.OpenDAddr
	var ps []proc
	if opend == "" {
		opend = opendAddr
		ps = append(ps, proc{Name: "opend-sim", Args: []string{
			"-addr", opendAddr, "-admin-addr", opendAdminAddr,
			"-trade-password-file", c.file("trade-password"),
		}, Ready: "http://" + opendAdminAddr + "/readyz"})
	}
	ps = append(ps,
		proc{Name: "auth", Args: []string{
			"-grpc-addr", c.listen("auth", authAddr), "-admin-addr", "127.0.0.1:9101", "-redis-addr", c.RedisAddr,
			"-bootstrap-admin-file", c.file("admin.key"), "-bootstrap-service-file", c.file("service.key"),
		}, Ready: "http://127.0.0.1:9101/readyz", Files: []string{c.file("admin.key"), c.file("service.key")}},
		proc{Name: "quote", Args: []string{
			"-grpc-addr", c.listen("quote", quoteAddr), "-admin-addr", "127.0.0.1:9102", "-opend-addr", opend,
			"-auth-addr", c.socket("auth"), "-redis-addr", c.RedisAddr,
		}, Ready: "http://127.0.0.1:9102/readyz"},
		proc{Name: "order", Args: []string{
			"-grpc-addr", c.listen("order", orderAddr), "-admin-addr", "127.0.0.1:9103", "-opend-addr", opend,
			"-auth-addr", c.socket("auth"), "-quote-addr", c.socket("quote"), "-redis-addr", c.RedisAddr,
			"-service-key-file", c.file("service.key"), "-trade-password-file", c.file("trade-password"),
		}, Ready: "http://127.0.0.1:9103/readyz"},
		proc{Name: "edge", Args: []string{
			"-http-addr", edgeAddr, "-auth-addr", c.socket("auth"), "-quote-addr", c.socket("quote"),
			"-order-addr", c.socket("order"), "-redis-addr", c.RedisAddr,
			"-service-key-file", c.file("service.key"), "-panel-dir", c.PanelDir,
		}, Ready: "http://" + edgeAddr + "/readyz"},
	)
	return ps
}

func (p proc) String() string { return fmt.Sprintf("%s %v", p.Name, p.Args) }
