package qot

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetcodechange"
	"github.com/futugw/gateway/opend/server"
	"github.com/futugw/gateway/opend/sim/calendar"
	"github.com/futugw/gateway/opend/sim/market"
	"google.golang.org/protobuf/proto"
)

// codeChange is one HK board-lot change: during the change the old lot
// trades under a temporary code until the parallel trading ends. The new lot
// is the security's current one. Only lot changes are generated: splits and
// consolidations would contradict the K-line history's own corporate actions.
type codeChange struct {
	sec, temp                string
	public, effective, ended calendar.Date
}

// at returns the date a TimeFilterType filters on.
func (cc codeChange) at(typ int32) calendar.Date {
	switch typ {
	case timeFilterPublic:
		return cc.public
	case timeFilterEffective:
		return cc.effective
	}
	return cc.ended
}

// codeChangeShare is the share of HK equities with a lot change in the last year.
const codeChangeShare = 0.3

// codeChanges lists the seeded lot changes of the universe's HK equities,
// each announced within the year before the sim clock's today.
func (s *Service) codeChanges() []codeChange {
	today, _ := s.marketToday(market.MarketHK)
	var out []codeChange
	for _, in := range s.m.Instruments() {
		if in.Market != market.MarketHK || in.SecType != market.SecTypeEqty {
			continue
		}
		h := mix(s.synthSeed(in.Key()) ^ 0x434f4445)
		if unit(h) >= codeChangeShare {
			continue
		}
		public := calendar.PrevTradingDay(calendar.HK, today.AddDays(-int(mix(h+1)%330)-30))
		effective := calendar.NextTradingDay(calendar.HK, public.AddDays(20))
		out = append(out, codeChange{
			sec:       in.Key(),
			temp:      market.Key(market.MarketHK, fmt.Sprintf("%05d", 2900+int(mix(h+2)%100))),
			public:    public,
			effective: effective,
			ended:     calendar.NextTradingDay(calendar.HK, effective.AddDays(20)),
		})
	}
	return out
}

// Qot_GetCodeChange.TimeFilterType values.
const (
	timeFilterPublic    = int32(qotgetcodechange.TimeFilterType_TimeFilterType_Public)
	timeFilterEffective = int32(qotgetcodechange.TimeFilterType_TimeFilterType_Effective)
	timeFilterEnd       = int32(qotgetcodechange.TimeFilterType_TimeFilterType_End)
)

// getCodeChange lists code changes, filtered by security, type and dates.
// Like OpenD's, the data covers Hong Kong only.
func (s *Service) getCodeChange(_ context.Context, _ *server.Conn, req server.Request) (proto.Message, error) {
	var in qotgetcodechange.Request
	if err := decode("Qot_GetCodeChange", req.Body, &in); err != nil {
		return nil, err
	}
	c2s := in.GetC2S()
	var keys []string
	if len(c2s.GetSecurityList()) > 0 {
		var err error
		if keys, err = s.resolve(c2s.GetSecurityList()); err != nil {
			return nil, toEnvelope(err)
		}
	}
	for _, t := range c2s.GetTypeList() {
		if _, ok := qotgetcodechange.CodeChangeType_name[t]; !ok || t == 0 {
			return nil, toEnvelope(failf(codeInvalid, "typeList: %d is not a CodeChangeType (1-8)", t))
		}
	}
	type window struct {
		typ      int32
		from, to calendar.Date
	}
	var windows []window
	for _, tf := range c2s.GetTimeFilterList() {
		if tf.GetType() < timeFilterPublic || tf.GetType() > timeFilterEnd {
			return nil, toEnvelope(failf(codeInvalid, "timeFilter type %d: want 1 Public, 2 Effective or 3 End", tf.GetType()))
		}
		from, to, err := dateRange(tf.GetBeginTime(), tf.GetEndTime(), calendar.NewDate(1970, 1, 1), calendar.NewDate(2099, 12, 31))
		if err != nil {
			return nil, toEnvelope(err)
		}
		windows = append(windows, window{tf.GetType(), from, to})
	}
	lotChange := int32(qotgetcodechange.CodeChangeType_CodeChangeType_ChangeLot)
	out := &qotgetcodechange.S2C{}
	for _, cc := range s.codeChanges() {
		if keys != nil && !slices.Contains(keys, cc.sec) && !slices.Contains(keys, cc.temp) {
			continue
		}
		if len(c2s.GetTypeList()) > 0 && !slices.Contains(c2s.GetTypeList(), lotChange) {
			continue
		}
		if slices.ContainsFunc(windows, func(w window) bool {
			d := cc.at(w.typ)
			return d.Before(w.from) || d.After(w.to)
		}) {
			continue
		}
		info := &qotgetcodechange.CodeChangeInfo{
			Type: proto.Int32(lotChange), Security: securityOf(cc.sec), RelatedSecurity: securityOf(cc.temp),
		}
		info.PublicTime, info.PublicTimestamp = hkDateTime(cc.public)
		info.EffectiveTime, info.EffectiveTimestamp = hkDateTime(cc.effective)
		info.EndTime, info.EndTimestamp = hkDateTime(cc.ended)
		out.CodeChangeList = append(out.CodeChangeList, info)
	}
	return &qotgetcodechange.Response{RetType: succeed(), S2C: out}, nil
}

func hkDateTime(d calendar.Date) (*string, *float64) {
	t := d.In(calendar.Location(calendar.HK))
	return proto.String(t.Format(time.DateTime)), proto.Float64(float64(t.Unix()))
}
