// Command wsload is the WebSocket fan-out load benchmark. It starts the server
// process, services/edge/internal/wsloadhub (a synthetic QuoteService pushing basic
// quotes for -secs securities at -rate pushes/s into a real edge Hub on loopback;
// built from the workspace unless -hub names a binary), then opens -sockets
// WebSocket clients, each subscribed to -per securities, and reports delivered
// frames/s, p50/p99 delivery latency (push creation -> frame read by the client) and
// the server's heap per idle socket. With -sdk N, the first N sockets connect as
// Futu's JavaScript SDK does (the edge's SDK listener, logged in by InitWebSocket).
//
//	go run ./bench/cmd/wsload -sockets 1000 -rate 1000 -duration 10s
package main

import (
	"flag"
	"fmt"
	"os"
	"time"
)

func main() { os.Exit(run(os.Args[1:])) }

type config struct {
	hub      string
	sockets  int
	secs     int
	per      int
	rate     int
	duration time.Duration
	warmup   time.Duration
	queue    int
	profile  string
	sdk      int // of the sockets, how many are Futu JavaScript SDK sockets
}

func run(args []string) int {
	fs := flag.NewFlagSet("wsload", flag.ContinueOnError)
	var c config
	fs.StringVar(&c.hub, "hub", "", "the wsloadhub binary to start; empty: go build it from the workspace")
	fs.IntVar(&c.sockets, "sockets", 1000, "WebSocket clients")
	fs.IntVar(&c.secs, "secs", 200, "securities pushed")
	fs.IntVar(&c.per, "per", 20, "securities each socket's session subscribes to")
	fs.IntVar(&c.rate, "rate", 1000, "quote pushes per second over all securities")
	fs.DurationVar(&c.duration, "duration", 10*time.Second, "measured period")
	fs.DurationVar(&c.warmup, "warmup", 2*time.Second, "unmeasured period before it")
	fs.IntVar(&c.queue, "queue", 256, "per-socket queue bound")
	fs.IntVar(&c.sdk, "sdk", 0, "of the sockets, how many speak Futu's JavaScript SDK protocol (the edge's SDK listener) instead of /ws")
	fs.StringVar(&c.profile, "cpuprofile", "", "write the server's CPU profile over the measured period to this file")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if c.secs < 1 || c.per < 1 || c.per > c.secs || c.sockets < 1 || c.rate < 1 || c.sdk < 0 || c.sdk > c.sockets {
		fmt.Fprintln(os.Stderr, "wsload: need sockets, rate >= 1 and 1 <= per <= secs")
		return 2
	}
	if err := bench(c); err != nil {
		fmt.Fprintln(os.Stderr, "wsload:", err)
		return 1
	}
	return 0
}
