// Package grpclink holds the options of the gateway's internal gRPC links (edge to
// auth, quote and order; order and quote to auth): plaintext, since TLS ends at the
// proxy in front of the edge and the services listen on the internal network; fixed
// HTTP/2 flow-control windows; keepalive pings on quiet links; and the listener of
// such a link, TCP or, for services on one host, a Unix socket.
//
// Why fixed windows: with the default dynamic windows each side of a connection
// estimates the bandwidth-delay product by sending a PING whenever data arrives
// and no estimate is in flight, so on a link carrying one small call at a time
// every call costs two extra frames, each waking the peer to answer, which shows on
// the order path's CPU and tail (docs/benchmarks.md). Inside one host or data centre
// the windows below are far above the bandwidth-delay product, so the estimate would
// buy nothing.
package grpclink

import (
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/keepalive"
)

// Window sizes, in bytes: per stream, and per connection (all streams together).
const (
	StreamWindow = 1 << 20
	ConnWindow   = 8 << 20
)

// Keepalive: a link quiet for keepaliveTime gets a PING, and one unanswered for
// keepaliveTimeout is closed, so a stream whose peer vanished without closing its
// connection (a host gone, a network partition) ends within seconds instead of
// waiting for TCP's own keepalive, minutes later; the edge then tells its sockets
// the upstream is gone and reconnects. Busy links send none: any frame counts. The
// servers accept pings this often (gRPC's default allows one per 5 minutes and
// closes links that ping more).
var (
	keepaliveTime    = 15 * time.Second
	keepaliveTimeout = 5 * time.Second
	minPingInterval  = 10 * time.Second // how often a server lets a client ping
)

// DialOptions are the options of a client on an internal link.
func DialOptions() []grpc.DialOption {
	return []grpc.DialOption{
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithStaticStreamWindowSize(StreamWindow),
		grpc.WithStaticConnWindowSize(ConnWindow),
		grpc.WithKeepaliveParams(keepalive.ClientParameters{Time: keepaliveTime, Timeout: keepaliveTimeout, PermitWithoutStream: true}),
	}
}

// ServerOptions are the options of a server on internal links.
func ServerOptions() []grpc.ServerOption {
	return []grpc.ServerOption{
		grpc.StaticStreamWindowSize(StreamWindow),
		grpc.StaticConnWindowSize(ConnWindow),
		grpc.KeepaliveParams(keepalive.ServerParameters{Time: keepaliveTime, Timeout: keepaliveTimeout}),
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: minPingInterval, PermitWithoutStream: true}),
	}
}
