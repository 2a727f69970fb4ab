package sdk

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/catalog"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/platform/testkit/logtest"
	"github.com/futugw/gateway/services/edge/internal/sdk/frame"
	"github.com/futugw/gateway/services/edge/internal/sdk/sdkcall"
	"github.com/futugw/gateway/services/edge/internal/ws"
)

const waitLong = 10 * time.Second

func newKey() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return "fk_" + base64.RawURLEncoding.EncodeToString(b)
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// bearer is the key of an incoming call.
func bearer(ctx context.Context) string {
	md, _ := metadata.FromIncomingContext(ctx)
	if v := md.Get("authorization"); len(v) > 0 {
		return strings.TrimPrefix(v[0], "Bearer ")
	}
	return ""
}

// fakeAuth is the auth service as the listener uses it, and the validator behind
// the edge's cache.
type fakeAuth struct {
	gatewayv1.UnimplementedAuthServiceServer
	serviceKey string
	ttl        time.Duration // of minted session keys

	mu        sync.Mutex
	byMD5     map[string]authn.Principal // live keys by the MD5 of their plaintext
	sessions  map[string]authn.Principal // session keys minted
	refreshed map[string]string          // old session key -> new
	loggedOut map[string]bool
}

// validator is fakeAuth as the edge's key cache sees it.
type validator struct{ f *fakeAuth }

func (v validator) Validate(ctx context.Context, token string, info authn.CallInfo) (*authn.Principal, error) {
	return v.f.validate(token)
}

func (f *fakeAuth) validate(token string) (*authn.Principal, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.sessions[token]
	if !ok {
		return nil, errinfo.New(codes.Unauthenticated, gatewayv1.Reason_REASON_INVALID_KEY, "unknown API key")
	}
	return &p, nil
}

func (f *fakeAuth) OpenSDKSession(ctx context.Context, req *gatewayv1.OpenSDKSessionRequest) (*gatewayv1.SessionResponse, error) {
	if bearer(ctx) != f.serviceKey {
		return nil, errinfo.New(codes.PermissionDenied, gatewayv1.Reason_REASON_SCOPE_DENIED, "service scope needed")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	parent, ok := f.byMD5[req.GetKeyMd5()]
	if !ok {
		return nil, errinfo.New(codes.Unauthenticated, gatewayv1.Reason_REASON_INVALID_KEY, "no live key has this MD5")
	}
	return f.mintLocked(parent, parent.KeyID+"-session"), nil
}

func (f *fakeAuth) mintLocked(parent authn.Principal, session string) *gatewayv1.SessionResponse {
	key := newKey()
	p := parent
	p.ParentID, p.KeyID, p.SessionID = parent.KeyID, "sk-"+key[3:9], session
	p.ExpiresAt = time.Now().Add(f.ttl)
	f.sessions[key] = p
	return &gatewayv1.SessionResponse{Key: key}
}

func (f *fakeAuth) RefreshSession(ctx context.Context, _ *gatewayv1.RefreshSessionRequest) (*gatewayv1.SessionResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	old := bearer(ctx)
	p, ok := f.sessions[old]
	if !ok {
		return nil, errinfo.New(codes.Unauthenticated, gatewayv1.Reason_REASON_INVALID_KEY, "unknown API key")
	}
	resp := f.mintLocked(authn.Principal{KeyID: p.ParentID, Scopes: p.Scopes}, p.SessionID)
	f.refreshed[old] = resp.Key
	return resp, nil
}

func (f *fakeAuth) Logout(ctx context.Context, _ *gatewayv1.LogoutRequest) (*gatewayv1.LogoutResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.loggedOut[bearer(ctx)] = true
	return &gatewayv1.LogoutResponse{}, nil
}

// addKey makes a live key with scopes and returns its plaintext.
func (f *fakeAuth) addKey(id string, scopes ...string) string {
	k := newKey()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.byMD5[md5hex(k)] = authn.Principal{KeyID: id, Scopes: scopes}
	return k
}

// sessionOf returns the session key minted under parent id (the latest).
func (f *fakeAuth) sessionKeys(parentID string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for k, p := range f.sessions {
		if p.ParentID == parentID {
			out = append(out, k)
		}
	}
	return out
}

// fakeQuote serves Subscribe (recording the session's subscriptions, announced on
// the push stream as the quote service does), StreamPushes, and the catalog's quote
// rows (GetGlobalState answers the caller's key id in its S2C's serverVer... as a
// mark the test reads back).
type fakeQuote struct {
	gatewayv1.UnimplementedQuoteServiceServer
	auth *fakeAuth

	mu       sync.Mutex
	calls    []string // "method bearer"
	out      chan *gatewayv1.QuotePush
	unsubAll chan string // bearer of an Unsubscribe(all)
}

func (f *fakeQuote) record(ctx context.Context, method string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, method+" "+bearer(ctx))
}

