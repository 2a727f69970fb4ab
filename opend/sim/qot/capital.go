package qot

import (
	"context"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetcapitaldistribution"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetcapitalflow"
	"github.com/futugw/gateway/opend/server"
	"github.com/futugw/gateway/opend/sim/calendar"
	"github.com/futugw/gateway/opend/sim/kline"
	"github.com/futugw/gateway/opend/sim/market"
	"google.golang.org/protobuf/proto"
)

// flowSplit is one day's turnover split by order size (super, big, mid,
// small) into money in and money out. in[c] + out[c] over all classes is the
// day's turnover exactly.
type flowSplit struct {
	in, out [4]float64
}

func (f flowSplit) net(c int) float64 { return f.in[c] - f.out[c] }

func (f flowSplit) netAll() float64 {
	return f.net(0) + f.net(1) + f.net(2) + f.net(3)
}

// splitTurnover splits turnover deterministically: class shares from the
// seed, and an inflow ratio that leans with the day's change rate, more for
// large orders (the "main force") than for small ones.
func splitTurnover(turnover, changeRate float64, h uint64) flowSplit {
	shares := [4]float64{0.10 + 0.10*unit(mix(h+1)), 0.20 + 0.10*unit(mix(h+2)), 0.25 + 0.10*unit(mix(h+3)), 0}
	shares[3] = 1 - shares[0] - shares[1] - shares[2]
	lean := [4]float64{1.5, 1.2, 0.8, 0.5}
	var f flowSplit
	for c := range 4 {
		r := 0.5 + lean[c]*changeRate/20 + (unit(mix(h+10+uint64(c)))-0.5)*0.1
		r = min(max(r, 0.1), 0.9)
		money := turnover * shares[c]
		f.in[c] = roundSigned4(money * r)
		f.out[c] = roundSigned4(money - f.in[c])
	}
	return f
}

// todaySplit splits the live turnover of a security.
func (s *Service) todaySplit(q market.Quote) flowSplit {
	today, _ := s.marketToday(q.Market)
	return splitTurnover(q.Turnover, changeRate(q), dayHash(s.synthSeed(q.Key()), today))
}

// getCapitalDistribution reports today's money in and out by order size; the
// eight amounts add up to the security's turnover so far today.
func (s *Service) getCapitalDistribution(_ context.Context, _ *server.Conn, req server.Request) (proto.Message, error) {
	var in qotgetcapitaldistribution.Request
	if err := decode("Qot_GetCapitalDistribution", req.Body, &in); err != nil {
		return nil, err
	}
	q, err := s.oneSecurity(in.GetC2S().GetSecurity())
	if err != nil {
		return nil, toEnvelope(err)
	}
	f := s.todaySplit(q)
	return &qotgetcapitaldistribution.Response{RetType: succeed(), S2C: &qotgetcapitaldistribution.S2C{
		CapitalInSuper:  proto.Float64(f.in[0]),
		CapitalInBig:    proto.Float64(f.in[1]),
		CapitalInMid:    proto.Float64(f.in[2]),
		CapitalInSmall:  proto.Float64(f.in[3]),
		CapitalOutSuper: proto.Float64(f.out[0]),
		CapitalOutBig:   proto.Float64(f.out[1]),
		CapitalOutMid:   proto.Float64(f.out[2]),
		CapitalOutSmall: proto.Float64(f.out[3]),
		UpdateTime:      proto.String(q.Updated.In(zoneOf(q.Market)).Format(layoutSecond)),
		UpdateTimestamp: proto.Float64(unixSeconds(q.Updated)),
	}}, nil
}

// Qot_Common.PeriodType values.
const (
	periodIntraday = int32(qotcommon.PeriodType_PeriodType_INTRADAY)
	periodDay      = int32(qotcommon.PeriodType_PeriodType_DAY)
	periodWeek     = int32(qotcommon.PeriodType_PeriodType_WEEK)
	periodMonth    = int32(qotcommon.PeriodType_PeriodType_MONTH)
)

// getCapitalFlow answers today's net inflow minute by minute (INTRADAY, the
// default), ending at today's net of Qot_GetCapitalDistribution, or net
// inflows per day, week or month over a date range, today's being the live one.
func (s *Service) getCapitalFlow(_ context.Context, _ *server.Conn, req server.Request) (proto.Message, error) {
	var in qotgetcapitalflow.Request
	if err := decode("Qot_GetCapitalFlow", req.Body, &in); err != nil {
		return nil, err
	}
	c2s := in.GetC2S()
	q, err := s.oneSecurity(c2s.GetSecurity())
	if err != nil {
		return nil, toEnvelope(err)
	}
	period := c2s.GetPeriodType()
	if c2s.PeriodType == nil {
		period = periodIntraday
	}
	var out *qotgetcapitalflow.S2C
	switch period {
	case periodIntraday:
		out = s.intradayFlow(q)
	case periodDay, periodWeek, periodMonth:
		today, _ := s.marketToday(q.Market)
		from, to, err := dateRange(c2s.GetBeginTime(), c2s.GetEndTime(), today.AddDays(-365), today)
		if err != nil {
			return nil, toEnvelope(err)
		}
		out = s.periodFlow(q, period, from, to)
	default:
		return nil, toEnvelope(failf(codeInvalid, "periodType %d: want 1 INTRADAY, 2 DAY, 3 WEEK or 4 MONTH", period))
	}
	return &qotgetcapitalflow.Response{RetType: succeed(), S2C: out}, nil
}

