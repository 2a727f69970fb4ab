package ws

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/futugw/gateway/platform/testkit"
	"github.com/futugw/gateway/platform/testkit/logtest"

	"github.com/coder/websocket"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatebasicqot"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/services/edge/internal/accesslog"
	"github.com/futugw/gateway/services/edge/internal/cors"
)

const (
	serviceKeyName = "svc"
	allowedOrigin  = "https://app.example.com"
	waitLong       = 20 * time.Second
)

func newKey(t testing.TB) string {
	t.Helper()
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return "fk_" + base64.RawURLEncoding.EncodeToString(b)
}

// fakeValidator knows a fixed set of keys.
type fakeValidator struct {
	mu      sync.Mutex
	keys    map[string]authn.Principal
	revoked map[string]bool
}

func (f *fakeValidator) add(token string, p authn.Principal) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.keys[token] = p
}

// remove forgets token, as a key store that lost its data would.
func (f *fakeValidator) remove(token string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.keys, token)
}

// revoke makes token answer revoked_key, as auth does for a revoked key.
func (f *fakeValidator) revoke(token string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.keys, token)
	f.revoked[token] = true
}

func (f *fakeValidator) Validate(_ context.Context, token string, _ authn.CallInfo) (*authn.Principal, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.keys[token]
	if f.revoked[token] {
		return nil, errinfo.New(codes.Unauthenticated, gatewayv1.Reason_REASON_REVOKED_KEY, "the API key was revoked")
	}
	if !ok {
		return nil, errinfo.New(codes.Unauthenticated, gatewayv1.Reason_REASON_INVALID_KEY, "unknown API key")
	}
	return &p, nil
}

// fakeQuote is QuoteService.StreamPushes as the quote service behaves: it answers
// each newly hosted session with its subscriptions, then relays the test's pushes.
type fakeQuote struct {
	gatewayv1.UnimplementedQuoteServiceServer
	serviceKey string
	refused    atomic.Int32 // streams refused for a wrong service key

	mu      sync.Mutex
	subs    map[string][]*gatewayv1.Subscription // per session, like the real registry
	out     chan *gatewayv1.QuotePush            // the current stream's pushes
	hosted  chan []string                        // every session set received
	stopCur context.CancelFunc                   // ends the current stream
	recvWG  sync.WaitGroup
}

func (f *fakeQuote) setSubs(session string, secKeys ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var list []*gatewayv1.Subscription
	for _, k := range secKeys {
		list = append(list, &gatewayv1.Subscription{SecKey: k, SubType: 1})
	}
	f.subs[session] = list
}

func (f *fakeQuote) StreamPushes(stream gatewayv1.QuoteService_StreamPushesServer) error {
	md, _ := metadata.FromIncomingContext(stream.Context())
	if a := md.Get("authorization"); len(a) != 1 || a[0] != "Bearer "+f.serviceKey {
		f.refused.Add(1)
		return status.Error(codes.Unauthenticated, "no service key")
	}
	ctx, cancel := context.WithCancel(stream.Context())
	defer cancel()
	f.mu.Lock()
	f.stopCur = cancel
	out := f.out
	f.mu.Unlock()

	// The receiver ends with the stream, after this handler returns; the harness
	// waits for it after stopping the server.
	f.recvWG.Go(func() {
		hosted := map[string]bool{}
		for {
			req, err := stream.Recv()
			if err != nil {
				cancel()
				return
			}
			now := map[string]bool{}
			for _, id := range req.GetSessionIds() {
				now[id] = true
				if hosted[id] {
					continue
				}
				f.mu.Lock()
				subs := f.subs[id]
				f.mu.Unlock()
				select {
				case out <- &gatewayv1.QuotePush{SessionSubs: &gatewayv1.SessionSubscriptions{SessionId: id, Subscriptions: subs}}:
				case <-ctx.Done():
					return
				}
			}
			hosted = now
			select {
			case f.hosted <- req.GetSessionIds():
			case <-ctx.Done():
				return
			}
		}
	})
	for {
		select {
		case <-ctx.Done():
			return status.Error(codes.Unavailable, "stream ended")
		case p := <-out:
			if err := stream.Send(p); err != nil {
				return err
			}
		}
	}
}

// push sends p on the current stream (in order with the session answers).
func (f *fakeQuote) push(t testing.TB, p *gatewayv1.QuotePush) {
	t.Helper()
	select {
	case f.out <- p:
	case <-time.After(waitLong):
		t.Fatal("quote push not taken")
	}
}

