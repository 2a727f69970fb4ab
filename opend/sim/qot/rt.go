package qot

import (
	"context"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetrt"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatert"
	"github.com/futugw/gateway/opend/server"
	"github.com/futugw/gateway/opend/sim/kline"
	"github.com/futugw/gateway/opend/sim/market"
	"google.golang.org/protobuf/proto"
)

// An RT point is the 1-minute K-line of the same minute (close = price): the
// time-share is read from the security's K-line Builder (klines.go), so RT and
// K-lines agree by construction.

// rtMinutes returns key's time-share of the live day so far, starting the
// security's Builder when it has none.
func (s *Service) rtMinutes(key string) []kline.Bar {
	series, ok := s.kl.book.series(key)
	if !ok {
		return nil
	}
	return s.kl.book.ensure(series).Minutes()
}

// latestSession is what Qot_GetRT shows: today's time-share, or on a day
// without trading (a weekend, a holiday) the whole of the last trading day,
// as OpenD keeps showing the last session while the market is closed.
func (s *Service) latestSession(key string) []kline.Bar {
	series, ok := s.kl.book.series(key)
	if !ok {
		return nil
	}
	today := series.Today()
	if bars := s.kl.book.ensure(series).Minutes(); len(bars) > 0 || len(series.Calendar().Sessions(today)) > 0 {
		return bars
	}
	prev, ok := kline.PrevTradingDay(series.Calendar(), today)
	if !ok {
		return nil
	}
	bars, _ := series.Minutes(prev)
	return bars
}

// timeShares converts minute bars to RT points; avgPrice is the day's
// volume-weighted average up to each minute.
func timeShares(bars []kline.Bar) []*qotcommon.TimeShare {
	out := make([]*qotcommon.TimeShare, 0, len(bars))
	var vol int64
	var turnover float64
	for _, b := range bars {
		vol += b.Volume
		turnover += b.Turnover
		avg := b.Close
		if vol > 0 {
			avg = round4(turnover / float64(vol))
		}
		out = append(out, &qotcommon.TimeShare{
			Time:           proto.String(b.TimeString()),
			Minute:         proto.Int32(int32(b.Time.Hour()*60 + b.Time.Minute())),
			IsBlank:        proto.Bool(false),
			Price:          proto.Float64(b.Close),
			LastClosePrice: proto.Float64(bars[0].LastClose),
			AvgPrice:       proto.Float64(avg),
			Volume:         proto.Int64(b.Volume),
			Turnover:       proto.Float64(b.Turnover),
			Timestamp:      proto.Float64(b.Timestamp()),
		})
	}
	return out
}

// rtPush is the Qot_UpdateRT push after a step: the minute being formed, nil
// before the security's time-share has any.
func (s *Service) rtPush(q market.Quote) *qotupdatert.Response {
	pts := timeShares(s.rtMinutes(q.Key()))
	if len(pts) == 0 {
		return nil
	}
	return &qotupdatert.Response{RetType: succeed(), S2C: &qotupdatert.S2C{
		Security: security(q.Instrument),
		Name:     proto.String(q.Name),
		RtList:   pts[len(pts)-1:],
	}}
}

// getRT returns today's time-share of a security subscribed with RT: one
// point per trading minute from the open to the current minute (the last
// trading day's on a day the market is closed).
func (s *Service) getRT(_ context.Context, c *server.Conn, req server.Request) (proto.Message, error) {
	var in qotgetrt.Request
	if err := decode("Qot_GetRT", req.Body, &in); err != nil {
		return nil, err
	}
	q, err := s.oneSecurity(in.GetC2S().GetSecurity())
	if err != nil {
		return nil, toEnvelope(err)
	}
	if err := s.needSub(c, q.Key(), SubRT); err != nil {
		return nil, toEnvelope(err)
	}
	return &qotgetrt.Response{RetType: succeed(), S2C: &qotgetrt.S2C{
		Security: security(q.Instrument),
		Name:     proto.String(q.Name),
		RtList:   timeShares(s.latestSession(q.Key())),
	}}, nil
}
