package app

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetsecuritysnapshot"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotsetpricereminder"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatebroker"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatekl"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatepricereminder"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatert"
	"github.com/futugw/gateway/opend/client"
	"github.com/futugw/gateway/opend/protoid"
)

// TestKLineRTBrokerPushesEndToEnd subscribes HK.00700 to K-line day, RT and broker
// queue over REST (Redis, auth, quote, order binaries and opend-sim behind the
// in-process edge): the catalog's K-line, RT and broker reads that OpenD refuses
// without those subscriptions now answer, and /ws carries 3007 (day bars), 3009 and
// 3015 frames that decode with Futu's messages.
func TestKLineRTBrokerPushesEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs five binaries")
	}
	// A Monday morning in Hong Kong, so that bars and RT minutes form.
	s := startFullStack(t, "-clock-start", "2026-12-07T10:00:00+08:00")
	key := s.issue(t, "pushes", `"qot:read"`, "")
	sub := func(types string) {
		t.Helper()
		if code, b := s.call(t, "POST", "/api/subscribe", key,
			`{"security_list":[{"market":1,"code":"00700"}],"sub_type_list":`+types+`}`); code != 200 {
			t.Fatalf("subscribe %s: %d %v", types, code, b)
		}
	}
	sub(`[6,5,14]`) // KL_Day, RT, Broker
	if code, b := s.call(t, "POST", "/api/subscribe", key,
		`{"security_list":[{"market":1,"code":"00700"}],"sub_type_list":[3]}`); code != 400 || b["reason"] != "invalid_argument" {
		t.Fatalf("unknown sub type 3: %d %v", code, b)
	}

	for _, r := range []struct{ path, field string }{
		{"/api/kline?rehab_type=1&kl_type=2&security.market=1&security.code=00700&req_num=5", "kl_list"},
		{"/api/rt?security.market=1&security.code=00700", "rt_list"},
		{"/api/broker?security.market=1&security.code=00700", "broker_ask_list"},
	} {
		code, b := s.call(t, "GET", r.path, key, "")
		if code != 200 {
			t.Fatalf("GET %s after subscribing: %d %v", r.path, code, b)
		}
		if _, ok := b[r.field]; !ok {
			t.Errorf("GET %s: no %s in %v", r.path, r.field, b)
		}
	}

	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.base, "http")+"/ws?token="+key, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	seen := map[uint32]int{}
	for seen[protoid.QotUpdateKL] < 3 || seen[protoid.QotUpdateRT] < 3 || seen[protoid.QotUpdateBroker] < 1 {
		_, b, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("read: %v (seen %v)", err, seen)
		}
		var f struct {
			Type    string `json:"type"`
			ProtoID uint32 `json:"proto_id"`
			SecKey  string `json:"sec_key"`
			BodyB64 string `json:"body_b64"`
		}
		if err := json.Unmarshal(b, &f); err != nil {
			t.Fatalf("frame %s: %v", b, err)
		}
		if f.Type != "quote" {
			continue
		}
		if f.SecKey != "HK.00700" {
			t.Fatalf("frame for %s: %s", f.SecKey, b)
		}
		body, err := base64.StdEncoding.DecodeString(f.BodyB64)
		if err != nil {
			t.Fatal(err)
		}
		switch f.ProtoID {
		case protoid.QotUpdateKL:
			var r qotupdatekl.Response
			if err := proto.Unmarshal(body, &r); err != nil {
				t.Fatal(err)
			}
			s2c := r.GetS2C()
			if s2c.GetKlType() != int32(qotcommon.KLType_KLType_Day) || s2c.GetSecurity().GetCode() != "00700" ||
				len(s2c.GetKlList()) == 0 || s2c.GetKlList()[0].GetClosePrice() <= 0 {
				t.Fatalf("K-line push %v", &r)
			}
		case protoid.QotUpdateRT:
			var r qotupdatert.Response
			if err := proto.Unmarshal(body, &r); err != nil {
				t.Fatal(err)
			}
			if r.GetS2C().GetSecurity().GetCode() != "00700" || len(r.GetS2C().GetRtList()) == 0 || r.GetS2C().GetRtList()[0].GetPrice() <= 0 {
				t.Fatalf("RT push %v", &r)
			}
		case protoid.QotUpdateBroker:
			var r qotupdatebroker.Response
			if err := proto.Unmarshal(body, &r); err != nil {
				t.Fatal(err)
			}
			if r.GetS2C().GetSecurity().GetCode() != "00700" || len(r.GetS2C().GetBrokerAskList())+len(r.GetS2C().GetBrokerBidList()) == 0 {
				t.Fatalf("broker push %v", &r)
			}
		default:
			t.Fatalf("unexpected push %d: %s", f.ProtoID, b)
		}
		seen[f.ProtoID]++
	}
}