// waitHosted waits for a session set satisfying ok.
func (f *fakeQuote) waitHosted(t testing.TB, ok func([]string) bool) {
	t.Helper()
	timeout := time.After(waitLong)
	for {
		select {
		case ids := <-f.hosted:
			if ok(ids) {
				return
			}
		case <-timeout:
			t.Fatal("timed out waiting for the hosted session set")
		}
	}
}

func hosts(ids ...string) func([]string) bool {
	return func(got []string) bool {
		for _, id := range ids {
			found := false
			for _, g := range got {
				found = found || g == id
			}
			if !found {
				return false
			}
		}
		return true
	}
}

// fakeOrder relays the test's trade pushes.
type fakeOrder struct {
	gatewayv1.UnimplementedOrderServiceServer
	out     chan *gatewayv1.TradePush
	streams chan struct{} // one value per stream opened
}

func (f *fakeOrder) StreamTradePushes(_ *gatewayv1.StreamTradePushesRequest, stream gatewayv1.OrderService_StreamTradePushesServer) error {
	select {
	case f.streams <- struct{}{}:
	default:
	}
	for {
		select {
		case <-stream.Context().Done():
			return nil
		case p := <-f.out:
			if err := stream.Send(p); err != nil {
				return err
			}
		}
	}
}

func (f *fakeOrder) push(t testing.TB, p *gatewayv1.TradePush) {
	t.Helper()
	select {
	case f.out <- p:
	case <-time.After(waitLong):
		t.Fatal("trade push not taken")
	}
}

// logBuf collects log output.
type logBuf struct{ logtest.Buffer }

// waitFor polls until the log holds s.
func (l *logBuf) waitFor(t testing.TB, s string) {
	t.Helper()
	testkit.Eventually(t, waitLong, fmt.Sprintf("the log to show %q", s), func() bool { return strings.Contains(l.String(), s) })
}

type harness struct {
	hub   *Hub
	url   string // ws://127.0.0.1:port/ws
	quote *fakeQuote
	order *fakeOrder
	val   *fakeValidator
	logs  *logBuf
	srv   *grpc.Server
}

// start runs fake quote and order services, a hub and an HTTP server with the
// edge's access log and CORS policy in front of /ws.
func start(t *testing.T, tweak func(*Options)) *harness {
	t.Helper()
	svcKey := newKey(t)
	h := &harness{
		quote: &fakeQuote{serviceKey: svcKey, subs: map[string][]*gatewayv1.Subscription{},
			out: make(chan *gatewayv1.QuotePush, 1024), hosted: make(chan []string, 64)},
		order: &fakeOrder{out: make(chan *gatewayv1.TradePush, 64), streams: make(chan struct{}, 16)},
		val:   &fakeValidator{keys: map[string]authn.Principal{}, revoked: map[string]bool{}},
		logs:  &logBuf{},
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h.srv = grpc.NewServer()
	gatewayv1.RegisterQuoteServiceServer(h.srv, h.quote)
	gatewayv1.RegisterOrderServiceServer(h.srv, h.order)
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = h.srv.Serve(ln)
	}()
	cc, err := grpc.NewClient(ln.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}

	log := slog.New(slog.NewJSONHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	o := Options{
		Cache:      authn.NewCache(h.val, authn.CacheOptions{}),
		Origins:    cors.New(cors.Options{Origins: []string{allowedOrigin}}),
		Quote:      gatewayv1.NewQuoteServiceClient(cc),
		Order:      gatewayv1.NewOrderServiceClient(cc),
		ServiceKey: svcKey,
		BackoffMin: 20 * time.Millisecond, BackoffMax: 200 * time.Millisecond,
		StableAfter: 50 * time.Millisecond,
		Logger:      log,
	}
	if tweak != nil {
		tweak(&o)
	}
	h.hub, err = NewHub(o)
	if err != nil {
		t.Fatal(err)
	}
	h.hub.Start()
	alog, err := accesslog.New(accesslog.Options{Logger: log, Service: "edge"})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/ws", accesslog.WithRoute(h.hub))
	web := httptest.NewServer(alog.Wrap(mux))
	h.url = "ws" + strings.TrimPrefix(web.URL, "http") + "/ws"
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitLong)
		defer cancel()
		if err := h.hub.Close(ctx); err != nil {
			t.Errorf("hub close: %v", err)
		}
		web.Close()
		_ = cc.Close()
		h.srv.Stop()
		<-served
		h.quote.recvWG.Wait()
	})
	return h
}

