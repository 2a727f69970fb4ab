package sdk

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotregqotpush"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotsub"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/testkit"
	"github.com/futugw/gateway/services/edge/internal/sdk/frame"
	"github.com/futugw/gateway/services/edge/internal/sdk/sdkcall"
)

// TestLogin: InitWebSocket with a live key's MD5 answers retType 0 with a connID;
// an unknown MD5, or a websocketKey that is no MD5, fails the login (header error
// -1, retType -1 with the reason) and closes the socket.
func TestLogin(t *testing.T) {
	h := start(t, nil)
	key := h.auth.addKey("k1", "qot:read")
	c := h.dial(t)
	r := c.call(frame.CmdInit, initBody(key))
	resp := decodeResponse(t, r.Body)
	if r.Error != 0 || resp.RetType != 0 || len(resp.S2C) == 0 {
		t.Fatalf("login: %+v %+v", r, resp)
	}
	if connID := varintField(t, resp.S2C, 2); connID == 0 {
		t.Errorf("S2C without a connID: %x", resp.S2C)
	}
	if len(h.auth.sessionKeys("k1")) != 1 {
		t.Errorf("no session key minted")
	}

	for _, c := range []struct {
		name, want string
		body       []byte
	}{
		{"unknown MD5", "no live key has this MD5", initBody(newKey())},
		{"not an MD5", "lowercase hex MD5", request(protowire.AppendString(protowire.AppendTag(nil, 4, protowire.BytesType), "secret"))},
		{"no c2s", "no c2s", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := h.dial(t)
			r := s.call(frame.CmdInit, c.body)
			resp := decodeResponse(t, r.Body)
			if r.Error != -1 || resp.RetType != -1 || !strings.Contains(resp.RetMsg, c.want) {
				t.Fatalf("got %+v %+v, want a failure saying %q", r, resp, c.want)
			}
			if code, _ := s.closed(2 * time.Second); code != websocket.StatusPolicyViolation {
				t.Errorf("closed with %v", code)
			}
		})
	}
}

// TestRefusedBeforeLogin: a command before InitWebSocket is refused, then the login
// still works; a socket that never logs in is closed at the init timeout.
func TestRefusedBeforeLogin(t *testing.T) {
	h := start(t, func(o *Options) { o.InitTimeout = 500 * time.Millisecond })
	key := h.auth.addKey("k1", "qot:read")
	c := h.dial(t)
	r := c.call(protoid.GetGlobalState, request(nil))
	if resp := decodeResponse(t, r.Body); resp.RetType != -1 || !strings.Contains(resp.RetMsg, "not logged in") {
		t.Fatalf("before login: %+v", resp)
	}
	if r := c.call(frame.CmdInit, initBody(key)); r.Error != 0 {
		t.Fatalf("login after a refusal: %+v", r)
	}

	idle := h.dial(t)
	start := time.Now()
	idle.closed(3 * time.Second)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("an idle socket closed after %v", d)
	}
}

// TestCommands: KeepAlive is answered locally, a generic catalog row goes to its
// gRPC method with the socket's session key, a command futugw does not serve is
// refused by name, and handlers given in Options win.
func TestCommands(t *testing.T) {
	h := start(t, func(o *Options) {
		o.Handlers = map[uint32]sdkcall.Handler{protoid.TrdGetAccList: func(_ context.Context, _ sdkcall.Conns, r sdkcall.Request) []byte {
			return sdkcall.Failed("trade handler saw serial "+strconv.Itoa(int(r.Serial)), 0)
		}}
	})
	key := h.auth.addKey("k1", "qot:read")
	c := h.login(t, key)
	session := h.auth.sessionKeys("k1")[0]

	r := decodeResponse(t, c.call(protoid.KeepAlive, request(protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), 1))).Body)
	if r.RetType != 0 || varintField(t, r.S2C, 1) < uint64(time.Now().Add(-time.Minute).Unix()) {
		t.Errorf("KeepAlive: %+v", r)
	}

	r = decodeResponse(t, c.call(protoid.GetGlobalState, request(protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), 1))).Body)
	if r.RetType != 0 || varintField(t, r.S2C, 1) != 7 {
		t.Errorf("GetGlobalState: %+v", r)
	}
	if !h.quote.called("GetGlobalState " + session) {
		t.Errorf("GetGlobalState did not reach the quote service with the session key: %v", h.quote.calls)
	}

	sec := c.send(protoid.TrdGetAccList, request(nil))
	if a := c.read(); a.Section != sec || !strings.Contains(decodeResponse(t, a.Body).RetMsg, "trade handler saw serial "+strconv.Itoa(int(sec))) {
		t.Errorf("the Options handler did not answer: %+v", decodeResponse(t, a.Body))
	}

	unserved := uint32(0)
	table := Table(nil)
	for _, p := range protoid.All() {
		if !p.Push && table[p.ID] == nil {
			unserved = p.ID
			break
		}
	}
	for _, id := range []uint32{unserved, 65000} {
		r = decodeResponse(t, c.call(id, request(nil)).Body)
		if r.RetType != -1 || !strings.Contains(r.RetMsg, "futugw does not serve") || !strings.Contains(r.RetMsg, strconv.Itoa(int(id))) {
			t.Errorf("proto %d: %+v", id, r)
		}
	}
	r = decodeResponse(t, c.call(protoid.GetGlobalState, []byte{0xff}).Body)
	if r.RetType != -1 || !strings.Contains(r.RetMsg, "malformed") {
		t.Errorf("a malformed request: %+v", r)
	}
	for result, want := range map[string]float64{resultOK: 2, resultRefused: 2, resultUnserved: 2} {
		if got := testutil.ToFloat64(h.srv.m.commands.WithLabelValues(result)); got != want {
			t.Errorf("commands_total{result=%q} = %v, want %v", result, got, want)
		}
	}
}

