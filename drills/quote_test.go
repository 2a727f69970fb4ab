package drills

import (
	"testing"
	"time"

	"github.com/futugw/gateway/drills/internal/stack"
)

// TestQuoteKilled: the quote service dies with SIGKILL while pushes flow. The edge's
// push stream reconnects once quote runs again on the same port and the open socket
// receives quotes again, without subscribing again: the quote service saved the
// session's subscriptions in Redis as they were made, the new process restores them
// (and OpenD's subscriptions) before serving, and the edge re-hosts the session.
func TestQuoteKilled(t *testing.T) {
	s := stack.Start(t)
	e := s.StartEdge("")
	key := s.IssueKey("quote-drill", "qot:read")

	if code, b := stack.Call(t, "POST", e.Base+"/api/subscribe", key, stack.SubscribeBody); code != 200 {
		t.Fatalf("subscribe: %d %v", code, b)
	}
	ws := stack.MustDial(t, wsURL(e.Base), key, "")
	if _, ok := ws.WaitFrame(0, 20*time.Second, stack.IsQuote("HK.00700")); !ok {
		t.Fatalf("no quote before the kill; frames %v", ws.Frames())
	}

	mark := ws.Mark()
	stack.Kill(t, s.Quote)
	if _, ok := ws.WaitFrame(mark, 20*time.Second, stack.IsNotify("upstream_disconnected")); !ok {
		t.Errorf("no upstream_disconnected notify after the kill; frames %v", ws.Frames()[mark:])
	}
	if code, ok := ws.WaitClosed(0); ok {
		t.Fatalf("the socket closed (%v) when quote died", code)
	}

	mark = ws.Mark()
	s.StartQuote()
	if _, ok := ws.WaitFrame(mark, 30*time.Second, stack.IsNotify("upstream_reconnected")); !ok {
		t.Fatalf("the edge's quote stream did not reconnect; frames %v\nedge log:\n%s", ws.Frames()[mark:], e.Proc.Output())
	}
	if _, ok := ws.WaitFrame(mark, 10*time.Second, stack.IsQuote("HK.00700")); !ok {
		t.Fatalf("no quotes after the restart without subscribing again; frames %v\nquote log:\n%s",
			ws.Frames()[mark:], s.Quote.Output())
	}
	restored := false
	for _, r := range s.Quote.Records() {
		if n, _ := r["sessions"].(float64); r.Msg() == "session subscriptions restored" && n >= 1 {
			restored = true
		}
	}
	if !restored {
		t.Errorf("the new quote process did not restore the session from Redis:\n%s", s.Quote.Output())
	}
}
