package main

import (
	"fmt"
	"path/filepath"
)

// proc is one process of the stack: its binary, flags and readiness URL.
type proc struct {
	Name  string
	Args  []string
	Ready string // polled until 200
	Files []string
}

// stackConfig is what varies between runs: where binaries and state live, and the
// upstream addresses (a real OpenD, an external Redis), and the stack's own ports.
type stackConfig struct {
	BinDir    string
	StateDir  string
	RedisAddr string
	OpenDAddr string // "" = start opend-sim
	PanelDir  string // the built web panel
	Ports     stackPorts
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
func (c stackConfig) listen(service string, port int) string {
	return loopback(port) + "," + c.socket(service)
}

// readyz is the readiness URL on an admin port.
func readyz(port int) string { return "http://" + loopback(port) + "/readyz" }

// panelURL is where the browser finds the panel.
func (c stackConfig) panelURL() string { return fmt.Sprintf("http://localhost:%d", c.Ports.Edge) }

// procs lists the stack in start order. auth comes before quote, order and edge
// because it writes the service key they read.
func (c stackConfig) procs() []proc {
	p := c.Ports
	opend := c.OpenDAddr
	var ps []proc
	if opend == "" {
		opend = loopback(p.OpenD)
		ps = append(ps, proc{Name: "opend-sim", Args: []string{
			"-addr", opend, "-admin-addr", loopback(p.OpenDAdmin),
			"-trade-password-file", c.file("trade-password"),
		}, Ready: readyz(p.OpenDAdmin)})
	}
	ps = append(ps,
		proc{Name: "auth", Args: []string{
			"-grpc-addr", c.listen("auth", p.Auth), "-admin-addr", loopback(p.AuthAdmin), "-redis-addr", c.RedisAddr,
			"-bootstrap-admin-file", c.file("admin.key"), "-bootstrap-service-file", c.file("service.key"),
		}, Ready: readyz(p.AuthAdmin), Files: []string{c.file("admin.key"), c.file("service.key")}},
		proc{Name: "quote", Args: []string{
			"-grpc-addr", c.listen("quote", p.Quote), "-admin-addr", loopback(p.QuoteAdmin), "-opend-addr", opend,
			"-auth-addr", c.socket("auth"), "-redis-addr", c.RedisAddr,
		}, Ready: readyz(p.QuoteAdmin)},
		proc{Name: "order", Args: []string{
			"-grpc-addr", c.listen("order", p.Order), "-admin-addr", loopback(p.OrderAdmin), "-opend-addr", opend,
			"-auth-addr", c.socket("auth"), "-quote-addr", c.socket("quote"), "-redis-addr", c.RedisAddr,
			"-service-key-file", c.file("service.key"), "-trade-password-file", c.file("trade-password"),
		}, Ready: readyz(p.OrderAdmin)},
		proc{Name: "edge", Args: []string{
			"-http-addr", loopback(p.Edge), "-auth-addr", c.socket("auth"), "-quote-addr", c.socket("quote"),
			"-order-addr", c.socket("order"), "-redis-addr", c.RedisAddr,
			"-service-key-file", c.file("service.key"), "-panel-dir", c.PanelDir,
		}, Ready: readyz(p.Edge)},
	)
	return ps
}
