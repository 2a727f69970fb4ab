// Command wsloadhub is the server half of bench/cmd/wsload, the WebSocket fan-out load
// benchmark: a real edge ws.Hub on loopback, fed by a synthetic QuoteService pushing
// basic quotes round-robin over -secs securities at -rate pushes/s. It lives in the
// edge module because the hub is the edge's internal package; everything else of the
// benchmark (the clients, the measuring, the report) is in bench/.
package main

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	_ "net/http/pprof" // profiles of the server under load
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/proto"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatebasicqot"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/platform/keypolicy"
	"github.com/futugw/gateway/services/edge/internal/sdk"
	"github.com/futugw/gateway/services/edge/internal/sdk/sdkcall"
	"github.com/futugw/gateway/services/edge/internal/ws"
)

func main() {
	var c config
	flag.IntVar(&c.sockets, "sockets", 1000, "WebSocket clients expected (sizes the validation cache)")
	flag.IntVar(&c.secs, "secs", 200, "securities pushed")
	flag.IntVar(&c.per, "per", 20, "securities each session subscribes to")
	flag.IntVar(&c.rate, "rate", 1000, "quote pushes per second over all securities")
	flag.IntVar(&c.queue, "queue", 256, "per-socket queue bound")
	flag.IntVar(&c.sdk, "sdk", 0, "of the sockets, how many connect as Futu's JavaScript SDK (at /sdk)")
	flag.Parse()
	if c.secs < 1 || c.per < 1 || c.per > c.secs || c.sockets < 1 || c.rate < 1 {
		fmt.Fprintln(os.Stderr, "wsloadhub: need sockets, rate >= 1 and 1 <= per <= secs")
		os.Exit(2)
	}
	if err := serve(c); err != nil {
		fmt.Fprintln(os.Stderr, "wsloadhub:", err)
		os.Exit(1)
	}
}

type config struct{ sockets, secs, per, rate, queue, sdk int }

// validator accepts the benchmark's keys.
type validator struct{}

func (validator) Validate(_ context.Context, token string, _ authn.CallInfo) (*authn.Principal, error) {
	s, err := sessionOf(token)
	if err != nil {
		return nil, errinfo.New(codes.Unauthenticated, gatewayv1.Reason_REASON_INVALID_KEY, "unknown key")
	}
	return &authn.Principal{KeyID: s, SessionID: s, Scopes: []string{keypolicy.ScopeQotRead}}, nil
}

// sdkAuth is AuthService.OpenSDKSession for the benchmark's keys: the SDK sends
// a key's MD5, and the socket's session key is the key itself.
type sdkAuth struct {
	gatewayv1.UnimplementedAuthServiceServer
	byMD5 map[string]string
}

func newSDKAuth(n int) *sdkAuth {
	a := &sdkAuth{byMD5: make(map[string]string, 2*n)}
	for i := range n {
		for _, idle := range []bool{false, true} {
			k := benchKey(i, idle)
			sum := md5.Sum([]byte(k))
			a.byMD5[hex.EncodeToString(sum[:])] = k
		}
	}
	return a
}

func (a *sdkAuth) OpenSDKSession(_ context.Context, req *gatewayv1.OpenSDKSessionRequest) (*gatewayv1.SessionResponse, error) {
	k, ok := a.byMD5[req.GetKeyMd5()]
	if !ok {
		return nil, errinfo.New(codes.Unauthenticated, gatewayv1.Reason_REASON_INVALID_KEY, "unknown key")
	}
	return &gatewayv1.SessionResponse{Key: k}, nil
}

// benchKey is bench/cmd/wsload's keyFor (see sessionOf).
func benchKey(n int, idle bool) string {
	var b [32]byte
	binary.BigEndian.PutUint32(b[:4], uint32(n))
	if idle {
		b[4] = 1
	}
	return "fk_" + base64.RawURLEncoding.EncodeToString(b[:])
}

// synthQuote is a QuoteService pushing basic quotes round-robin over the securities.
type synthQuote struct {
	gatewayv1.UnimplementedQuoteServiceServer
	c config
}

func (q *synthQuote) StreamPushes(stream gatewayv1.QuoteService_StreamPushesServer) error {
	ctx := stream.Context()
	var mu sync.Mutex // stream.Send is not safe for concurrent use
	send := func(p *gatewayv1.QuotePush) error {
		mu.Lock()
		defer mu.Unlock()
		return stream.Send(p)
	}
	errc := make(chan error, 1)
	go func() { // ends with the stream
		hosted := map[string]bool{}
		for {
			req, err := stream.Recv()
			if err != nil {
				errc <- err
				return
			}
			for _, id := range req.GetSessionIds() {
				if hosted[id] {
					continue
				}
				hosted[id] = true
				ss := &gatewayv1.SessionSubscriptions{SessionId: id}
				if n, ok := strings.CutPrefix(id, "s-"); ok {
					i, _ := strconv.Atoi(n)
					for _, s := range securitiesOf(i, q.c.secs, q.c.per) {
						ss.Subscriptions = append(ss.Subscriptions, &gatewayv1.Subscription{SecKey: secKey(s), SubType: 1})
					}
				}
				if err := send(&gatewayv1.QuotePush{SessionSubs: ss}); err != nil {
					errc <- err
					return
				}
			}
		}
	}()

	// Pushes in batches every millisecond-ish tick to reach the rate.
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	start, sent, next := time.Now(), 0, 0
	price := 100.0
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-errc:
			return err
		case now := <-tick.C:
			due := int(now.Sub(start).Seconds() * float64(q.c.rate))
			for ; sent < due; sent++ {
				price += 0.01
				p, err := basicPush(next, price, now)
				if err != nil {
					return err
				}
				if err := send(p); err != nil {
					return err
				}
				next = (next + 1) % q.c.secs
			}
		}
	}
}