// TestPriceReminderPushEndToEnd: a price reminder set on the user's OpenD (here by
// another connection of the same login, as the Futu app would) fires when the walk
// crosses it, and OpenD's 3019 push reaches the socket of a qot:read key that
// subscribed to nothing, decodable as Qot_UpdatePriceReminder.Response.
func TestPriceReminderPushEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs five binaries")
	}
	s := startFullStack(t, "-clock-start", "2026-12-07T10:00:00+08:00")
	key := s.issue(t, "reminders", `"qot:read"`, "")
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.base, "http")+"/ws?token="+key, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()

	other, err := client.Dial(ctx, client.Config{Addr: s.opend, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	hk := &qotcommon.Security{Market: proto.Int32(1), Code: proto.String("00700")}
	var snap qotgetsecuritysnapshot.Response
	if err := other.Call(ctx, protoid.QotGetSecuritySnapshot, &qotgetsecuritysnapshot.Request{C2S: &qotgetsecuritysnapshot.C2S{
		SecurityList: []*qotcommon.Security{hk}}}, &snap); err != nil {
		t.Fatal(err)
	}
	cur := snap.GetS2C().GetSnapshotList()[0].GetBasic().GetCurPrice()
	keys := map[int64]bool{}
	for _, r := range []struct {
		typ   qotcommon.PriceReminderType
		value float64
	}{{qotcommon.PriceReminderType_PriceReminderType_PriceUp, cur + 0.2}, {qotcommon.PriceReminderType_PriceReminderType_PriceDown, cur - 0.2}} {
		var resp qotsetpricereminder.Response
		if err := other.Call(ctx, protoid.QotSetPriceReminder, &qotsetpricereminder.Request{C2S: &qotsetpricereminder.C2S{
			Security: hk, Op: proto.Int32(int32(qotsetpricereminder.SetPriceReminderOp_SetPriceReminderOp_Add)),
			Type: proto.Int32(int32(r.typ)), Freq: proto.Int32(int32(qotcommon.PriceReminderFreq_PriceReminderFreq_Always)),
			Value: proto.Float64(r.value), Note: proto.String("e2e"),
		}}, &resp); err != nil {
			t.Fatalf("set reminder at %v: %v", r.value, err)
		}
		keys[resp.GetS2C().GetKey()] = true
	}

	for {
		_, b, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("no reminder frame: %v", err)
		}
		var f struct {
			Type    string `json:"type"`
			ProtoID uint32 `json:"proto_id"`
			SecKey  string `json:"sec_key"`
			BodyB64 string `json:"body_b64"`
		}
		if err := json.Unmarshal(b, &f); err != nil {
			t.Fatal(err)
		}
		if f.Type != "quote" {
			continue
		}
		body, _ := base64.StdEncoding.DecodeString(f.BodyB64)
		var r qotupdatepricereminder.Response
		if f.ProtoID != protoid.QotUpdatePriceReminder || f.SecKey != "HK.00700" || proto.Unmarshal(body, &r) != nil ||
			!keys[r.GetS2C().GetKey()] || r.GetS2C().GetNote() != "e2e" {
			t.Fatalf("frame %s (%v)", b, &r)
		}
		return
	}
}
