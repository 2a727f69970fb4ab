package qot

import (
	"context"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetsuspend"
	"github.com/futugw/gateway/opend/server"
	"github.com/futugw/gateway/opend/sim/calendar"
	"google.golang.org/protobuf/proto"
)

// suspendRate is the share of past trading days a security was suspended: a
// day or two a year.
const suspendRate = 0.005

// suspended reports whether the security was suspended on trading day d. Only
// days before today can be: the live walk trades today.
func (s *Service) suspended(key string, d calendar.Date, today calendar.Date) bool {
	return d.Before(today) && unit(dayHash(s.synthSeed(key)^0x5355535045, d)) < suspendRate
}

// getSuspend lists each security's suspension days within a range: trading
// days of its market picked by the seed.
func (s *Service) getSuspend(_ context.Context, _ *server.Conn, req server.Request) (proto.Message, error) {
	var in qotgetsuspend.Request
	if err := decode("Qot_GetSuspend", req.Body, &in); err != nil {
		return nil, err
	}
	c2s := in.GetC2S()
	keys, err := s.resolve(c2s.GetSecurityList())
	if err != nil {
		return nil, toEnvelope(err)
	}
	if c2s.GetBeginTime() == "" || c2s.GetEndTime() == "" {
		return nil, toEnvelope(failf(codeInvalid, "beginTime and endTime are required (yyyy-MM-dd)"))
	}
	from, to, err := dateRange(c2s.GetBeginTime(), c2s.GetEndTime(), calendar.Date{}, calendar.Date{})
	if err != nil {
		return nil, toEnvelope(err)
	}
	out := &qotgetsuspend.S2C{}
	for _, k := range keys {
		q, _ := s.m.QuoteByKey(k)
		item := &qotgetsuspend.SecuritySuspend{Security: security(q.Instrument)}
		if cal, ok := calendarOf(q.Market); ok {
			today, loc := s.marketToday(q.Market)
			for _, d := range calendar.TradingDays(cal, from, to) {
				if s.suspended(k, d.Date, today) {
					item.SuspendList = append(item.SuspendList, &qotgetsuspend.Suspend{
						Time: proto.String(d.Date.String()), Timestamp: proto.Float64(float64(d.Date.In(loc).Unix())),
					})
				}
			}
		}
		out.SecuritySuspendList = append(out.SecuritySuspendList, item)
	}
	return &qotgetsuspend.Response{RetType: succeed(), S2C: out}, nil
}
