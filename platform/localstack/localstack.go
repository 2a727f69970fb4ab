// Package localstack is the one table of the command lines that run the gateway's
// processes (opend-sim, auth, quote, order, edge) as a stack on one host: devstack's
// `make run` and the drills both start them from here.
package localstack

import "path/filepath"

// Stack is where the processes of one stack listen and find each other.
type Stack struct {
	OpenDAddr, OpenDAdmin string
	AuthAddr, AuthAdmin   string
	QuoteAddr, QuoteAdmin string
	OrderAddr, OrderAdmin string
	RedisAddr             string // where the services reach Redis
	SDKAddr               string // the edge's listener for Futu's JavaScript SDK; "" serves none
	// Dir holds the files the processes share: admin.key and service.key, which auth
	// writes and the others read, and trade-password.
	Dir string
	// SockDir, when set, holds the Unix sockets the services listen on besides TCP and
	// that the stack's internal calls use: on one host a call then skips the TCP stack
	// (docs/benchmarks.md); tools keep the TCP ports.
	SockDir string
}

func (s Stack) AdminKeyFile() string   { return filepath.Join(s.Dir, "admin.key") }
func (s Stack) ServiceKeyFile() string { return filepath.Join(s.Dir, "service.key") }
func (s Stack) PasswordFile() string   { return filepath.Join(s.Dir, "trade-password") }

// link is the address the stack's processes call service on: its socket when
// SockDir is set, else tcp.
func (s Stack) link(service, tcp string) string {
	if s.SockDir == "" {
		return tcp
	}
	return "unix:" + filepath.Join(s.SockDir, service+".sock")
}

// listen is the -grpc-addr of service: tcp, and its socket when SockDir is set.
func (s Stack) listen(service, tcp string) string {
	if s.SockDir == "" {
		return tcp
	}
	return tcp + "," + s.link(service, tcp)
}

func (s Stack) SimFlags() []string {
	return []string{"-addr", s.OpenDAddr, "-admin-addr", s.OpenDAdmin, "-trade-password-file", s.PasswordFile()}
}

func (s Stack) AuthFlags() []string {
	return []string{"-grpc-addr", s.listen("auth", s.AuthAddr), "-admin-addr", s.AuthAdmin,
		"-redis-addr", s.RedisAddr, "-bootstrap-admin-file", s.AdminKeyFile(),
		"-bootstrap-service-file", s.ServiceKeyFile()}
}

func (s Stack) QuoteFlags() []string {
	return []string{"-grpc-addr", s.listen("quote", s.QuoteAddr), "-admin-addr", s.QuoteAdmin,
		"-opend-addr", s.OpenDAddr, "-auth-addr", s.link("auth", s.AuthAddr), "-redis-addr", s.RedisAddr}
}

func (s Stack) OrderFlags() []string {
	return []string{"-grpc-addr", s.listen("order", s.OrderAddr), "-admin-addr", s.OrderAdmin,
		"-opend-addr", s.OpenDAddr, "-auth-addr", s.link("auth", s.AuthAddr),
		"-quote-addr", s.link("quote", s.QuoteAddr), "-redis-addr", s.RedisAddr,
		"-service-key-file", s.ServiceKeyFile(), "-trade-password-file", s.PasswordFile()}
}

// EdgeFlags are the flags of an edge serving HTTP on addr.
func (s Stack) EdgeFlags(addr string) []string {
	return []string{"-http-addr", addr, "-auth-addr", s.link("auth", s.AuthAddr),
		"-quote-addr", s.link("quote", s.QuoteAddr), "-order-addr", s.link("order", s.OrderAddr),
		"-redis-addr", s.RedisAddr, "-service-key-file", s.ServiceKeyFile(), "-sdk-addr", s.SDKAddr}
}
