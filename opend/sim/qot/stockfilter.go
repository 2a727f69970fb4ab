package qot

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotstockfilter"
	"github.com/futugw/gateway/opend/server"
	"github.com/futugw/gateway/opend/sim/market"
	"google.golang.org/protobuf/proto"
)

// maxFilterNum is OpenD's page size limit for Qot_StockFilter.
const maxFilterNum = 200

// stockFilter screens the market's stocks (or a plate's) on live quotes and
// the snapshot's fundamentals, sorts by the one sorting filter (else by code) and
// pages with begin and num.
func (s *Service) stockFilter(_ context.Context, _ *server.Conn, req server.Request) (proto.Message, error) {
	var in qotstockfilter.Request
	if err := decode("Qot_StockFilter", req.Body, &in); err != nil {
		return nil, err
	}
	c2s := in.GetC2S()
	if c2s.GetBegin() < 0 {
		return nil, toEnvelope(failf(codeInvalid, "begin %d is negative", c2s.GetBegin()))
	}
	if c2s.GetNum() <= 0 || c2s.GetNum() > maxFilterNum {
		return nil, toEnvelope(failf(codeInvalid, "num %d: want 1 to %d", c2s.GetNum(), maxFilterNum))
	}
	if !slices.Contains(plateMarkets, c2s.GetMarket()) {
		return nil, toEnvelope(failf(codeInvalid, "market %d: the screener covers 1 HK, 11 US, 21 SH and 22 SZ", c2s.GetMarket()))
	}
	crit, err := criteria(c2s)
	if err != nil {
		return nil, toEnvelope(err)
	}
	candidates, err := s.screenUniverse(c2s.GetMarket(), c2s.GetPlate())
	if err != nil {
		return nil, toEnvelope(err)
	}

	past := 0
	for _, c := range crit {
		past = max(past, c.days-1)
	}
	var rows []screenRow
	for _, in := range candidates {
		q, _ := s.m.QuoteByKey(in.Key())
		r := screenRow{q: q, f: equityEx(q), past: s.pastDayBars(in.Key(), past)}
		if !slices.ContainsFunc(crit, func(c criterion) bool { return !c.keep(r) }) {
			rows = append(rows, r)
		}
	}
	slices.SortStableFunc(rows, func(a, b screenRow) int {
		for _, c := range crit {
			switch c.sortDir {
			case qotstockfilter.SortDir_SortDir_Ascend:
				return cmp.Or(c.compare(a, b), strings.Compare(a.q.Code, b.q.Code))
			case qotstockfilter.SortDir_SortDir_Descend:
				return cmp.Or(-c.compare(a, b), strings.Compare(a.q.Code, b.q.Code))
			}
		}
		return strings.Compare(a.q.Code, b.q.Code)
	})

	begin := min(int(c2s.GetBegin()), len(rows))
	end := min(begin+int(c2s.GetNum()), len(rows))
	out := &qotstockfilter.S2C{LastPage: proto.Bool(end >= len(rows)), AllCount: proto.Int32(int32(len(rows)))}
	for _, r := range rows[begin:end] {
		d := &qotstockfilter.StockData{Security: security(r.q.Instrument), Name: proto.String(r.q.Name)}
		for _, c := range crit {
			c.emit(d, r)
		}
		out.DataList = append(out.DataList, d)
	}
	return &qotstockfilter.Response{RetType: succeed(), S2C: out}, nil
}

// screenUniverse lists the stocks a screen runs over: the market's equities,
// or a plate's members (which must be of that market).
func (s *Service) screenUniverse(mkt int32, plateSec *qotcommon.Security) ([]market.Instrument, error) {
	mkt = plateMarket(mkt)
	universe := s.m.Instruments()
	if plateSec != nil {
		key := market.Key(plateSec.GetMarket(), plateSec.GetCode())
		p, ok := findPlate(key)
		if !ok {
			return nil, failf(codeUnknownSec, "unknown plate %s", key)
		}
		if p.market != mkt {
			return nil, failf(codeInvalid, "plate %s is not of market %d", key, mkt)
		}
		return plateMembers(p, universe), nil
	}
	var out []market.Instrument
	for _, in := range universe {
		if plateMarket(in.Market) == mkt && in.SecType == market.SecTypeEqty {
			out = append(out, in)
		}
	}
	return out, nil
}
