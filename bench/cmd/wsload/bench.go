package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/coder/websocket"
	"github.com/futugw/gateway/bench/loadgen"
)

// sampleEvery: one frame in this many is decoded for its latency (decoding all
// would make the load generator the bottleneck).
const sampleEvery = 8

type heapInfo struct {
	HeapInuse  uint64 `json:"heap_inuse"`
	StackInuse uint64 `json:"stack_inuse"`
	Goroutines uint64 `json:"goroutines"`
	Sockets    uint64 `json:"sockets"`
}

func bench(c config) error {
	if os.Getenv("GOGC") == "" {
		// The generator's own collections stall its readers and would show up as
		// delivery latency; the server keeps the default.
		debug.SetGCPercent(400)
	}
	hub, removeHub, err := hubBinary(c.hub)
	if err != nil {
		return err
	}
	defer removeHub()
	cmd := exec.Command(hub, "-secs", strconv.Itoa(c.secs), "-per", strconv.Itoa(c.per),
		"-rate", strconv.Itoa(c.rate), "-queue", strconv.Itoa(c.queue), "-sockets", strconv.Itoa(c.sockets), "-sdk", strconv.Itoa(c.sdk))
	line, err := loadgen.StartServer(cmd)
	if err != nil {
		return fmt.Errorf("server did not start: %w", err)
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}()
	addr := strings.TrimSpace(strings.TrimPrefix(line, "ADDR"))
	base := "http://" + addr
	fmt.Printf("wsload: %d sockets x %d of %d securities, %d pushes/s (expect %.0f frames/s)\n",
		c.sockets, c.per, c.secs, c.rate, float64(c.rate)*float64(c.sockets)*float64(c.per)/float64(c.secs))

	// Idle sockets: the server's heap growth per socket.
	h0, err := heap(base, -1)
	if err != nil {
		return err
	}
	idle, err := dialAll(addr, c.sockets, c.sdk, true)
	if err != nil {
		return err
	}
	h1, err := heap(base, c.sockets)
	if err != nil {
		return err
	}
	fmt.Printf("idle: heap %.1f KiB/socket, stacks %.1f KiB/socket, %.1f goroutines/socket\n",
		float64(h1.HeapInuse-h0.HeapInuse)/1024/float64(c.sockets),
		float64(h1.StackInuse-h0.StackInuse)/1024/float64(c.sockets),
		float64(h1.Goroutines-h0.Goroutines)/float64(c.sockets))
	closeAll(idle)
	if _, err := heap(base, 0); err != nil {
		return err
	}

	// Load.
	conns, err := dialAll(addr, c.sockets, c.sdk, false)
	if err != nil {
		return err
	}
	defer closeAll(conns)
	var frames atomic.Int64
	var measuring atomic.Bool
	lats := make([][]time.Duration, len(conns))
	var wg sync.WaitGroup
	for i, conn := range conns {
		sdk := i < c.sdk
		wg.Go(func() { lats[i] = readLoop(conn, sdk, &frames, &measuring) })
	}
	time.Sleep(c.warmup)
	measuring.Store(true)
	resumeGC := loadgen.PauseGC()
	n0, t0 := frames.Load(), time.Now()
	u0, err := takeUsage(base, cmd.Process.Pid)
	if err != nil {
		return err
	}
	if c.profile != "" {
		stop, err := profileSelf(c.profile + ".client")
		if err != nil {
			return err
		}
		err = saveProfile(base, c.duration, c.profile)
		stop()
		if err != nil {
			return err
		}
	}
	time.Sleep(c.duration - time.Since(t0))
	n1, el := frames.Load(), time.Since(t0)
	resumeGC()
	measuring.Store(false)
	u1, err := takeUsage(base, cmd.Process.Pid)
	if err != nil {
		return err
	}
	closeAll(conns) // ends the readers
	wg.Wait()

	var all, sdkLats []time.Duration
	for i, l := range lats {
		all = append(all, l...)
		if i < c.sdk {
			sdkLats = append(sdkLats, l...)
		}
	}
	if c.sdk > 0 {
		fmt.Printf("sdk sockets (%d of %d): latency p50 %v p99 %v max %v (%d samples)\n", c.sdk, c.sockets,
			loadgen.Percentile(sdkLats, 50), loadgen.Percentile(sdkLats, 99), loadgen.Percentile(sdkLats, 100), len(sdkLats))
	}
	fmt.Printf("load: %.0f frames/s delivered over %v; latency p50 %v p99 %v max %v (%d samples)\n",
		float64(n1-n0)/el.Seconds(), el.Round(time.Millisecond), loadgen.Percentile(all, 50),
		loadgen.Percentile(all, 99), loadgen.Percentile(all, 100), len(all))
	report(u0, u1, c.sockets)
	return nil
}

