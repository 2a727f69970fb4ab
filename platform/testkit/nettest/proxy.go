// Package nettest holds network helpers for tests.
package nettest

import (
	"net"
	"sync"
	"sync/atomic"
	"testing"
)

// Proxy is a TCP proxy to a target for tests of misbehaving peers. Frozen, it
// swallows every byte both ways and closes nothing: how a peer that vanished without a
// FIN (a host gone, a dropped NAT entry) looks to the other side, whose writes still
// succeed. Held, it keeps back what the target sends until released: a slow answer.
// Cut closes the connections, and while refusing it closes new ones at once: an
// unreachable peer.
type Proxy struct {
	ln       net.Listener
	frozen   atomic.Bool
	refusing atomic.Bool
	hold     sync.RWMutex // write-locked while held
	mu       sync.Mutex
	conns    []net.Conn
	wg       sync.WaitGroup
}

// StartProxy proxies a loopback port to target until the test ends.
func StartProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &Proxy{ln: ln}
	b.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			if b.refusing.Load() {
				c.Close()
				continue
			}
			u, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			b.mu.Lock()
			b.conns = append(b.conns, c, u)
			b.mu.Unlock()
			b.wg.Go(func() { b.pipe(u, c, false) })
			b.wg.Go(func() { b.pipe(c, u, true) })
		}
	})
	t.Cleanup(b.Close)
	return b
}

// Addr is the proxy's address.
func (b *Proxy) Addr() string { return b.ln.Addr().String() }

// Freeze stops forwarding, on every connection, for good.
func (b *Proxy) Freeze() { b.frozen.Store(true) }

// Hold keeps back what the target sends, on every connection, until Release.
func (b *Proxy) Hold() { b.hold.Lock() }

// Release sends on what Hold kept back, and what follows.
func (b *Proxy) Release() { b.hold.Unlock() }

// Refuse makes the proxy close new connections at once (on) or forward them again.
func (b *Proxy) Refuse(on bool) { b.refusing.Store(on) }

// Cut closes every connection open now.
func (b *Proxy) Cut() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, c := range b.conns {
		c.Close()
	}
	b.conns = nil
}

// Close closes the proxy and its connections and waits for its goroutines.
func (b *Proxy) Close() {
	b.ln.Close()
	b.Cut()
	b.wg.Wait()
}

func (b *Proxy) pipe(dst, src net.Conn, fromTarget bool) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 && !b.frozen.Load() {
			if fromTarget {
				b.hold.RLock()
			}
			_, werr := dst.Write(buf[:n])
			if fromTarget {
				b.hold.RUnlock()
			}
			if werr != nil {
				return
			}
		}
		if err != nil {
			if !b.frozen.Load() {
				dst.Close() // the peer closed: so does this side (a frozen peer never does)
			}
			return
		}
	}
}