// intradayFlow spreads today's net inflow over the session minutes elapsed,
// along a seeded path that starts at 0 and ends at today's net.
func (s *Service) intradayFlow(q market.Quote) *qotgetcapitalflow.S2C {
	now := s.cfg.Now()
	loc := zoneOf(q.Market)
	var minutes []time.Time
	if cal, ok := calendarOf(q.Market); ok {
		today, _ := s.marketToday(q.Market)
		for _, ss := range calendar.Sessions(cal, today) {
			if !continuous(ss.Kind) {
				continue
			}
			for t := ss.Start; t.Before(ss.End) && !t.After(now); t = t.Add(time.Minute) {
				minutes = append(minutes, t)
			}
		}
	}
	if len(minutes) == 0 {
		minutes = []time.Time{now.Truncate(time.Minute)}
	}
	f := s.todaySplit(q)
	h := s.synthSeed(q.Key())
	out := &qotgetcapitalflow.S2C{}
	n := float64(len(minutes))
	for i, t := range minutes {
		x := float64(i+1) / n
		// A bridge: exact at the end, wandering in between.
		g := x + (unit(mix(h+uint64(i)))-0.5)*0.6*x*(1-x)
		item := &qotgetcapitalflow.CapitalFlowItem{
			InFlow:      proto.Float64(roundSigned4(f.netAll() * g)),
			Time:        proto.String(t.In(loc).Format(layoutSecond)),
			Timestamp:   proto.Float64(float64(t.Unix())),
			SuperInFlow: proto.Float64(roundSigned4(f.net(0) * g)),
			BigInFlow:   proto.Float64(roundSigned4(f.net(1) * g)),
			MidInFlow:   proto.Float64(roundSigned4(f.net(2) * g)),
			SmlInFlow:   proto.Float64(roundSigned4(f.net(3) * g)),
		}
		out.FlowItemList = append(out.FlowItemList, item)
	}
	last := minutes[len(minutes)-1]
	out.LastValidTime = proto.String(last.In(loc).Format(layoutSecond))
	out.LastValidTimestamp = proto.Float64(float64(last.Unix()))
	return out
}

// continuous reports whether a session is continuous trading, the part of
// the day capital flow minutes cover (not auctions, not US extended hours).
func continuous(k calendar.SessionKind) bool {
	return k == calendar.SessionMorning || k == calendar.SessionAfternoon || k == calendar.SessionRegular
}

// periodFlow lists net inflows per trading day, or summed per week (from
// Monday) or month, each labelled with its first trading day. A past day
// splits the turnover of its K-line day bar, today the live turnover.
func (s *Service) periodFlow(q market.Quote, period int32, from, to calendar.Date) *qotgetcapitalflow.S2C {
	out := &qotgetcapitalflow.S2C{}
	cal, ok := calendarOf(q.Market)
	if !ok {
		return out
	}
	today, loc := s.marketToday(q.Market)
	seed := s.synthSeed(q.Key())
	bars := map[calendar.Date]kline.Bar{}
	if series, ok := s.kl.book.series(q.Key()); ok {
		for _, b := range series.DayBars(from.In(loc), to.In(loc)) {
			bars[calendar.DateOf(b.Time.In(loc))] = b
		}
	}
	var cur *qotgetcapitalflow.CapitalFlowItem
	var curPeriod calendar.Date
	var last calendar.Date
	for _, d := range calendar.TradingDays(cal, from, to) {
		if d.Date.After(today) {
			break
		}
		var f flowSplit
		if d.Date == today {
			f = s.todaySplit(q)
		} else if b, ok := bars[d.Date]; ok {
			f = splitTurnover(b.Turnover, b.ChangeRate(), dayHash(seed, d.Date))
		} else {
			continue // before the listing or the history
		}
		p := periodOf(period, d.Date)
		if cur == nil || p != curPeriod {
			cur = &qotgetcapitalflow.CapitalFlowItem{
				InFlow: proto.Float64(0), Time: proto.String(d.Date.String() + " 00:00:00"),
				Timestamp: proto.Float64(float64(d.Date.In(loc).Unix())), MainInFlow: proto.Float64(0),
				SuperInFlow: proto.Float64(0), BigInFlow: proto.Float64(0), MidInFlow: proto.Float64(0), SmlInFlow: proto.Float64(0),
			}
			curPeriod = p
			out.FlowItemList = append(out.FlowItemList, cur)
		}
		*cur.InFlow = roundSigned4(*cur.InFlow + f.netAll())
		*cur.MainInFlow = roundSigned4(*cur.MainInFlow + f.net(0) + f.net(1))
		*cur.SuperInFlow = roundSigned4(*cur.SuperInFlow + f.net(0))
		*cur.BigInFlow = roundSigned4(*cur.BigInFlow + f.net(1))
		*cur.MidInFlow = roundSigned4(*cur.MidInFlow + f.net(2))
		*cur.SmlInFlow = roundSigned4(*cur.SmlInFlow + f.net(3))
		last = d.Date
	}
	if len(out.FlowItemList) > 0 {
		out.LastValidTime = proto.String(last.String() + " 00:00:00")
		out.LastValidTimestamp = proto.Float64(float64(last.In(loc).Unix()))
	}
	return out
}

// periodOf names the week (its Monday) or month (its first day) of d; for
// DAY, d itself.
func periodOf(period int32, d calendar.Date) calendar.Date {
	switch period {
	case periodWeek:
		return d.AddDays(-((int(d.Weekday()) + 6) % 7))
	case periodMonth:
		return calendar.NewDate(d.Year, d.Month, 1)
	}
	return d
}