func basicPush(i int, price float64, now time.Time) (*gatewayv1.QuotePush, error) {
	body, err := proto.Marshal(&qotupdatebasicqot.Response{
		RetType: proto.Int32(0),
		S2C: &qotupdatebasicqot.S2C{BasicQotList: []*qotcommon.BasicQot{{
			Security:    &qotcommon.Security{Market: proto.Int32(1), Code: proto.String(fmt.Sprintf("%05d", i))},
			IsSuspended: proto.Bool(false), ListTime: proto.String("2004-06-16"), PriceSpread: proto.Float64(0.2),
			UpdateTime: proto.String(now.Format(time.DateTime)), HighPrice: proto.Float64(price),
			OpenPrice: proto.Float64(price), LowPrice: proto.Float64(price), CurPrice: proto.Float64(price),
			LastClosePrice: proto.Float64(price), Volume: proto.Int64(1000), Turnover: proto.Float64(price * 1000),
			TurnoverRate: proto.Float64(0), Amplitude: proto.Float64(0),
			UpdateTimestamp: proto.Float64(float64(now.UnixMicro()) / 1e6),
		}}},
	})
	return &gatewayv1.QuotePush{ProtoId: protoid.QotUpdateBasicQot, SecKey: secKey(i), SubType: 1, Body: body,
		ReceivedUnixNano: now.UnixNano()}, err
}

// serve runs the synthetic quote service and the edge hub until SIGTERM; it prints
// "ADDR host:port" for the client.
func serve(c config) error {
	gln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	gs := grpc.NewServer()
	gatewayv1.RegisterQuoteServiceServer(gs, &synthQuote{c: c})
	if c.sdk > 0 {
		gatewayv1.RegisterAuthServiceServer(gs, newSDKAuth(c.sockets))
	}
	go func() { _ = gs.Serve(gln) }()
	defer gs.Stop()
	cc, err := grpc.NewClient(gln.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer cc.Close()

	cache := authn.NewCache(validator{}, authn.CacheOptions{MaxEntries: 4 * c.sockets})
	hub, err := ws.NewHub(ws.Options{
		Cache:      cache,
		Quote:      gatewayv1.NewQuoteServiceClient(cc),
		ServiceKey: "bench",
		QueueSize:  c.queue,
		Logger:     slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		return err
	}
	hub.Start()
	mux := http.NewServeMux()
	mux.Handle("/ws", hub)
	if c.sdk > 0 {
		srv, err := sdk.New(sdk.Options{Hub: hub, Cache: cache, Conns: sdkcall.Conns{Auth: cc, Quote: cc, Order: cc},
			ServiceKey: func() string { return "bench" }})
		if err != nil {
			return err
		}
		mux.Handle("/sdk", srv)
	}
	mux.Handle("/debug/pprof/", http.DefaultServeMux)
	mux.HandleFunc("/stats", func(w http.ResponseWriter, _ *http.Request) { // no GC: read under load
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		_ = json.NewEncoder(w).Encode(map[string]uint64{"total_alloc": ms.TotalAlloc, "num_gc": uint64(ms.NumGC)})
	})
	mux.HandleFunc("/heap", func(w http.ResponseWriter, _ *http.Request) {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		_ = json.NewEncoder(w).Encode(map[string]uint64{
			"heap_inuse": ms.HeapInuse, "heap_alloc": ms.HeapAlloc, "stack_inuse": ms.StackInuse,
			"goroutines": uint64(runtime.NumGoroutine()), "sockets": uint64(hub.Sockets()),
		})
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	fmt.Println("ADDR", ln.Addr().String())

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	<-ctx.Done()
	_ = srv.Close()
	closeCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return hub.Close(closeCtx)
}

// sessionOf reads the session a benchmark key stands for, so the hub needs no key
// registry: bench/cmd/wsload's keys are "fk_" + base64url of 32 bytes whose first four
// hold the session number (big-endian) and whose fifth is 1 for an idle session (one
// that subscribes to nothing).
func sessionOf(key string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(key, "fk_"))
	if err != nil || len(b) != 32 {
		return "", fmt.Errorf("not a benchmark key")
	}
	if b[4] == 1 {
		return fmt.Sprintf("idle-%d", binary.BigEndian.Uint32(b[:4])), nil
	}
	return fmt.Sprintf("s-%d", binary.BigEndian.Uint32(b[:4])), nil
}

// securitiesOf spreads sessions evenly: session n gets per securities spaced
// secs/per apart, starting at n.
func securitiesOf(n, secs, per int) []int {
	out := make([]int, per)
	step := secs / per
	for j := range per {
		out[j] = (n + j*step) % secs
	}
	return out
}

func secKey(i int) string { return fmt.Sprintf("HK.%05d", i) }