// called reports whether a call "method bearer" was made.
func (f *fakeQuote) called(call string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.calls {
		if c == call {
			return true
		}
	}
	return false
}

// last returns the bearer of the last call of method.
func (f *fakeQuote) last(method string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.calls) - 1; i >= 0; i-- {
		if m, k, _ := strings.Cut(f.calls[i], " "); m == method {
			return k
		}
	}
	return ""
}

func (f *fakeQuote) Subscribe(ctx context.Context, req *gatewayv1.SubscribeRequest) (*gatewayv1.SubscribeResponse, error) {
	f.record(ctx, "Subscribe")
	p, err := f.auth.validate(bearer(ctx))
	if err != nil {
		return nil, err
	}
	if !p.Has("qot:read") {
		return nil, errinfo.New(codes.PermissionDenied, gatewayv1.Reason_REASON_SCOPE_DENIED, "this key lacks scope qot:read")
	}
	var subs []*gatewayv1.Subscription
	for _, s := range req.GetSecurityList() {
		for _, st := range req.GetSubTypeList() {
			subs = append(subs, &gatewayv1.Subscription{Security: s, SecKey: "HK." + s.GetCode(), SubType: st})
		}
	}
	f.out <- &gatewayv1.QuotePush{SessionSubs: &gatewayv1.SessionSubscriptions{SessionId: p.Session(), Subscriptions: subs}}
	return &gatewayv1.SubscribeResponse{}, nil
}

func (f *fakeQuote) Unsubscribe(ctx context.Context, req *gatewayv1.UnsubscribeRequest) (*gatewayv1.UnsubscribeResponse, error) {
	f.record(ctx, "Unsubscribe")
	if req.GetUnsubscribeAll() {
		select {
		case f.unsubAll <- bearer(ctx):
		default:
		}
	}
	return &gatewayv1.UnsubscribeResponse{}, nil
}

func (f *fakeQuote) StreamPushes(stream gatewayv1.QuoteService_StreamPushesServer) error {
	go func() {
		for {
			if _, err := stream.Recv(); err != nil {
				return
			}
		}
	}()
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

// catalogCall answers the generic quote rows: GetGlobalState says whose key called
// (its S2C's serverVer is the length of the bearer, its marketHK 7); others fail.
func (f *fakeQuote) catalogCall(ctx context.Context, r *catalog.Route, in proto.Message) (proto.Message, error) {
	f.record(ctx, r.Name)
	if _, err := f.auth.validate(bearer(ctx)); err != nil {
		return nil, err
	}
	out := r.NewOut()
	if r.ProtoID == 1002 {
		m := out.ProtoReflect()
		m.Set(m.Descriptor().Fields().ByName("market_hk"), protoreflect.ValueOfEnum(7))
	}
	return out, nil
}

type harness struct {
	auth  *fakeAuth
	quote *fakeQuote
	hub   *ws.Hub
	srv   *Server
	url   string
	logs  *logtest.Buffer
}

// start runs fake auth and quote services, a hub and the SDK listener.
func start(t *testing.T, tweak func(*Options)) *harness {
	t.Helper()
	h := &harness{logs: &logtest.Buffer{}}
	h.auth = &fakeAuth{serviceKey: newKey(), ttl: time.Hour, byMD5: map[string]authn.Principal{},
		sessions: map[string]authn.Principal{}, refreshed: map[string]string{}, loggedOut: map[string]bool{}}
	h.quote = &fakeQuote{auth: h.auth, out: make(chan *gatewayv1.QuotePush, 64), unsubAll: make(chan string, 8)}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gs := grpc.NewServer()
	gatewayv1.RegisterAuthServiceServer(gs, h.auth)
	gatewayv1.RegisterQuoteServiceServer(gs, h.quote)
	catalog.Register(gs, catalog.Quote, h.quote.catalogCall)
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = gs.Serve(ln)
	}()
	cc, err := grpc.NewClient(ln.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewJSONHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cache := authn.NewCache(validator{h.auth}, authn.CacheOptions{TTL: time.Millisecond})
	h.hub, err = ws.NewHub(ws.Options{Cache: cache, Quote: gatewayv1.NewQuoteServiceClient(cc), ServiceKey: h.auth.serviceKey,
		StableAfter: 10 * time.Millisecond, Debounce: time.Millisecond, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	h.hub.Start()
	o := Options{Hub: h.hub, Cache: cache, Conns: sdkcall.Conns{Auth: cc, Quote: cc, Order: cc},
		ServiceKey: func() string { return h.auth.serviceKey }, InitTimeout: 2 * time.Second, Logger: log}
	if tweak != nil {
		tweak(&o)
	}
	h.srv, err = New(o)
	if err != nil {
		t.Fatal(err)
	}
	web := httptest.NewServer(h.srv)
	h.url = "ws" + strings.TrimPrefix(web.URL, "http")
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitLong)
		defer cancel()
		if err := h.hub.Close(ctx); err != nil {
			t.Errorf("hub close: %v", err)
		}
		if err := h.srv.Close(ctx); err != nil {
			t.Errorf("sdk close: %v", err)
		}
		web.Close()
		_ = cc.Close()
		gs.Stop()
		<-served
		if strings.Contains(h.logs.String(), "fk_") {
			t.Errorf("a key reached the log:\n%s", h.logs.String())
		}
	})
	return h
}