// TestSubscribeAndPush: Qot_Sub subscribes the socket's session through the quote
// service; its pushes arrive framed for the SDK (section 0, the OpenD body as is).
// A key without qot:read is refused with the reason.
func TestSubscribeAndPush(t *testing.T) {
	h := start(t, nil)
	c := h.login(t, h.auth.addKey("k1", "qot:read"))
	sub := &qotsub.C2S{SecurityList: []*qotcommon.Security{{Market: proto.Int32(1), Code: proto.String("00700")}},
		SubTypeList: []int32{1}, IsSubOrUnSub: proto.Bool(true), IsRegOrUnRegPush: proto.Bool(true)}
	b, _ := proto.Marshal(sub)
	if r := decodeResponse(t, c.call(protoid.QotSub, request(b)).Body); r.RetType != 0 {
		t.Fatalf("Qot_Sub: %+v", r)
	}
	body := []byte{8, 0, 0x22, 0}
	testkit.Eventually(t, waitLong, "a 3005 push", func() bool {
		h.quote.out <- &gatewayv1.QuotePush{ProtoId: protoid.QotUpdateBasicQot, SecKey: "HK.00700", SubType: 1, Body: body}
		p := c.read()
		return p.Cmd == protoid.QotUpdateBasicQot && p.Section == 0 && string(p.Body) == string(body)
	})

	other := h.login(t, h.auth.addKey("k2", "acc:read"))
	r := decodeResponse(t, other.call(protoid.QotSub, request(b)).Body)
	if r.RetType != -1 || !strings.Contains(r.RetMsg, "qot:read") || !strings.Contains(r.RetMsg, "scope_denied") || r.ErrCode == 0 {
		t.Errorf("Qot_Sub without qot:read: %+v", r)
	}
}

// TestRegisterQuotePush: Qot_Sub's isRegOrUnRegPush false and Qot_RegQotPush
// unregister a subscription's pushes on the socket without unsubscribing it;
// Qot_RegQotPush registers them again.
func TestRegisterQuotePush(t *testing.T) {
	h := start(t, nil)
	c := h.login(t, h.auth.addKey("k1", "qot:read"))
	sec := func(code string) *qotcommon.Security {
		return &qotcommon.Security{Market: proto.Int32(1), Code: proto.String(code)}
	}
	call := func(id uint32, m proto.Message) response {
		b, err := proto.MarshalOptions{AllowPartial: true}.Marshal(m) // the last call leaves out a required field
		if err != nil {
			t.Fatal(err)
		}
		return decodeResponse(t, c.call(id, request(b)).Body)
	}
	if r := call(protoid.QotSub, &qotsub.C2S{SecurityList: []*qotcommon.Security{sec("00700"), sec("00005")},
		SubTypeList: []int32{1}, IsSubOrUnSub: proto.Bool(true), IsRegOrUnRegPush: proto.Bool(false)}); r.RetType != 0 {
		t.Fatalf("Qot_Sub: %+v", r)
	}
	reg := func(code string, on bool) {
		t.Helper()
		if r := call(protoid.QotRegQotPush, &qotregqotpush.C2S{SecurityList: []*qotcommon.Security{sec(code)},
			SubTypeList: []int32{1}, IsRegOrUnReg: proto.Bool(on)}); r.RetType != 0 {
			t.Fatalf("Qot_RegQotPush %s %v: %+v", code, on, r)
		}
	}
	reg("00005", true)
	// The pushes of one stream arrive in order: were 00700's delivered, it would come first.
	a, b := []byte{8, 0, 0x22, 1}, []byte{8, 0, 0x22, 2}
	first := func() frame.Response {
		h.quote.out <- &gatewayv1.QuotePush{ProtoId: protoid.QotUpdateBasicQot, SecKey: "HK.00700", SubType: 1, Body: a}
		h.quote.out <- &gatewayv1.QuotePush{ProtoId: protoid.QotUpdateBasicQot, SecKey: "HK.00005", SubType: 1, Body: b}
		return c.read()
	}
	if p := first(); string(p.Body) != string(b) {
		t.Fatalf("first push %+v, want 00005's only (00700's is unregistered)", p)
	}
	reg("00700", true)
	if p := first(); string(p.Body) != string(a) {
		t.Fatalf("first push %+v, want 00700's again once registered", p)
	}
	if r := call(protoid.QotRegQotPush, &qotregqotpush.C2S{SecurityList: []*qotcommon.Security{sec("00700")}, SubTypeList: []int32{1}}); r.RetType != -1 {
		t.Fatalf("Qot_RegQotPush without isRegOrUnReg: %+v", r)
	}
}

