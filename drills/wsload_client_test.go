package drills

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/futugw/gateway/bench/loadgen"
)

// timeline places the measured period among the edge's keepalive pings. The edge
// pings each socket every ping interval, the first time at a random moment between
// half and one and a half intervals after it connected, so the pings are spread.
type timeline struct {
	dialStart, dialEnd time.Time // the sockets connected in between
	from, to           time.Time // the measured period
}

func (tl timeline) describe(ping time.Duration, sockets int) string {
	sec := func(at time.Time) float64 { return at.Sub(tl.dialStart).Seconds() }
	first := fmt.Sprintf("first pings at t=%.1f-%.1fs", sec(tl.dialStart.Add(ping/2)), sec(tl.dialEnd.Add(ping*3/2)))
	return fmt.Sprintf("timeline: sockets connected at t=0-%.1fs, measured t=%.1f-%.1fs; the edge pings every socket every %v (%s, about %.0f pings/s)",
		sec(tl.dialEnd), sec(tl.from), sec(tl.to), ping, first, float64(sockets)/ping.Seconds())
}

// loadState is what every reader shares.
type loadState struct {
	frames    atomic.Int64 // quote frames received
	measuring atomic.Bool  // sample latencies
	closing   atomic.Bool  // the test is closing the sockets: read errors are expected
}

// client is one WebSocket and, once its reader ended, what it saw.
type client struct {
	conn    *websocket.Conn
	session int
	done    chan struct{}

	quotes     int64
	foreign    int64 // quote frames of a security the session does not hold
	foreignKey string
	other      map[string]int // non-quote frames by type/event
	lats       []time.Duration
	unexpected error // the read error, when the socket closed before the test closed it
}

// dialAll opens c.sockets sockets with ?token=, c.perSession per session key, and
// starts each one's reader.
func dialAll(t *testing.T, addr string, keys []string, c wsloadConfig, allowed []map[string]bool, st *loadState) []*client {
	t.Helper()
	clients := make([]*client, c.sockets)
	errs := make(chan error, c.sockets)
	sem := make(chan struct{}, 32)
	var wg sync.WaitGroup
	for i := range clients {
		session := i / c.perSession
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			conn, _, err := websocket.Dial(ctx, "ws://"+addr+"/ws?token="+keys[session], nil)
			if err != nil {
				errs <- fmt.Errorf("socket %d: %w", i, err)
				return
			}
			conn.SetReadLimit(1 << 20)
			cl := &client{conn: conn, session: session, done: make(chan struct{}), other: map[string]int{}}
			clients[i] = cl
			go func() {
				defer close(cl.done)
				cl.read(allowed[session], st)
			}()
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		closeAll(clients, st)
		t.Fatalf("dial: %v (and %d more failures)", err, len(errs))
	}
	return clients
}

// closeAll closes every socket and waits for the readers; calling it again is harmless.
func closeAll(clients []*client, st *loadState) {
	st.closing.Store(true)
	var wg sync.WaitGroup
	for _, cl := range clients {
		if cl != nil {
			wg.Go(func() {
				_ = cl.conn.CloseNow()
				<-cl.done
			})
		}
	}
	wg.Wait()
}

var (
	quotePrefix = []byte(`{"type":"quote",`)
	secKeyField = []byte(`"sec_key":"`)
)

// read consumes frames until the connection ends. It stays light because it shares
// the CPU with the stack: one reused buffer per socket, no context per read, sec_key
// found without decoding the JSON, and 1 quote in sampleEvery decoded for latency
// while measuring (as bench/cmd/wsload's readLoop, which explains why).
func (cl *client) read(allowed map[string]bool, st *loadState) {
	var buf bytes.Buffer
	var f struct {
		Type   string `json:"type"`
		Event  string `json:"event"`
		SecKey string `json:"sec_key"`
	}
	var d loadgen.QuoteDecoder
	for n := 0; ; n++ {
		_, rd, err := cl.conn.Reader(context.Background())
		if err == nil {
			buf.Reset()
			_, err = buf.ReadFrom(rd)
		}
		if err != nil {
			if !st.closing.Load() {
				cl.unexpected = err
			}
			return
		}
		now := time.Now()
		b := buf.Bytes()
		key, ok := quoteSecKey(b)
		if !ok { // not the quote layout: decode it to see what it is
			f.Type, f.Event, f.SecKey = "", "", ""
			if json.Unmarshal(b, &f) != nil {
				cl.other["unreadable"]++
				continue
			}
			if f.Type != "quote" {
				cl.other[f.Type+" "+f.Event]++
				continue
			}
			key = []byte(f.SecKey)
		}
		cl.quotes++
		st.frames.Add(1)
		if !allowed[string(key)] {
			if cl.foreign == 0 {
				cl.foreignKey = string(key)
			}
			cl.foreign++
		}
		if n%sampleEvery != 0 || !st.measuring.Load() {
			continue
		}
		ts, ok := d.UpdateTime(b) // seconds, ms resolution
		if !ok {
			continue
		}
		cl.lats = append(cl.lats, now.Sub(time.UnixMilli(int64(math.Round(ts*1000)))))
	}
}

// quoteSecKey returns the sec_key of a frame laid out as the edge writes quotes,
// {"type":"quote",...,"sec_key":"HK.00700",...}; ok is false for anything else.
func quoteSecKey(b []byte) ([]byte, bool) {
	if !bytes.HasPrefix(b, quotePrefix) {
		return nil, false
	}
	i := bytes.Index(b, secKeyField)
	if i < 0 {
		return nil, false
	}
	rest := b[i+len(secKeyField):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return nil, false
	}
	return rest[:j], true
}
