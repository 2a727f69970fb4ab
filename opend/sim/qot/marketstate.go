package qot

import (
	"context"
	"strings"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetmarketstate"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotrequesttradedate"
	"github.com/futugw/gateway/opend/server"
	"github.com/futugw/gateway/opend/sim/calendar"
	"google.golang.org/protobuf/proto"
)

// calendarOf maps a QotMarket to the calendar that decides when it trades.
// HK futures follow the HK stock calendar (their night session is not
// modelled); markets without a calendar report false.
func calendarOf(qotMarket int32) (calendar.Market, bool) {
	switch qotMarket {
	case int32(qotcommon.QotMarket_QotMarket_HK_Future):
		return calendar.HK, true
	}
	m := calendar.Market(qotMarket)
	return m, m.Valid()
}

// marketState is the Futu QotMarketState of a QotMarket at t: None for a
// market the simulator has no calendar for.
func marketState(qotMarket int32, t time.Time) int32 {
	m, ok := calendarOf(qotMarket)
	if !ok {
		return int32(calendar.StateNone)
	}
	return int32(calendar.State(m, t))
}

// getMarketState reports each security's market state at the sim clock's now.
func (s *Service) getMarketState(_ context.Context, _ *server.Conn, req server.Request) (proto.Message, error) {
	var in qotgetmarketstate.Request
	if err := decode("Qot_GetMarketState", req.Body, &in); err != nil {
		return nil, err
	}
	keys, err := s.resolve(in.GetC2S().GetSecurityList())
	if err != nil {
		return nil, toEnvelope(err)
	}
	now := s.cfg.Now()
	out := &qotgetmarketstate.S2C{}
	for _, k := range keys {
		q, _ := s.m.QuoteByKey(k)
		out.MarketInfoList = append(out.MarketInfoList, &qotgetmarketstate.MarketInfo{
			Security:    security(q.Instrument),
			Name:        proto.String(q.Name),
			MarketState: proto.Int32(marketState(q.Market, now)),
		})
	}
	return &qotgetmarketstate.Response{RetType: succeed(), S2C: out}, nil
}

// maxTradeDateSpan bounds one Qot_RequestTradeDate range; the SDKs default to
// a year and the calendar covers calendar.FirstYear..LastYear.
const maxTradeDateSpan = 10 * 366

// parseTradeDate reads "2006-01-02", also accepting a trailing time as the
// SDKs' date-time strings carry ("2006-01-02 15:04:05").
func parseTradeDate(field, s string) (calendar.Date, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.DateTime, s); err == nil {
		return calendar.DateOf(t), nil
	}
	d, err := calendar.ParseDate(s)
	if err != nil {
		return calendar.Date{}, failf(codeInvalid, "%s %q: want yyyy-MM-dd", field, s)
	}
	return d, nil
}

// requestTradeDate lists the trading days of a market (or of a security's
// market, which wins when both are given, as in OpenD) between two dates.
// Like OpenD it lists regular holidays only, not ad-hoc closures.
func (s *Service) requestTradeDate(_ context.Context, _ *server.Conn, req server.Request) (proto.Message, error) {
	var in qotrequesttradedate.Request
	if err := decode("Qot_RequestTradeDate", req.Body, &in); err != nil {
		return nil, err
	}
	c2s := in.GetC2S()
	mkt, err := s.tradeDateCalendar(c2s)
	if err != nil {
		return nil, toEnvelope(err)
	}
	begin, err := parseTradeDate("beginTime", c2s.GetBeginTime())
	if err != nil {
		return nil, toEnvelope(err)
	}
	end, err := parseTradeDate("endTime", c2s.GetEndTime())
	if err != nil {
		return nil, toEnvelope(err)
	}
	if end.Before(begin) {
		return nil, toEnvelope(failf(codeInvalid, "endTime %s is before beginTime %s", end, begin))
	}
	if begin.AddDays(maxTradeDateSpan).Before(end) {
		return nil, toEnvelope(failf(codeInvalid, "range %s to %s is longer than %d days", begin, end, maxTradeDateSpan))
	}
	loc := calendar.Location(mkt)
	out := &qotrequesttradedate.S2C{}
	for _, d := range calendar.TradingDays(mkt, begin, end) {
		out.TradeDateList = append(out.TradeDateList, &qotrequesttradedate.TradeDate{
			Time:          proto.String(d.Date.String()),
			Timestamp:     proto.Float64(float64(d.Date.In(loc).Unix())),
			TradeDateType: proto.Int32(int32(d.Type)),
		})
	}
	return &qotrequesttradedate.Response{RetType: succeed(), S2C: out}, nil
}

func (s *Service) tradeDateCalendar(c2s *qotrequesttradedate.C2S) (calendar.Market, error) {
	if sec := c2s.GetSecurity(); sec != nil {
		keys, err := s.resolve([]*qotcommon.Security{sec})
		if err != nil {
			return 0, err
		}
		q, _ := s.m.QuoteByKey(keys[0])
		if m, ok := calendarOf(q.Market); ok {
			return m, nil
		}
		return 0, failf(codeUnsupported, "no trading calendar for %s", keys[0])
	}
	tdm := calendar.TradeDateMarket(c2s.GetMarket())
	if m, ok := tdm.Market(); ok {
		return m, nil
	}
	if tdm == calendar.TradeDateMarketUnknown {
		return 0, failf(codeInvalid, "market is unknown (0); give a TradeDateMarket or a security")
	}
	if _, named := qotcommon.TradeDateMarket_name[int32(tdm)]; named {
		return 0, failf(codeUnsupported, "TradeDateMarket %d is not simulated (served: 1 HK, 2 US, 3 CN)", tdm)
	}
	return 0, failf(codeInvalid, "market %d is not a TradeDateMarket", tdm)
}

// globalMarketStates fills GetGlobalState's market states from the calendar.
func globalMarketStates(now time.Time) (hk, us, sh, sz, hkFuture int32) {
	return marketState(int32(qotcommon.QotMarket_QotMarket_HK_Security), now),
		marketState(int32(qotcommon.QotMarket_QotMarket_US_Security), now),
		marketState(int32(qotcommon.QotMarket_QotMarket_CNSH_Security), now),
		marketState(int32(qotcommon.QotMarket_QotMarket_CNSZ_Security), now),
		marketState(int32(qotcommon.QotMarket_QotMarket_HK_Future), now)
}
