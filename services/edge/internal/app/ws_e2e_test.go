package app

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/futugw/gateway/platform/testkit/logtest"

	"github.com/coder/websocket"
	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatebasicqot"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/platform/redisx"
	"github.com/futugw/gateway/platform/testkit/proctest"
	"github.com/futugw/gateway/platform/testkit/redistest"
)

// TestWebSocketEndToEnd runs Redis, auth, opend-sim, quote and order binaries and
// the in-process edge: a key subscribes over REST, opens /ws and receives 3005 frames
// for that security; a new socket of the same key resumes without subscribing again.
func TestWebSocketEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs five binaries")
	}
	redisAddr := redistest.Start(t)
	dir := t.TempDir()
	adminFile, svcFile := filepath.Join(dir, "admin.key"), filepath.Join(dir, "svc.key")

	authBin := proctest.Build(t, "../../../auth/cmd/auth")
	simBin := proctest.Build(t, "../../../../opend/cmd/opend-sim")
	quoteBin := proctest.Build(t, "../../../quote/cmd/quote")
	orderBin := proctest.Build(t, "../../../order/cmd/order")

	auth := proctest.Start(t, authBin, nil, "-grpc-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0",
		"-redis-addr", redisAddr, "-bootstrap-admin-file", adminFile, "-bootstrap-service-file", svcFile)
	authAddr := auth.Addr("grpc")
	proctest.WaitGRPCServing(t, authAddr, "")

	sim := proctest.Start(t, simBin, nil, "-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0",
		"-push-interval", "20ms", "-min-sub-hold", "1s")
	opendAddr := sim.WaitLog(func(r proctest.Record) bool { return r.Msg() == "opend-sim serving" }).Str("addr")

	quote := proctest.Start(t, quoteBin, nil, "-grpc-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0",
		"-opend-addr", opendAddr, "-auth-addr", authAddr, "-redis-addr", redisAddr, "-min-sub-hold", "1s")
	quoteAddr := quote.Addr("grpc")
	order := proctest.Start(t, orderBin, nil, "-grpc-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0",
		"-opend-addr", opendAddr, "-auth-addr", authAddr, "-redis-addr", redisAddr)
	orderAddr := order.Addr("grpc")
	proctest.WaitGRPCServing(t, quoteAddr, "")

	svcKey, err := os.ReadFile(svcFile)
	if err != nil {
		t.Fatal(err)
	}
	adminKey, err := os.ReadFile(adminFile)
	if err != nil {
		t.Fatal(err)
	}
	logs := &logtest.Buffer{}
	s := &stack{adminKey: strings.TrimSpace(string(adminKey)), logs: logs}
	s.base = startEdge(t, Config{
		AuthAddr: authAddr, QuoteAddr: quoteAddr, OrderAddr: orderAddr,
		Redis:      redisx.Options{Addrs: redisAddr},
		ServiceKey: strings.TrimSpace(string(svcKey)),
	}, slog.New(slog.NewJSONHandler(logs, nil)))

	code, issued := s.call(t, "POST", "/api/admin/keys", s.adminKey, `{"id":"ws-e2e","scopes":["qot:read"],"expires_in":"1h"}`)
	if code != 200 {
		t.Fatalf("issue key: %d %v", code, issued)
	}
	key := issued["key"].(string)
	if code, b := s.call(t, "POST", "/api/subscribe", key,
		`{"security_list":[{"market":1,"code":"00700"}],"sub_type_list":[1]}`); code != 200 {
		t.Fatalf("subscribe: %d %v", code, b)
	}

	wsURL := "ws" + strings.TrimPrefix(s.base, "http") + "/ws?token=" + key
	for round := range 2 { // the second socket resumes without subscribing again
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		c, _, err := websocket.Dial(ctx, wsURL, nil)
		if err != nil {
			cancel()
			t.Fatalf("round %d: dial: %v", round, err)
		}
		quotes := 0
		for quotes < 3 {
			_, b, err := c.Read(ctx)
			if err != nil {
				t.Fatalf("round %d: read: %v\n%s", round, err, quote.Output())
			}
			var f struct {
				Type, SecKey, BodyB64 string
				ProtoID               uint32 `json:"proto_id"`
			}
			_ = json.Unmarshal(b, &f)
			if f.Type != "quote" {
				continue // notifications
			}
			var sk struct {
				SecKey  string `json:"sec_key"`
				BodyB64 string `json:"body_b64"`
			}
			_ = json.Unmarshal(b, &sk)
			body, err := base64.StdEncoding.DecodeString(sk.BodyB64)
			var r qotupdatebasicqot.Response
			if err != nil || proto.Unmarshal(body, &r) != nil || f.ProtoID != protoid.QotUpdateBasicQot || sk.SecKey != "HK.00700" {
				t.Fatalf("round %d: frame %s", round, b)
			}
			list := r.GetS2C().GetBasicQotList()
			if len(list) != 1 || list[0].GetSecurity().GetCode() != "00700" || list[0].GetCurPrice() <= 0 {
				t.Fatalf("round %d: body %v", round, &r)
			}
			quotes++
		}
		_ = c.Close(websocket.StatusNormalClosure, "")
		cancel()
	}
	if strings.Contains(logs.String(), key) {
		t.Fatal("the key appears in the edge logs")
	}
}
