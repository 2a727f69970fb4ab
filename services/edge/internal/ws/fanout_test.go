package ws

import (
	"encoding/base64"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"google.golang.org/protobuf/proto"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatebasicqot"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/keypolicy"
	"github.com/futugw/gateway/platform/testkit"
	"github.com/futugw/gateway/services/edge/internal/ws/pushframe"
)

// N browsers on overlapping subscription sets receive exactly their securities,
// once each, and the quote service hears every hosted session.
func TestFanoutExactSets(t *testing.T) {
	h := start(t, nil)
	all := []string{"HK.00700", "HK.00005", "HK.09988", "US.AAPL", "US.TSLA", "US.NVDA"}
	sets := map[string][]string{
		"alice": {"HK.00700", "HK.00005", "US.AAPL"},
		"bob":   {"HK.00700", "US.TSLA"},
		"carol": {"US.AAPL", "US.TSLA", "US.NVDA", "HK.09988"},
		"dave":  {}, // hosted, subscribed to nothing
	}
	type client struct {
		name string
		c    *websocket.Conn
	}
	var clients []client
	var ids []string
	for name, set := range sets {
		h.quote.setSubs(name, append(slices.Clone(set), "HK.END")...)
		// Two sockets for alice: a session may have several tabs open.
		n := 1
		if name == "alice" {
			n = 2
		}
		key := h.key(t, name, keypolicy.ScopeQotRead)
		for range n {
			clients = append(clients, client{name, h.dial(t, key, dialOpts{})})
		}
		ids = append(ids, name)
	}
	h.quote.waitHosted(t, hosts(ids...))

	for i, k := range all {
		h.quote.push(t, quotePush(t, k, float64(100+i)))
	}
	h.quote.push(t, quotePush(t, "HK.END", 1))

	var wg sync.WaitGroup
	errs := make(chan error, len(clients))
	for _, cl := range clients {
		wg.Go(func() {
			var got []string
			for {
				f, err := tryRead(cl.c)
				if err != nil {
					errs <- fmt.Errorf("%s: %v", cl.name, err)
					return
				}
				if f.Type != "quote" || f.ProtoID != protoid.QotUpdateBasicQot {
					errs <- fmt.Errorf("%s: unexpected frame %s", cl.name, f.raw)
					return
				}
				if f.SecKey == "HK.END" {
					break
				}
				// The body is the OpenD message for that one security.
				body, err := base64.StdEncoding.DecodeString(f.BodyB64)
				var r qotupdatebasicqot.Response
				if err != nil || proto.Unmarshal(body, &r) != nil || len(r.GetS2C().GetBasicQotList()) != 1 {
					errs <- fmt.Errorf("%s: bad body in %s", cl.name, f.raw)
					return
				}
				q := r.GetS2C().GetBasicQotList()[0]
				if f.SecKey[3:] != q.GetSecurity().GetCode() {
					errs <- fmt.Errorf("%s: frame %s holds %s", cl.name, f.SecKey, q.GetSecurity().GetCode())
					return
				}
				got = append(got, f.SecKey)
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(sets[cl.name]))
			if !slices.Equal(got, want) {
				errs <- fmt.Errorf("%s got %v, want %v", cl.name, got, want)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// One push becomes one frame: every socket's queue holds the very same bytes.
func TestFanoutSharesFrameBytes(t *testing.T) {
	h := start(t, func(o *Options) { o.Quote, o.Order = nil, nil })
	a := h.detached(t, "a", false)
	b := h.detached(t, "b", false)
	j := h.detached(t, "b", true) // ?format=json socket of session b
	for _, s := range []string{"a", "b"} {
		h.hub.onSessionSubs(&gatewayv1.SessionSubscriptions{SessionId: s,
			Subscriptions: []*gatewayv1.Subscription{{SecKey: "HK.00700", SubType: 1}}})
	}
	h.hub.onQuotePush(quotePush(t, "HK.00700", 320))
	ia, _ := a.q.Pop()
	ib, _ := b.q.Pop()
	ij, _ := j.q.Pop()
	if ia == nil || ia != ib || &ia.Data[0] != &ib.Data[0] {
		t.Fatal("sockets got different frames for one push")
	}
	if ij == nil || ij == ia {
		t.Fatal("the json socket got no frame or the default one")
	}
	var got struct{ Quote pushframe.Basic }
	if err := jsonUnmarshal(ij.Data, &got); err != nil || got.Quote.CurPrice != 320 || got.Quote.Code != "00700" {
		t.Fatalf("json frame %s: %v", ij.Data, err)
	}
	// Conflation: a newer push of the same security replaces the waiting one.
	h.hub.onQuotePush(quotePush(t, "HK.00700", 321))
	h.hub.onQuotePush(quotePush(t, "HK.00700", 322))
	if a.q.Len() != 1 {
		t.Fatalf("queue holds %d frames of one security", a.q.Len())
	}
	// Unsubscribed: nothing more arrives.
	h.hub.onSessionSubs(&gatewayv1.SessionSubscriptions{SessionId: "a"})
	a.q.Pop()
	h.hub.onQuotePush(quotePush(t, "HK.00700", 323))
	if a.q.Len() != 0 {
		t.Fatal("frame queued after the session unsubscribed")
	}
}

// detached registers a socket with no connection (its queue is inspected directly).
func (h *harness) detached(t *testing.T, session string, json bool) *socket {
	t.Helper()
	p := &authn.Principal{KeyID: "k-" + session, SessionID: session, Scopes: []string{keypolicy.ScopeQotRead, keypolicy.ScopeAccRead}}
	s := newSocket(h.hub, nil, p, "hash-"+session, json)
	if !h.hub.add(s) {
		t.Fatal("hub closed")
	}
	t.Cleanup(func() { h.hub.remove(s) })
	return s
}

// A socket of the same session opened after the last one closed resumes without
// subscribing again: within SessionLinger the edge still holds the session's
// subscriptions; later it hosts the session anew and the quote service re-sends them.
func TestReconnectResumes(t *testing.T) {
	h := start(t, func(o *Options) { o.SessionLinger = time.Second })
	h.quote.setSubs("sess", "HK.00700")
	c := h.dial(t, h.key(t, "sess", keypolicy.ScopeQotRead), dialOpts{})
	h.quote.waitHosted(t, hosts("sess"))
	h.quote.push(t, quotePush(t, "HK.00700", 1))
	if f := read(t, c); f.SecKey != "HK.00700" {
		t.Fatalf("got %s", f.raw)
	}
	_ = c.Close(websocket.StatusNormalClosure, "")
	testkit.Eventually(t, waitLong, "socket gone", func() bool { return h.hub.Sockets() == 0 })

	// A reload: at once, the same key.
	c1 := h.dial(t, h.key(t, "sess", keypolicy.ScopeQotRead), dialOpts{})
	testkit.Eventually(t, waitLong, "socket back", func() bool { return h.hub.Sockets() == 1 })
	h.quote.push(t, quotePush(t, "HK.00700", 1.5))
	if f := read(t, c1); f.SecKey != "HK.00700" {
		t.Fatalf("got %s", f.raw)
	}
	_ = c1.Close(websocket.StatusNormalClosure, "")
	h.quote.waitHosted(t, func(ids []string) bool { return len(ids) == 0 }) // after the linger

	// A refreshed session key: new key, same session.
	c2 := h.dial(t, h.key(t, "sess", keypolicy.ScopeQotRead), dialOpts{})
	h.quote.waitHosted(t, hosts("sess"))
	h.quote.push(t, quotePush(t, "HK.00700", 2))
	if f := read(t, c2); f.SecKey != "HK.00700" {
		t.Fatalf("got %s", f.raw)
	}
}