// readLoop counts frames and samples the latency of some until the connection is
// closed. It keeps the load generator light, since it shares the CPU with the
// server: no cancellable context per read (a tenth of its CPU), and one reused
// buffer instead of one allocation per frame (whose garbage collections stalled
// every reader and showed up as delivery latency).
func readLoop(c *websocket.Conn, sdk bool, frames *atomic.Int64, measuring *atomic.Bool) []time.Duration {
	var lats []time.Duration
	var d loadgen.QuoteDecoder
	var buf bytes.Buffer
	for n := 0; ; n++ {
		_, rd, err := c.Reader(context.Background())
		if err != nil {
			return lats
		}
		buf.Reset()
		if _, err := buf.ReadFrom(rd); err != nil {
			return lats
		}
		b := buf.Bytes()
		now := time.Now()
		frames.Add(1)
		if n%sampleEvery != 0 || !measuring.Load() {
			continue
		}
		var ts float64
		var ok bool
		if sdk {
			ts, ok = d.SDKUpdateTime(b)
		} else {
			ts, ok = d.UpdateTime(b)
		}
		if !ok {
			continue
		}
		lats = append(lats, now.Sub(time.UnixMicro(int64(ts*1e6))))
	}
}

// dialAll opens n sockets, the first sdk of them on the SDK listener (logged in
// with InitWebSocket), the others on /ws.
func dialAll(addr string, n, sdk int, idle bool) ([]*websocket.Conn, error) {
	conns := make([]*websocket.Conn, n)
	errs := make(chan error, n)
	sem := make(chan struct{}, 32)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			var c *websocket.Conn
			var err error
			if i < sdk {
				c, err = dialSDK(ctx, addr, keyFor(i, idle))
			} else {
				c, _, err = websocket.Dial(ctx, "ws://"+addr+"/ws?token="+keyFor(i, idle), nil)
			}
			if err != nil {
				errs <- err
				return
			}
			c.SetReadLimit(1 << 20)
			if idle {
				c.CloseRead(context.Background()) // answers pings
			}
			conns[i] = c
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		closeAll(conns)
		return nil, fmt.Errorf("dial: %w", err)
	}
	return conns, nil
}

func closeAll(conns []*websocket.Conn) {
	var wg sync.WaitGroup
	for _, c := range conns {
		if c != nil {
			wg.Go(func() { _ = c.CloseNow() })
		}
	}
	wg.Wait()
}

// heap reads the server's memory once it hosts want sockets (-1: any).
func heap(base string, want int) (heapInfo, error) {
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(base + "/heap")
		if err != nil {
			return heapInfo{}, err
		}
		var h heapInfo
		err = json.NewDecoder(resp.Body).Decode(&h)
		resp.Body.Close()
		if err != nil {
			return heapInfo{}, err
		}
		if want < 0 || h.Sockets == uint64(want) {
			return h, nil
		}
		if time.Now().After(deadline) {
			return heapInfo{}, errors.New("server never reached the socket count")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// saveProfile records the server's CPU profile for d into path.
func saveProfile(base string, d time.Duration, path string) error {
	resp, err := http.Get(base + "/debug/pprof/profile?seconds=" + strconv.Itoa(int(d.Seconds())))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// profileSelf records the load generator's own CPU profile until stop is called.
func profileSelf(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
