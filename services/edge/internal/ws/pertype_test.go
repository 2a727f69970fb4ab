package ws

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatekl"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatepricereminder"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdateticker"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/platform/keypolicy"
	"github.com/futugw/gateway/platform/testkit"
)

const (
	subTicker = 4
	subKLDay  = 6
	subKL1Min = 11
)

// setSubsTyped sets session's subscriptions to secKey with each of types.
func (f *fakeQuote) setSubsTyped(session, secKey string, types ...int32) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var list []*gatewayv1.Subscription
	for _, st := range types {
		list = append(list, &gatewayv1.Subscription{SecKey: secKey, SubType: st})
	}
	f.subs[session] = list
}

func secOfKey(secKey string) *qotcommon.Security {
	market, code, _ := strings.Cut(secKey, ".")
	m := int32(1)
	if market == "US" {
		m = 11
	}
	return &qotcommon.Security{Market: proto.Int32(m), Code: proto.String(code)}
}

// klPush is a Qot_UpdateKL of secKey whose one bar closes at close, padded so a
// few frames fill the socket's buffers.
func klPush(t testing.TB, secKey string, subType, klType int32, close float64, pad int) *gatewayv1.QuotePush {
	t.Helper()
	body, err := proto.Marshal(&qotupdatekl.Response{RetType: proto.Int32(0), S2C: &qotupdatekl.S2C{
		RehabType: proto.Int32(1), KlType: proto.Int32(klType), Security: secOfKey(secKey),
		KlList: []*qotcommon.KLine{{Time: proto.String("2026-12-07 00:00:00"), IsBlank: proto.Bool(false), ClosePrice: proto.Float64(close)}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return &gatewayv1.QuotePush{ProtoId: protoid.QotUpdateKL, SecKey: secKey, SubType: subType,
		Body: padded(body, pad), ReceivedUnixNano: time.Now().UnixNano()}
}

// tickPush is a Qot_UpdateTicker of secKey holding one trade numbered seq.
func tickPush(t testing.TB, secKey string, seq int64, pad int) *gatewayv1.QuotePush {
	t.Helper()
	body, err := proto.Marshal(&qotupdateticker.Response{RetType: proto.Int32(0), S2C: &qotupdateticker.S2C{
		Security: secOfKey(secKey),
		TickerList: []*qotcommon.Ticker{{Time: proto.String("2026-12-07 10:00:00"), Sequence: proto.Int64(seq),
			Dir: proto.Int32(1), Price: proto.Float64(500), Volume: proto.Int64(100), Turnover: proto.Float64(50000)}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return &gatewayv1.QuotePush{ProtoId: protoid.QotUpdateTicker, SecKey: secKey, SubType: subTicker,
		Body: padded(body, pad), ReceivedUnixNano: time.Now().UnixNano()}
}

func decodeBody(t testing.TB, f wireFrame, m proto.Message) {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(f.BodyB64)
	if err != nil {
		t.Fatal(err)
	}
	if err := (proto.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(b, m); err != nil {
		t.Fatalf("decode %s: %v", f.raw[:min(len(f.raw), 80)], err)
	}
}

// padded appends n bytes to body as an unknown field (number 1000), which decoders
// skip: big frames fill the socket's buffers after a few writes.
func padded(body []byte, n int) []byte {
	if n == 0 {
		return body
	}
	return protowire.AppendBytes(protowire.AppendTag(body, 1000, protowire.BytesType), make([]byte, n))
}

// A socket that falls behind keeps only the latest bar of each (security, K-line
// period), and gets every ticker trade or a gap frame counting the ones it missed:
// the ticks it reads plus the gaps' counts are every tick pushed.
func TestSlowSocketKLineLatestBarTicksGap(t *testing.T) {
	const queue = 8
	h := start(t, func(o *Options) { o.WriteTimeout, o.PingInterval, o.QueueSize = time.Minute, time.Minute, queue })
	h.quote.setSubsTyped("behind", "HK.00700", subKLDay, subKL1Min, subTicker)
	c := h.dial(t, h.key(t, "behind", keypolicy.ScopeQotRead), dialOpts{}) // reads only at the end
	h.quote.waitHosted(t, hosts("behind"))

	const pad = 64 << 10 // a few frames fill the loopback buffers; the writer blocks
	const bars, ticks = 50, 200
	for i := range bars {
		h.quote.push(t, klPush(t, "HK.00700", subKLDay, int32(qotcommon.KLType_KLType_Day), float64(100+i), pad))
		h.quote.push(t, klPush(t, "HK.00700", subKL1Min, int32(qotcommon.KLType_KLType_1Min), float64(1000+i), pad))
	}
	for i := range ticks {
		h.quote.push(t, tickPush(t, "HK.00700", int64(i), pad))
	}
	testkit.Eventually(t, waitLong, "pushes consumed", func() bool { return len(h.quote.out) == 0 })

	var lastDay, lastMin float64
	dayFrames, ticksRead, missed := 0, 0, uint64(0)
	seqs := map[int64]bool{}
	for ticksRead+int(missed) < ticks || lastDay != 100+bars-1 || lastMin != 1000+bars-1 {
		f := read(t, c)
		switch {
		case f.Type == "gap":
			var g struct {
				ProtoID uint32 `json:"proto_id"`
				SecKey  string `json:"sec_key"`
				Missed  uint64 `json:"missed"`
			}
			if err := json.Unmarshal(f.raw, &g); err != nil || g.ProtoID != protoid.QotUpdateTicker || g.SecKey != "HK.00700" || g.Missed == 0 {
				t.Fatalf("gap frame %s", f.raw)
			}
			missed += g.Missed
		case f.ProtoID == protoid.QotUpdateTicker:
			var r qotupdateticker.Response
			decodeBody(t, f, &r)
			seq := r.GetS2C().GetTickerList()[0].GetSequence()
			if seqs[seq] {
				t.Fatalf("tick %d twice", seq)
			}
			seqs[seq] = true
			ticksRead++
		case f.ProtoID == protoid.QotUpdateKL:
			var r qotupdatekl.Response
			decodeBody(t, f, &r)
			p := r.GetS2C().GetKlList()[0].GetClosePrice()
			switch qotcommon.KLType(r.GetS2C().GetKlType()) {
			case qotcommon.KLType_KLType_Day:
				if p < lastDay {
					t.Fatalf("day bar %v after %v", p, lastDay)
				}
				lastDay = p
				dayFrames++
			case qotcommon.KLType_KLType_1Min:
				if p < lastMin {
					t.Fatalf("1-minute bar %v after %v", p, lastMin)
				}
				lastMin = p
			}
		}
	}
	t.Logf("day bars read %d of %d; ticks read %d, missed %d", dayFrames, bars, ticksRead, missed)
	if missed == 0 {
		t.Fatal("no tick was dropped: the socket never fell behind")
	}
	if ticksRead+int(missed) != ticks {
		t.Fatalf("ticks read %d + missed %d != %d pushed", ticksRead, missed, ticks)
	}
	if dayFrames >= bars {
		t.Fatalf("%d day bars for %d pushed: nothing conflated", dayFrames, bars)
	}
	if h.hub.Sockets() != 1 {
		t.Fatal("the slow socket was closed")
	}
}

// A price reminder (3019) needs no subscription: every socket receives it, as a
// quote frame whose body is Qot_UpdatePriceReminder.Response.
func TestPriceReminderToEverySocket(t *testing.T) {
	h := start(t, nil)
	a := h.dial(t, h.key(t, "r1", keypolicy.ScopeQotRead), dialOpts{})
	b := h.dial(t, h.key(t, "r2", keypolicy.ScopeQotRead, keypolicy.ScopeAccRead), dialOpts{})
	testkit.Eventually(t, waitLong, "two sockets", func() bool { return h.hub.Sockets() == 2 })
	body, err := proto.Marshal(&qotupdatepricereminder.Response{RetType: proto.Int32(0), S2C: &qotupdatepricereminder.S2C{
		Security: secOfKey("HK.00700"), Price: proto.Float64(501), ChangeRate: proto.Float64(1),
		MarketStatus: proto.Int32(1), Content: proto.String("price above 500"), Note: proto.String(""),
		Key: proto.Int64(7), Type: proto.Int32(1), SetValue: proto.Float64(500), CurValue: proto.Float64(501),
	}})
	if err != nil {
		t.Fatal(err)
	}
	h.quote.push(t, &gatewayv1.QuotePush{ProtoId: protoid.QotUpdatePriceReminder, SecKey: "HK.00700", Body: body})
	for _, c := range []struct {
		name string
		f    wireFrame
	}{{"qot:read", readQuote(t, a)}, {"qot:read+acc:read", readQuote(t, b)}} {
		var r qotupdatepricereminder.Response
		decodeBody(t, c.f, &r)
		if c.f.ProtoID != protoid.QotUpdatePriceReminder || c.f.SecKey != "HK.00700" || r.GetS2C().GetKey() != 7 {
			t.Fatalf("%s: frame %s", c.name, c.f.raw)
		}
	}
}

// readQuote reads until a quote frame (skipping notifications).
func readQuote(t testing.TB, c *websocket.Conn) wireFrame {
	t.Helper()
	for {
		if f := read(t, c); f.Type == "quote" {
			return f
		}
	}
}
