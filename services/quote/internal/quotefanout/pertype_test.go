package quotefanout

import (
	"context"
	"errors"
	"testing"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatekl"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatepricereminder"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatert"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdateticker"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/services/quote/internal/subs"
	"google.golang.org/protobuf/proto"
)

func sec(s subs.Security) *qotcommon.Security {
	return &qotcommon.Security{Market: proto.Int32(s.Market), Code: proto.String(s.Code)}
}

func klBody(t testing.TB, s subs.Security, kl qotcommon.KLType, close float64) []byte {
	t.Helper()
	b, err := proto.Marshal(&qotupdatekl.Response{RetType: proto.Int32(0), S2C: &qotupdatekl.S2C{
		RehabType: proto.Int32(1), KlType: proto.Int32(int32(kl)), Security: sec(s),
		KlList: []*qotcommon.KLine{{Time: proto.String("2026-12-07 00:00:00"), IsBlank: proto.Bool(false), ClosePrice: proto.Float64(close)}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func tickBody(t testing.TB, s subs.Security, seq int64) []byte {
	t.Helper()
	b, err := proto.Marshal(&qotupdateticker.Response{RetType: proto.Int32(0), S2C: &qotupdateticker.S2C{
		Security: sec(s), TickerList: []*qotcommon.Ticker{{Time: proto.String("2026-12-07 10:00:00"), Sequence: proto.Int64(seq),
			Dir: proto.Int32(1), Price: proto.Float64(1), Volume: proto.Int64(1), Turnover: proto.Float64(1)}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// K-line pushes route by their period's sub type and conflate per (security,
// period); RT by SubType RT; tickers keep every trade in order; a price reminder
// reaches every stream without a subscription.
func TestPerTypeRouting(t *testing.T) {
	h := New(Options{})
	s := h.Open()
	defer s.Close()
	day := int32(qotcommon.SubType_SubType_KL_Day)
	h.SessionChanged("a", []subs.Pair{{Sec: tencent, SubType: day}, {Sec: tencent, SubType: subs.SubRT}, {Sec: tencent, SubType: subs.SubTicker}})
	s.SetSessions([]string{"a"})
	next(t, s) // session_subs

	for i := range 10 {
		if err := h.Publish(protoid.QotUpdateKL, klBody(t, tencent, qotcommon.KLType_KLType_Day, float64(i)), 1); err != nil {
			t.Fatal(err)
		}
		// A period nobody subscribed to goes nowhere.
		_ = h.Publish(protoid.QotUpdateKL, klBody(t, tencent, qotcommon.KLType_KLType_1Min, float64(i)), 1)
		if err := h.Publish(protoid.QotUpdateTicker, tickBody(t, tencent, int64(i)), 1); err != nil {
			t.Fatal(err)
		}
	}
	rt, _ := proto.Marshal(&qotupdatert.Response{RetType: proto.Int32(0), S2C: &qotupdatert.S2C{Security: sec(tencent)}})
	if err := h.Publish(protoid.QotUpdateRT, rt, 1); err != nil {
		t.Fatal(err)
	}
	rem, _ := proto.Marshal(&qotupdatepricereminder.Response{RetType: proto.Int32(0), S2C: &qotupdatepricereminder.S2C{
		Security: sec(apple), Price: proto.Float64(201), ChangeRate: proto.Float64(1), MarketStatus: proto.Int32(1),
		Content: proto.String("price above 200"), Note: proto.String(""), Key: proto.Int64(7), Type: proto.Int32(1),
		SetValue: proto.Float64(200), CurValue: proto.Float64(201)}})
	other := h.Open() // hosts no session: still gets the reminder
	defer other.Close()
	if err := h.Publish(protoid.QotUpdatePriceReminder, rem, 1); err != nil {
		t.Fatal(err)
	}
	if m := next(t, other); m.GetProtoId() != protoid.QotUpdatePriceReminder || m.GetSecKey() != "US.AAPL" {
		t.Fatalf("reminder on a stream without sessions: %v", m)
	}

	var bars, rts, reminders int
	var seqs []int64
	for _, m := range drain(s) {
		switch m.GetProtoId() {
		case protoid.QotUpdateKL:
			var r qotupdatekl.Response
			_ = proto.Unmarshal(m.GetBody(), &r)
			if m.GetSubType() != day || r.GetS2C().GetKlList()[0].GetClosePrice() != 9 {
				t.Fatalf("K-line frame %v: want the day period's latest bar only", m)
			}
			bars++
		case protoid.QotUpdateTicker:
			var r qotupdateticker.Response
			_ = proto.Unmarshal(m.GetBody(), &r)
			seqs = append(seqs, r.GetS2C().GetTickerList()[0].GetSequence())
		case protoid.QotUpdateRT:
			rts++
		case protoid.QotUpdatePriceReminder:
			reminders++
		}
	}
	if bars != 1 || rts != 1 || reminders != 1 || len(seqs) != 10 {
		t.Fatalf("bars %d rts %d reminders %d ticks %v", bars, rts, reminders, seqs)
	}
	for i, q := range seqs {
		if q != int64(i) {
			t.Fatalf("ticks out of order: %v", seqs)
		}
	}
}

// Ticks are never conflated: a stream whose ticker FIFO overflows fails (the edge
// reconnects and tells its sockets) instead of losing trades unannounced.
func TestTickOverflowFailsStream(t *testing.T) {
	h := New(Options{MaxQuotes: 4})
	s := h.Open()
	defer s.Close()
	h.SessionChanged("a", []subs.Pair{{Sec: tencent, SubType: subs.SubTicker}})
	s.SetSessions([]string{"a"})
	for i := range 5 {
		_ = h.Publish(protoid.QotUpdateTicker, tickBody(t, tencent, int64(i)), 1)
	}
	if _, err := s.Next(context.Background()); !errors.Is(err, ErrOverflow) {
		t.Fatalf("err = %v", err)
	}
}
