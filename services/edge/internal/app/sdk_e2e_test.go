package app

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/futugw/gateway/services/edge/internal/sdk/frame"
)

// TestSDKEndToEnd runs Futu's official JavaScript SDK (npm futu-api, in Node with the
// ws package as its WebSocket) against the edge's SDK listener on the real stack
// (tools/conformance/sdkws.mjs): login with a key's MD5, GetGlobalState, Qot_Sub and
// its Qot_UpdateBasicQot push, Qot_RequestHistoryKL, Qot_GetStaticInfo, Qot_RegQotPush
// off and on, the account list, Trd_SubAccPush, a simulated limit order with its
// Trd_UpdateOrder push and its cancellation, a real-account order
// refused without trade:real, a second order of a key with max_orders_per_minute 1
// refused with that reason, an unserved command refused by name, a key without
// qot:read refused with the reason, an unknown key refused at
// InitWebSocket, and a revocation closing the socket within a second.
func TestSDKEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs five binaries and Node")
	}
	node, dir := conformanceNode(t, "futu-api", "ws", "protobufjs")
	s := startFullStack(t)
	qot := s.issue(t, "sdk-qot", `"qot:read"`, "")
	noqot := s.issue(t, "sdk-acc", `"acc:read"`, "")
	trader := s.issue(t, "sdk-trade", `"qot:read","acc:read","trade:simulate"`, "")
	limited := s.issueWith(t, "sdk-limited", `"acc:read","trade:simulate"`, `{"max_orders_per_minute":1}`)

	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join(dir, "sdkws.mjs"))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "SDKWS_ADDR="+s.sdk, "SDKWS_KEY="+qot, "SDKWS_KEY_ID=sdk-qot",
		"SDKWS_NOQOT_KEY="+noqot, "SDKWS_TRADE_KEY="+trader, "SDKWS_LIMIT_KEY="+limited,
		"SDKWS_EDGE="+s.base, "SDKWS_ADMIN_KEY="+s.adminKey)
	out, err := cmd.CombinedOutput()
	t.Logf("sdkws.mjs:\n%s", out)
	if err != nil {
		t.Fatalf("sdkws.mjs failed: %v\nedge log tail:\n%s", err, tail(s.logs.String(), 30))
	}
	for _, k := range []string{qot, noqot, trader, limited, s.adminKey} {
		if strings.Contains(s.logs.String(), k) {
			t.Error("a key reached the edge's log")
		}
	}
}

// conformanceNode finds node and tools/conformance with pkgs installed; it skips
// the test when they are missing, or fails it under FUTUGW_REQUIRE_CONFORMANCE=1
// (make test installs them first).
func conformanceNode(t *testing.T, pkgs ...string) (node, dir string) {
	t.Helper()
	skip := func(format string, args ...any) {
		t.Helper()
		if os.Getenv("FUTUGW_REQUIRE_CONFORMANCE") == "1" {
			t.Fatalf(format, args...)
		}
		t.Skipf(format, args...)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		skip("node is not on PATH: %v", err)
	}
	dir, err = filepath.Abs("../../../../tools/conformance")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pkgs {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", p, "package.json")); err != nil {
			skip("%s is not installed; run `cd tools/conformance && npm ci`: %v", p, err)
		}
	}
	return node, dir
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// TestSDKExpiryEndToEnd: an SDK socket of a key about to expire is closed (4001)
// within a second of the expiry: its session key never outlives the key, and the
// edge's sweep closes it.
func TestSDKExpiryEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs five binaries")
	}
	s := startFullStack(t)
	code, b := s.call(t, "POST", "/api/admin/keys", s.adminKey, `{"id":"sdk-short","scopes":["qot:read"],"expires_in":"3s"}`)
	if code != 200 {
		t.Fatalf("issue: %d %v", code, b)
	}
	key := b["key"].(string)
	expires := time.Now().Add(3 * time.Second) // no earlier than the key's expiry

	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws://"+s.sdk, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	sum := md5.Sum([]byte(key))
	c2s := protowire.AppendString(protowire.AppendTag(nil, 4, protowire.BytesType), hex.EncodeToString(sum[:]))
	body := protowire.AppendBytes(protowire.AppendTag(nil, 1, protowire.BytesType), c2s)
	if err := c.Write(ctx, websocket.MessageBinary, frame.AppendRequest(nil, frame.CmdInit, 2, body)); err != nil {
		t.Fatal(err)
	}
	_, msg, err := c.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r, err := frame.DecodeResponse(msg); err != nil || r.Error != 0 {
		t.Fatalf("InitWebSocket: %+v %v", r, err)
	}
	for {
		_, _, err := c.Read(ctx)
		if err == nil {
			continue
		}
		var ce websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != 4001 {
			t.Fatalf("closed with %v, want 4001", err)
		}
		break
	}
	if late := time.Since(expires); late > time.Second {
		t.Errorf("closed %v after the key expired", late)
	}
}