// TestRevokedAndClosed: revoking the socket's session key closes it within a
// second; its session unsubscribes and logs out afterwards.
func TestRevokedAndClosed(t *testing.T) {
	h := start(t, nil)
	c := h.login(t, h.auth.addKey("k1", "qot:read"))
	session := h.auth.sessionKeys("k1")[0]
	t0 := time.Now()
	h.hub.Revoke(authn.HashToken(session))
	if code, _ := c.closed(time.Second); code != 4003 {
		t.Errorf("closed with %v, want 4003", code)
	}
	if d := time.Since(t0); d > time.Second {
		t.Errorf("closed after %v", d)
	}
	select {
	case k := <-h.quote.unsubAll:
		if k != session {
			t.Errorf("unsubscribed with another key")
		}
	case <-time.After(waitLong):
		t.Fatal("the closed socket's session did not unsubscribe")
	}
	testkit.Eventually(t, waitLong, "the session key logged out", func() bool {
		h.auth.mu.Lock()
		defer h.auth.mu.Unlock()
		return h.auth.loggedOut[session]
	})
}

// TestMalformedFrame closes the socket with the frame's fault as the reason.
func TestMalformedFrame(t *testing.T) {
	h := start(t, nil)
	for _, name := range []string{"before login", "after login"} {
		t.Run(name, func(t *testing.T) {
			var c *client
			if name == "before login" {
				c = h.dial(t)
			} else {
				c = h.login(t, h.auth.addKey("k-"+strings.ReplaceAll(name, " ", ""), "qot:read"))
			}
			ctx := t.Context()
			if err := c.c.Write(ctx, websocket.MessageBinary, []byte("GET / HTTP/1.1\r\n\r\nxxxxxxxx")); err != nil {
				t.Fatal(err)
			}
			code, reason := c.closed(2 * time.Second)
			if code != websocket.StatusPolicyViolation || !strings.Contains(reason, "ft-v1.0") {
				t.Errorf("closed with %v %q", code, reason)
			}
		})
	}
}

// TestRefresh: the session key is refreshed before it expires; the socket outlives
// the first key and its commands carry the new one.
func TestRefresh(t *testing.T) {
	h := start(t, nil)
	h.auth.ttl = 1200 * time.Millisecond
	c := h.login(t, h.auth.addKey("k1", "qot:read"))
	first := h.auth.sessionKeys("k1")[0]
	time.Sleep(1500 * time.Millisecond) // past the first key's expiry
	h.auth.mu.Lock()
	next := h.auth.refreshed[first]
	h.auth.mu.Unlock()
	if next == "" {
		t.Fatal("the session key was not refreshed")
	}
	if r := decodeResponse(t, c.call(protoid.GetGlobalState, request(protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), 1))).Body); r.RetType != 0 {
		t.Fatalf("after the refresh: %+v", r)
	}
	if last := h.quote.last("GetGlobalState"); last == first || last == "" {
		t.Errorf("the command did not carry a refreshed key")
	}
}

// varintField reads a varint field of a message.
func varintField(t *testing.T, b []byte, field protowire.Number) uint64 {
	t.Helper()
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			t.Fatal("bad message")
		}
		b = b[n:]
		if typ == protowire.VarintType {
			v, m := protowire.ConsumeVarint(b)
			b = b[m:]
			if num == field {
				return v
			}
			continue
		}
		b = b[protowire.ConsumeFieldValue(num, typ, b):]
	}
	return 0
}

// countingGuard blocks a client after limit failures.
type countingGuard struct {
	mu       sync.Mutex
	failures int
	limit    int
}

func (g *countingGuard) Blocked(*http.Request) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.failures >= g.limit
}

func (g *countingGuard) Failed(*http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.failures++
}

// TestGuard: refused logins count as authentication failures of the client, which
// is then refused before the upgrade; a good login counts nothing.
func TestGuard(t *testing.T) {
	g := &countingGuard{limit: 2}
	h := start(t, func(o *Options) { o.Guard = g })
	h.login(t, h.auth.addKey("k1", "qot:read"))
	for range 2 {
		c := h.dial(t)
		if r := c.call(frame.CmdInit, initBody(newKey())); r.Error != -1 {
			t.Fatalf("an unknown key logged in")
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), waitLong)
	defer cancel()
	_, resp, err := websocket.Dial(ctx, h.url, nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("a blocked client: %v %v", err, resp)
	}
}
