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
			"-grpc-addr", authAddr, "-admin-addr", "127.0.0.1:9101", "-redis-addr", c.RedisAddr,
			"-bootstrap-admin-file", c.file("admin.key"), "-bootstrap-service-file", c.file("service.key"),
		}, Ready: "http://127.0.0.1:9101/readyz", Files: []string{c.file("admin.key"), c.file("service.key")}},
		proc{Name: "quote", Args: []string{
			"-grpc-addr", quoteAddr, "-admin-addr", "127.0.0.1:9102", "-opend-addr", opend,
			"-auth-addr", authAddr, "-redis-addr", c.RedisAddr,
		}, Ready: "http://127.0.0.1:9102/readyz"},
		proc{Name: "order", Args: []string{
			"-grpc-addr", orderAddr, "-admin-addr", "127.0.0.1:9103", "-opend-addr", opend,
			"-auth-addr", authAddr, "-quote-addr", quoteAddr, "-redis-addr", c.RedisAddr,
			"-service-key-file", c.file("service.key"), "-trade-password-file", c.file("trade-password"),
		}, Ready: "http://127.0.0.1:9103/readyz"},
		proc{Name: "edge", Args: []string{
			"-http-addr", edgeAddr, "-auth-addr", authAddr, "-quote-addr", quoteAddr,
			"-order-addr", orderAddr, "-redis-addr", c.RedisAddr,
			"-service-key-file", c.file("service.key"), "-panel-dir", c.PanelDir,
		}, Ready: "http://" + edgeAddr + "/readyz"},
	)
	return ps
}

func (p proc) String() string { return fmt.Sprintf("%s %v", p.Name, p.Args) }
