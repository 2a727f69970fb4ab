package app

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestAbuseSlowlorisOtherRoutes: a body trickled to a route outside the API (the run
// package's /healthz, /readyz and /metrics, or /ws without an upgrade) is cut by the
// read timeout as the API's is; net/http would otherwise keep reading (discarding) up
// to 256 KiB of the unread body before answering, for as long as the client likes.
func TestAbuseSlowlorisOtherRoutes(t *testing.T) {
	t.Parallel()
	s := startAbuseStack(t, func(c *Config) { c.ReadTimeout = time.Second })
	addr := strings.TrimPrefix(s.base, "http://")

	for _, tc := range []struct{ name, head string }{
		// Chunked: the unread size is unknown, so net/http always discards.
		{"GET /healthz chunked", "GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"},
		{"GET /readyz chunked", "GET /readyz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"},
		{"GET /metrics chunked", "GET /metrics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"},
		// A declared length under 256 KiB is also discarded before the 405 goes out.
		{"POST /ws with a body", "POST /ws HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 200000\r\n\r\n"},
		// As before: the same trickle to the API.
		{"POST /api/order", fmt.Sprintf("POST /api/order HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n", s.key)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := c.Write([]byte(tc.head)); err != nil {
				t.Fatal(err)
			}
			chunked := strings.Contains(tc.head, "chunked")
			if chunked {
				_, _ = c.Write([]byte("10000\r\n")) // one 64 KiB chunk, sent a byte at a time
			}
			done := answerOf(c)
			start := time.Now()
			tick := time.NewTicker(200 * time.Millisecond)
			defer tick.Stop()
			const hold = 6 * time.Second // six times the configured read timeout
			for {
				select {
				case got := <-done:
					took := time.Since(start).Round(10 * time.Millisecond)
					t.Logf("answered %q after %v", got, took)
					return
				case <-tick.C:
					_, _ = c.Write([]byte("a"))
					if time.Since(start) > hold {
						t.Fatalf("a body trickle still held the connection after %v (read timeout 1 s)", hold)
					}
				}
			}
		})
	}
}

// answerOf reads the answer on c in the background: its status code, or how the
// connection ended.
func answerOf(c net.Conn) <-chan string {
	done := make(chan string, 1)
	go func() {
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			done <- "closed: " + err.Error()
			return
		}
		resp.Body.Close()
		done <- fmt.Sprint(resp.StatusCode)
	}()
	return done
}
