package qot

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetholdingchangelist"
	"github.com/futugw/gateway/opend/server"
	"github.com/futugw/gateway/opend/sim/calendar"
	"github.com/futugw/gateway/opend/sim/market"
	"google.golang.org/protobuf/proto"
)

// holders names the synthetic holders of each HolderCategory with the share
// of the company the first one holds (the others hold less).
var holders = map[qotcommon.HolderCategory]struct {
	names []string
	share float64
}{
	qotcommon.HolderCategory_HolderCategory_Agency: {[]string{"Vanguard Group Inc", "BlackRock Inc",
		"State Street Corp", "FMR LLC", "Geode Capital Management LLC"}, 0.08},
	qotcommon.HolderCategory_HolderCategory_Fund: {[]string{"Vanguard Total Stock Market Index Fund",
		"Vanguard 500 Index Fund", "SPDR S&P 500 ETF Trust", "Invesco QQQ Trust", "Fidelity 500 Index Fund"}, 0.03},
	qotcommon.HolderCategory_HolderCategory_SeniorManager: {[]string{"Chief Executive Officer",
		"Chief Financial Officer", "Chief Operating Officer", "General Counsel", "Director"}, 0.004},
}

// holdingQuarters is how many quarterly filings back the list goes.
const holdingQuarters = 12

// getHoldingChangeList lists holders' changes from quarterly filings (13F
// for institutions and funds, published 45 days after the quarter) over the
// last three years. Like OpenD it serves US stocks only.
func (s *Service) getHoldingChangeList(_ context.Context, _ *server.Conn, req server.Request) (proto.Message, error) {
	var in qotgetholdingchangelist.Request
	if err := decode("Qot_GetHoldingChangeList", req.Body, &in); err != nil {
		return nil, err
	}
	c2s := in.GetC2S()
	q, err := s.oneSecurity(c2s.GetSecurity())
	if err != nil {
		return nil, toEnvelope(err)
	}
	if q.Market != market.MarketUS {
		return nil, toEnvelope(failf(codeInvalid, "%s: holding changes are served for US stocks only", q.Key()))
	}
	cat := qotcommon.HolderCategory(c2s.GetHolderCategory())
	group, ok := holders[cat]
	if !ok {
		return nil, toEnvelope(failf(codeInvalid, "holderCategory %d: want 1 Agency, 2 Fund or 3 SeniorManager", cat))
	}
	from, err := holdingTime("beginTime", c2s.GetBeginTime(), time.Time{})
	if err != nil {
		return nil, toEnvelope(err)
	}
	to, err := holdingTime("endTime", c2s.GetEndTime(), time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		return nil, toEnvelope(err)
	}

	loc := calendar.Location(calendar.US)
	now := s.cfg.Now()
	total := float64(equityEx(q).GetIssuedShares())
	seed := s.synthSeed(q.Key()) ^ uint64(cat)*0x484f4c44
	out := &qotgetholdingchangelist.S2C{Security: security(q.Instrument)}
	for i, name := range group.names {
		h := mix(seed + uint64(i))
		qty := math.Round(total * group.share * (1 - 0.15*float64(i)) * (0.8 + 0.4*unit(h)))
		for k := holdingQuarters; k >= 1; k-- {
			published := quarterFiling(now.In(loc), k)
			prev := qty
			qty = math.Round(qty * (1 + (unit(mix(h+uint64(k)))-0.5)*0.1))
			if published.After(now) || published.Before(from) || published.After(to) {
				continue
			}
			out.HoldingChangeList = append(out.HoldingChangeList, &qotcommon.ShareHoldingChange{
				HolderName:   proto.String(name),
				HoldingQty:   proto.Float64(qty),
				HoldingRatio: proto.Float64(roundSigned4(qty / total * 100)),
				ChangeQty:    proto.Float64(qty - prev),
				ChangeRatio:  proto.Float64(roundSigned4((qty - prev) / prev * 100)),
				Time:         proto.String(published.Format(time.DateTime)),
				Timestamp:    proto.Float64(float64(published.Unix())),
			})
		}
	}
	slices.SortStableFunc(out.HoldingChangeList, func(a, b *qotcommon.ShareHoldingChange) int {
		return cmp.Or(-cmp.Compare(a.GetTimestamp(), b.GetTimestamp()), strings.Compare(a.GetHolderName(), b.GetHolderName()))
	})
	return &qotgetholdingchangelist.Response{RetType: succeed(), S2C: out}, nil
}

// quarterFiling is when the filing for the k-th quarter before now's quarter
// was published: 45 days after that quarter's end, at 16:30 New York time.
func quarterFiling(now time.Time, k int) time.Time {
	qStart := time.Date(now.Year(), now.Month()-(now.Month()-1)%3, 1, 0, 0, 0, 0, now.Location())
	end := qStart.AddDate(0, -3*(k-1), 0) // end of the k-th previous quarter (exclusive)
	return time.Date(end.Year(), end.Month(), end.Day()+44, 16, 30, 0, 0, now.Location())
}

// holdingTime reads "YYYY-MM-DD HH:MM:SS" (optionally with milliseconds), as
// OpenD strictly requires; empty means def.
func holdingTime(field, s string, def time.Time) (time.Time, error) {
	if s == "" {
		return def, nil
	}
	for _, layout := range []string{time.DateTime, layoutMilli} {
		if t, err := time.ParseInLocation(layout, s, calendar.Location(calendar.US)); err == nil {
			return t, nil
		}
	}
	return time.Time{}, failf(codeInvalid, "%s %q: want YYYY-MM-DD HH:MM:SS", field, s)
}
