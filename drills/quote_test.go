package drills

import (
	"testing"
	"time"

	"github.com/futugw/gateway/drills/internal/stack"
)

// TestQuoteKilled: the quote service dies with SIGKILL while pushes flow. The edge's
// push stream reconnects once quote runs again on the same port and the open socket
// receives quotes again.
//
// Subscriptions live in the quote service's memory, so a killed quote process forgets
// them. The edge re-hosts the socket's session on the new stream by itself; if the
// session's pairs are not restored within a grace period, the drill subscribes again
// over REST (as the panel does after an upstream_reconnected notify) and logs it.
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
	if _, ok := ws.WaitFrame(mark, 5*time.Second, stack.IsQuote("HK.00700")); !ok {
		t.Logf("no quotes within 5s of the reconnect: the new quote process does not know the session's subscriptions; subscribing again")
		if code, b := stack.Call(t, "POST", e.Base+"/api/subscribe", key, stack.SubscribeBody); code != 200 {
			t.Fatalf("subscribe again: %d %v", code, b)
		}
		if _, ok := ws.WaitFrame(mark, 20*time.Second, stack.IsQuote("HK.00700")); !ok {
			t.Fatalf("no quotes after re-subscribing; frames %v", ws.Frames()[mark:])
		}
	} else {
		t.Logf("quotes resumed without subscribing again")
	}
}