// key registers a key for session with the given scopes.
func (h *harness) key(t testing.TB, session string, scopes ...string) string {
	k := newKey(t)
	h.val.add(k, authn.Principal{KeyID: "key-" + session, SessionID: session, Scopes: scopes})
	return k
}

type dialOpts struct {
	origin   string
	protocol bool // send the key as subprotocol instead of ?token=
	query    string
}

// dial opens a socket; the test closes it at the end.
func (h *harness) dial(t testing.TB, key string, o dialOpts) *websocket.Conn {
	t.Helper()
	c, resp, err := h.tryDial(key, o)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("dial: %v (status %d)", err, status)
	}
	c.SetReadLimit(1 << 20)
	t.Cleanup(func() { _ = c.CloseNow() })
	return c
}

func (h *harness) tryDial(key string, o dialOpts) (*websocket.Conn, *http.Response, error) {
	ctx, cancel := context.WithTimeout(context.Background(), waitLong)
	defer cancel()
	u := h.url
	var opts websocket.DialOptions
	if o.protocol {
		opts.Subprotocols = []string{"bearer", key}
	} else if key != "" {
		u += "?token=" + key
	}
	if o.query != "" {
		if strings.Contains(u, "?") {
			u += "&" + o.query
		} else {
			u += "?" + o.query
		}
	}
	if o.origin != "" {
		opts.HTTPHeader = http.Header{"Origin": {o.origin}}
	}
	return websocket.Dial(ctx, u, &opts)
}

// wireFrame is any frame the edge sends.
type wireFrame struct {
	Type    string          `json:"type"`
	ProtoID uint32          `json:"proto_id"`
	SecKey  string          `json:"sec_key"`
	AccID   string          `json:"acc_id"`
	BodyB64 string          `json:"body_b64"`
	Event   string          `json:"event"`
	Message string          `json:"message"`
	Quote   json.RawMessage `json:"quote"`
	raw     []byte
}

// read reads one frame, failing the test on error.
func read(t testing.TB, c *websocket.Conn) wireFrame {
	t.Helper()
	f, err := tryRead(c)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return f
}

func tryRead(c *websocket.Conn) (wireFrame, error) {
	ctx, cancel := context.WithTimeout(context.Background(), waitLong)
	defer cancel()
	_, b, err := c.Read(ctx)
	if err != nil {
		return wireFrame{}, err
	}
	var f wireFrame
	if err := json.Unmarshal(b, &f); err != nil {
		return wireFrame{}, err
	}
	f.raw = b
	return f, nil
}

// readClose reads until the connection ends and returns the close code.
func readClose(t testing.TB, c *websocket.Conn) websocket.StatusCode {
	t.Helper()
	for {
		_, err := tryRead(c)
		if err != nil {
			var ce websocket.CloseError
			if errors.As(err, &ce) {
				return ce.Code
			}
			return -1
		}
	}
}

// quotePush is a 3005 push for one security, as the quote service sends it.
func quotePush(t testing.TB, secKey string, price float64) *gatewayv1.QuotePush {
	t.Helper()
	market, code, _ := strings.Cut(secKey, ".")
	m := int32(1)
	if market == "US" {
		m = 11
	}
	body, err := proto.Marshal(&qotupdatebasicqot.Response{
		RetType: proto.Int32(0),
		S2C: &qotupdatebasicqot.S2C{BasicQotList: []*qotcommon.BasicQot{{
			Security:    &qotcommon.Security{Market: proto.Int32(m), Code: proto.String(code)},
			IsSuspended: proto.Bool(false), ListTime: proto.String("2004-06-16"), PriceSpread: proto.Float64(0.2),
			UpdateTime: proto.String("2025-01-02 10:00:00"), HighPrice: proto.Float64(price),
			OpenPrice: proto.Float64(price), LowPrice: proto.Float64(price), CurPrice: proto.Float64(price),
			LastClosePrice: proto.Float64(price), Volume: proto.Int64(1), Turnover: proto.Float64(price),
			TurnoverRate: proto.Float64(0), Amplitude: proto.Float64(0),
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return &gatewayv1.QuotePush{ProtoId: protoid.QotUpdateBasicQot, SecKey: secKey, SubType: 1, Body: body,
		ReceivedUnixNano: time.Now().UnixNano()}
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
