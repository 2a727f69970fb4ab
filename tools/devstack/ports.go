package main

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
)

// stackPorts are the loopback TCP ports of the local stack.
type stackPorts struct {
	Edge, Auth, Quote, Order          int // the edge's HTTP; the services' gRPC
	SDK                               int // the edge's listener for Futu's JavaScript SDK
	AuthAdmin, QuoteAdmin, OrderAdmin int // /readyz, /metrics
	OpenD, OpenDAdmin                 int // opend-sim, when it is started
}

// portBaseCount is how many consecutive ports -port-base takes.
const portBaseCount = 10

// defaultPorts are the documented product ports, the same numbers docker-compose.yml
// and the README use.
func defaultPorts() stackPorts {
	return stackPorts{Edge: 22222, Auth: 50051, Quote: 50052, Order: 50053,
		AuthAdmin: 9101, QuoteAdmin: 9102, OrderAdmin: 9103, OpenD: 11111, OpenDAdmin: 9111, SDK: 33333}
}

// portsFrom returns the default ports for base 0, else portBaseCount consecutive
// ports from base, so a second stack (a test's) can run beside make run's.
func portsFrom(base int) (stackPorts, error) {
	if base == 0 {
		return defaultPorts(), nil
	}
	if base < 1024 || base+portBaseCount-1 > 65535 {
		return stackPorts{}, fmt.Errorf("port base %d: want 1024..%d", base, 65535-portBaseCount+1)
	}
	return stackPorts{Edge: base, Auth: base + 1, Quote: base + 2, Order: base + 3,
		AuthAdmin: base + 4, QuoteAdmin: base + 5, OrderAdmin: base + 6,
		OpenD: base + 7, OpenDAdmin: base + 8, SDK: base + 9}, nil
}

func loopback(port int) string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(port)) }

// namedPort is one port of the stack and what listens on it.
type namedPort struct {
	Port int
	What string
}

// tcpPorts lists the ports this run will listen on: opend-sim's only when it is started.
func (c stackConfig) tcpPorts() []namedPort {
	p := c.Ports
	var ps []namedPort
	if c.OpenDAddr == "" {
		ps = append(ps, namedPort{p.OpenD, "opend-sim"}, namedPort{p.OpenDAdmin, "opend-sim admin"})
	}
	return append(ps,
		namedPort{p.Auth, "auth"}, namedPort{p.AuthAdmin, "auth admin"},
		namedPort{p.Quote, "quote"}, namedPort{p.QuoteAdmin, "quote admin"},
		namedPort{p.Order, "order"}, namedPort{p.OrderAdmin, "order admin"},
		namedPort{p.Edge, "edge"}, namedPort{p.SDK, "edge sdk"})
}

// checkPortsFree binds each port the way the services will and names what holds the
// ones that are taken. Checking before anything starts matters: a process of another
// stack would otherwise answer this stack's readiness probes.
func checkPortsFree(ports []namedPort) error {
	var taken []string
	for _, p := range ports {
		l, err := net.Listen("tcp", loopback(p.Port))
		if err == nil {
			l.Close()
			continue
		}
		taken = append(taken, fmt.Sprintf("port %d (%s) is taken by %s", p.Port, p.What, describeHolder(p.Port)))
	}
	const hint = `is another "make run" running? stop it first (or give this stack other ports with -port-base)`
	switch len(taken) {
	case 0:
		return nil
	case 1:
		return errors.New(taken[0] + ": " + hint)
	}
	return fmt.Errorf("%d ports of the stack are taken:\n  %s\n%s", len(taken), strings.Join(taken, "\n  "), hint)
}

// describeHolder is "pid 1234 (edge)", or "another process" when /proc does not tell.
func describeHolder(port int) string {
	if pid, name, ok := portHolder(port); ok {
		return fmt.Sprintf("pid %d (%s)", pid, name)
	}
	return "another process"
}