// client is a test's SDK socket.
type client struct {
	t       *testing.T
	c       *websocket.Conn
	section uint64
}

func (h *harness) dial(t *testing.T) *client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLong)
	defer cancel()
	c, _, err := websocket.Dial(ctx, h.url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.CloseNow() })
	return &client{t: t, c: c, section: 1}
}

// send writes a command and returns its section.
func (c *client) send(cmd uint32, body []byte) uint64 {
	c.t.Helper()
	c.section++
	ctx, cancel := context.WithTimeout(context.Background(), waitLong)
	defer cancel()
	if err := c.c.Write(ctx, websocket.MessageBinary, frame.AppendRequest(nil, cmd, c.section, body)); err != nil {
		c.t.Fatal(err)
	}
	return c.section
}

func (c *client) read() frame.Response {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLong)
	defer cancel()
	typ, b, err := c.c.Read(ctx)
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	if typ != websocket.MessageBinary {
		c.t.Fatalf("a %v message; the SDK reads binary frames", typ)
	}
	r, err := frame.DecodeResponse(b)
	if err != nil {
		c.t.Fatal(err)
	}
	return r
}

// call sends a command and reads its answer (pushes in between are skipped).
func (c *client) call(cmd uint32, body []byte) frame.Response {
	c.t.Helper()
	sec := c.send(cmd, body)
	for {
		r := c.read()
		if r.Section == sec {
			if r.Cmd != cmd {
				c.t.Fatalf("answer to %d has cmd %d", cmd, r.Cmd)
			}
			return r
		}
	}
}

// closed waits for the socket to close and returns its status.
func (c *client) closed(within time.Duration) (websocket.StatusCode, string) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	for {
		_, _, err := c.c.Read(ctx)
		if err != nil {
			if ctx.Err() != nil {
				c.t.Fatalf("the socket is still open after %v", within)
			}
			var ce websocket.CloseError
			if errors.As(err, &ce) {
				return ce.Code, ce.Reason
			}
			return -1, err.Error()
		}
	}
}

// request wraps c2s (wire bytes) in an official Request.
func request(c2s []byte) []byte {
	b := protowire.AppendTag(nil, 1, protowire.BytesType)
	return protowire.AppendBytes(b, c2s)
}

// initBody is InitWebSocket's Request as futu-api's start sends it.
func initBody(key string) []byte {
	var c2s []byte
	c2s = protowire.AppendTag(c2s, 4, protowire.BytesType)
	c2s = protowire.AppendString(c2s, md5hex(key))
	c2s = protowire.AppendTag(c2s, 6, protowire.BytesType)
	c2s = protowire.AppendString(c2s, "JavaScript")
	return request(c2s)
}

// response is an official Response's common fields.
type response struct {
	RetType int32
	RetMsg  string
	ErrCode int32
	S2C     []byte
}

func decodeResponse(t *testing.T, b []byte) response {
	t.Helper()
	var r response
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			t.Fatalf("bad response")
		}
		b = b[n:]
		switch {
		case typ == protowire.VarintType:
			v, m := protowire.ConsumeVarint(b)
			b = b[m:]
			switch num {
			case 1:
				r.RetType = int32(v)
			case 3:
				r.ErrCode = int32(v)
			}
		case typ == protowire.BytesType:
			v, m := protowire.ConsumeBytes(b)
			b = b[m:]
			switch num {
			case 2:
				r.RetMsg = string(v)
			case 4:
				r.S2C = v
			}
		default:
			t.Fatalf("unexpected wire type %v", typ)
		}
	}
	return r
}

// login opens a socket and logs in with key.
func (h *harness) login(t *testing.T, key string) *client {
	t.Helper()
	c := h.dial(t)
	r := c.call(frame.CmdInit, initBody(key))
	if r.Error != 0 {
		t.Fatalf("InitWebSocket failed: %+v %+v", r, decodeResponse(t, r.Body))
	}
	return c
}
