package app

import (
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/futugw/gateway/platform/redisx"
	"github.com/futugw/gateway/platform/testkit"
	"github.com/futugw/gateway/platform/testkit/logtest"
	"github.com/futugw/gateway/platform/testkit/redistest"
)

// TestUpstreamFaultsHideInternals: with the services down, an anonymous caller
// learns that they are down, never where they live: neither a REST error body (the
// gRPC client's dial error names the address) nor the public /readyz carries an
// internal address; the edge's log gets the details instead.
func TestUpstreamFaultsHideInternals(t *testing.T) {
	auth := deadAddr(t)
	var logs logtest.Buffer
	base := startEdge(t, Config{
		AuthAddr: auth, QuoteAddr: deadAddr(t), OrderAddr: deadAddr(t),
		Redis: redisx.Options{Addrs: redistest.Start(t)},
	}, slog.New(slog.NewJSONHandler(&logs, nil)))

	resp, b := testkit.Send(t, "GET", base+"/api/auth/whoami", "", map[string]string{"Authorization": "Bearer x"})
	if resp.StatusCode != 503 || strings.Contains(b, auth) || strings.Contains(b, "dial") {
		t.Errorf("REST error: %d %s; want 503 without the address %s", resp.StatusCode, b, auth)
	}
	if !strings.Contains(logs.String(), `"msg":"service call failed"`) || !strings.Contains(logs.String(), auth) {
		t.Errorf("the edge did not log the failed call's detail:\n%s", logs.String())
	}

	for range 2 { // the second evaluation logs nothing new
		resp, b = testkit.Send(t, "GET", base+"/readyz", "", nil)
	}
	var rep struct {
		Status string `json:"status"`
		Checks []struct{ Name, Status, Error string }
	}
	if err := json.Unmarshal([]byte(b), &rep); err != nil {
		t.Fatal(err, b)
	}
	failing := map[string]bool{}
	for _, c := range rep.Checks {
		if c.Status != "ok" {
			failing[c.Name] = true
		}
		if c.Error != "" {
			t.Errorf("/readyz shows check %s's error %q", c.Name, c.Error)
		}
	}
	if resp.StatusCode != 503 || rep.Status != "not_ready" || !failing["auth"] || strings.Contains(b, auth) {
		t.Errorf("/readyz: %d %s; want not_ready with auth failing and no address", resp.StatusCode, b)
	}
	if n := strings.Count(logs.String(), `"check":"auth"`); n != 1 || !strings.Contains(logs.String(), auth) {
		t.Errorf("the edge logged auth's failure %d times (want once, with its address):\n%s", n, logs.String())
	}
}
