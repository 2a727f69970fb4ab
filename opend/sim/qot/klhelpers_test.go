package qot

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetkl"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotrequesthistorykl"
	"github.com/futugw/gateway/opend/envelope"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim/kline"
	"github.com/futugw/gateway/opend/sim/rawclient"
	"github.com/futugw/gateway/platform/testkit"
	"google.golang.org/protobuf/proto"
)

const klKey = "HK.00700"

// histReq is one Qot_RequestHistoryKL call.
type histReq struct {
	key        string
	kl         kline.KLType
	rt         kline.RehabType
	begin, end string
	max        int32
	next       []byte
	fields     *int64
	ext        bool  // extendedTime
	session    int32 // Common.Session; 0 = not sent
}

func callHistory(ctx context.Context, t *testing.T, c *rawclient.Client, r histReq) (*qotrequesthistorykl.S2C, envelope.Status) {
	t.Helper()
	if r.key == "" {
		r.key = klKey
	}
	c2s := &qotrequesthistorykl.C2S{
		RehabType: proto.Int32(int32(r.rt)), KlType: proto.Int32(int32(r.kl)),
		Security: securityOf(r.key), BeginTime: proto.String(r.begin), EndTime: proto.String(r.end),
		NextReqKey: r.next, NeedKLFieldsFlag: r.fields,
	}
	if r.ext {
		c2s.ExtendedTime = proto.Bool(true)
	}
	if r.session != 0 {
		c2s.Session = proto.Int32(r.session)
	}
	if r.max > 0 {
		c2s.MaxAckKLNum = proto.Int32(r.max)
	}
	var resp qotrequesthistorykl.Response
	st, err := c.Call(ctx, protoid.QotRequestHistoryKL, &qotrequesthistorykl.Request{C2S: c2s}, &resp)
	if err != nil {
		t.Fatalf("Qot_RequestHistoryKL: %v", err)
	}
	return resp.GetS2C(), st
}

// history fetches every page of r and returns all bars.
func history(ctx context.Context, t *testing.T, c *rawclient.Client, r histReq) []*qotcommon.KLine {
	t.Helper()
	var out []*qotcommon.KLine
	for {
		s2c, st := callHistory(ctx, t, c, r)
		mustOK(t, st, "Qot_RequestHistoryKL")
		out = append(out, s2c.GetKlList()...)
		if s2c.GetNextReqKey() == nil {
			return out
		}
		if r.max > 0 && len(s2c.GetKlList()) != int(r.max) {
			t.Fatalf("a page before the last has %d bars, want %d", len(s2c.GetKlList()), r.max)
		}
		r.next = s2c.GetNextReqKey()
	}
}

func callGetKL(ctx context.Context, t *testing.T, c *rawclient.Client, kl kline.KLType, rt kline.RehabType, n int32) (*qotgetkl.S2C, envelope.Status) {
	t.Helper()
	var resp qotgetkl.Response
	st, err := c.Call(ctx, protoid.QotGetKL, &qotgetkl.Request{C2S: &qotgetkl.C2S{
		RehabType: proto.Int32(int32(rt)), KlType: proto.Int32(int32(kl)),
		Security: securityOf(klKey), ReqNum: proto.Int32(n)}}, &resp)
	if err != nil {
		t.Fatalf("Qot_GetKL: %v", err)
	}
	return resp.GetS2C(), st
}

// barsOf reads KLine messages back into bars in the market's zone.
func barsOf(t *testing.T, list []*qotcommon.KLine, loc *time.Location) []kline.Bar {
	t.Helper()
	out := make([]kline.Bar, len(list))
	for i, k := range list {
		at, err := time.ParseInLocation(kline.TimeLayout, k.GetTime(), loc)
		if err != nil {
			t.Fatal(err)
		}
		if k.GetTimestamp() != float64(at.Unix()) {
			t.Fatalf("bar %s: timestamp %v != time", k.GetTime(), k.GetTimestamp())
		}
		out[i] = kline.Bar{Time: at, Open: k.GetOpenPrice(), High: k.GetHighPrice(), Low: k.GetLowPrice(),
			Close: k.GetClosePrice(), LastClose: k.GetLastClosePrice(), Volume: k.GetVolume(), Turnover: k.GetTurnover()}
	}
	return out
}

// sameBar compares two bars, turnover up to float summation order.
func sameBar(t *testing.T, what string, got, want kline.Bar) {
	t.Helper()
	if !got.Time.Equal(want.Time) || got.Open != want.Open || got.High != want.High || got.Low != want.Low ||
		got.Close != want.Close || got.LastClose != want.LastClose || got.Volume != want.Volume ||
		math.Abs(got.Turnover-want.Turnover) > 1e-6*math.Max(1, want.Turnover) {
		t.Errorf("%s:\n got  %+v\n want %+v", what, got, want)
	}
}

// listening waits until Run's K-line tick listener sees the market, stepping
// a security no K-line test uses.
func (e *env) listening(t *testing.T) {
	t.Helper()
	testkit.Eventually(t, 10*time.Second, "the K-line tick listener", func() bool {
		e.mkt.Step("US.TSLA")
		return e.svc.kl.book.ticks.Load() > 0
	})
}

// trade makes key's Builder (as a K-line subscription would), then steps key
// n times, the clock advancing step each time.
func (e *env) trade(t *testing.T, key string, n int, step time.Duration) {
	t.Helper()
	e.listening(t)
	s, _ := e.svc.kl.book.series(key)
	e.svc.kl.book.ensure(s)
	e.steps(key, n, step)
}

func (e *env) steps(key string, n int, step time.Duration) {
	for range n {
		e.clock.Advance(step)
		e.mkt.Step(key)
	}
}
