// Package nettest holds network helpers for tests.
package nettest

import (
	"net"
	"sync"
	"sync/atomic"
	"testing"
)

// Blackhole is a TCP proxy to a target that, once frozen, swallows every byte both
// ways and closes nothing: how a peer that vanished without a FIN (a host gone, a
// dropped NAT entry) looks to the other side, whose writes still succeed.
type Blackhole struct {
	ln     net.Listener
	frozen atomic.Bool
	mu     sync.Mutex
	conns  []net.Conn
	wg     sync.WaitGroup
}

// StartBlackhole proxies a loopback port to target until the test ends.
func StartBlackhole(t testing.TB, target string) *Blackhole {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &Blackhole{ln: ln}
	b.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			u, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			b.mu.Lock()
			b.conns = append(b.conns, c, u)
			b.mu.Unlock()
			b.wg.Go(func() { b.pipe(u, c) })
			b.wg.Go(func() { b.pipe(c, u) })
		}
	})
	t.Cleanup(b.Close)
	return b
}

// Addr is the proxy's address.
func (b *Blackhole) Addr() string { return b.ln.Addr().String() }

// Freeze stops forwarding, on every connection, for good.
func (b *Blackhole) Freeze() { b.frozen.Store(true) }

// Close closes the proxy and its connections and waits for its goroutines.
func (b *Blackhole) Close() {
	b.ln.Close()
	b.mu.Lock()
	for _, c := range b.conns {
		c.Close()
	}
	b.mu.Unlock()
	b.wg.Wait()
}

func (b *Blackhole) pipe(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 && !b.frozen.Load() {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
