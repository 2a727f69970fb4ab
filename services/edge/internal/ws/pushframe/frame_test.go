package pushframe

import (
	"encoding/base64"
	"encoding/json"
	"testing"

	"google.golang.org/protobuf/proto"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatebasicqot"
	"github.com/futugw/gateway/opend/protoid"
)

func basicBody(t *testing.T, code string, price float64) []byte {
	t.Helper()
	b, err := proto.Marshal(BasicResponse(1, code, price))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// BasicResponse is a valid Qot_UpdateBasicQot.Response for one security (test helper).
func BasicResponse(market int32, code string, price float64) *qotupdatebasicqot.Response {
	return &qotupdatebasicqot.Response{
		RetType: proto.Int32(0),
		S2C: &qotupdatebasicqot.S2C{BasicQotList: []*qotcommon.BasicQot{{
			Security:    &qotcommon.Security{Market: proto.Int32(market), Code: proto.String(code)},
			IsSuspended: proto.Bool(false), ListTime: proto.String("2004-06-16"), PriceSpread: proto.Float64(0.2),
			UpdateTime: proto.String("2025-01-02 10:00:00"), HighPrice: proto.Float64(price + 1),
			OpenPrice: proto.Float64(price), LowPrice: proto.Float64(price - 1), CurPrice: proto.Float64(price),
			LastClosePrice: proto.Float64(price), Volume: proto.Int64(100), Turnover: proto.Float64(price * 100),
			TurnoverRate: proto.Float64(0), Amplitude: proto.Float64(0),
		}}},
	}
}

func TestQuoteFrames(t *testing.T) {
	body := basicBody(t, "00700", 321.5)
	p := &gatewayv1.QuotePush{ProtoId: protoid.QotUpdateBasicQot, SecKey: "HK.00700", SubType: 1, Body: body}

	b, err := Quote(p)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"quote","proto_id":3005,"sec_key":"HK.00700","body_b64":"` + base64.StdEncoding.EncodeToString(body) + `"}`
	if string(b) != want {
		t.Fatalf("Quote = %s\nwant %s", b, want)
	}

	b, err = QuoteJSON(p)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Type    string
		BodyB64 string `json:"body_b64"`
		Quote   Basic
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.Type != "quote" || got.Quote.Code != "00700" || got.Quote.CurPrice != 321.5 || got.BodyB64 == "" {
		t.Fatalf("QuoteJSON = %s", b)
	}

	// Other push types keep the default shape; bad bodies are errors, never panics.
	if b, err := QuoteJSON(&gatewayv1.QuotePush{ProtoId: protoid.QotUpdateOrderBook, SecKey: "HK.00700", Body: []byte{1}}); err != nil || string(b) == "" {
		t.Fatalf("QuoteJSON(3013) = %s, %v", b, err)
	}
	for _, bad := range [][]byte{{0xff, 0xff}, nil} {
		if _, err := QuoteJSON(&gatewayv1.QuotePush{ProtoId: protoid.QotUpdateBasicQot, Body: bad}); err == nil {
			t.Errorf("QuoteJSON(%x) accepted", bad)
		}
	}
}

func TestTradeAndNotify(t *testing.T) {
	b, err := Trade(&gatewayv1.TradePush{ProtoId: protoid.TrdUpdateOrder, AccId: 1001, Body: []byte("x")})
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"type":"trade","proto_id":2208,"acc_id":"1001","body_b64":"eA=="}` {
		t.Fatalf("Trade = %s", b)
	}
	if got := string(Notify("key_expiring", `a "quoted" <msg>`)); got != `{"type":"notify","event":"key_expiring","message":"a \"quoted\" \u003cmsg\u003e"}` {
		t.Fatalf("Notify = %s", got)
	}
}

func TestGapFrame(t *testing.T) {
	got := string(Gap(3011, "HK.00700", 42))
	if want := `{"type":"gap","proto_id":3011,"sec_key":"HK.00700","missed":42}`; got != want {
		t.Fatalf("Gap = %s, want %s", got, want)
	}
}
