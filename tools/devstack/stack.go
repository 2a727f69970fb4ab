package main

import (
	"cmp"
	"fmt"
	"path/filepath"

	"github.com/futugw/gateway/platform/localstack"
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

func readyz(port int) string { return "http://" + loopback(port) + "/readyz" }

func (c stackConfig) panelURL() string { return fmt.Sprintf("http://localhost:%d", c.Ports.Edge) }

// sdkURL is where futu-api's ftWebsocket connects: start("localhost", port, false, key).
func (c stackConfig) sdkURL() string { return fmt.Sprintf("ws://localhost:%d", c.Ports.SDK) }

// procs lists the stack in start order. auth comes before quote, order and edge
// because it writes the service key they read. The services also listen on Unix
// sockets under StateDir/sock, and the stack's internal calls use them; the socket
// paths stay relative to the working directory when StateDir is, because socket paths
// are limited to about 100 bytes.
func (c stackConfig) procs() []proc {
	p := c.Ports
	st := localstack.Stack{OpenDAddr: cmp.Or(c.OpenDAddr, loopback(p.OpenD)), OpenDAdmin: loopback(p.OpenDAdmin),
		AuthAddr: loopback(p.Auth), AuthAdmin: loopback(p.AuthAdmin), QuoteAddr: loopback(p.Quote),
		QuoteAdmin: loopback(p.QuoteAdmin), OrderAddr: loopback(p.Order), OrderAdmin: loopback(p.OrderAdmin),
		RedisAddr: c.RedisAddr, Dir: c.StateDir, SockDir: filepath.Join(c.StateDir, "sock"), SDKAddr: loopback(p.SDK)}
	var ps []proc
	if c.OpenDAddr == "" {
		ps = append(ps, proc{Name: "opend-sim", Args: st.SimFlags(), Ready: readyz(p.OpenDAdmin)})
	}
	return append(ps,
		proc{Name: "auth", Args: st.AuthFlags(), Ready: readyz(p.AuthAdmin),
			Files: []string{st.AdminKeyFile(), st.ServiceKeyFile()}},
		proc{Name: "quote", Args: st.QuoteFlags(), Ready: readyz(p.QuoteAdmin)},
		proc{Name: "order", Args: st.OrderFlags(), Ready: readyz(p.OrderAdmin)},
		proc{Name: "edge", Args: append(st.EdgeFlags(loopback(p.Edge)), "-panel-dir", c.PanelDir), Ready: readyz(p.Edge)},
	)
}
