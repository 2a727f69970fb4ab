package qot

import (
	"cmp"
	"context"
	"slices"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetownerplate"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetplatesecurity"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetplateset"
	"github.com/futugw/gateway/opend/server"
	"github.com/futugw/gateway/opend/sim/market"
	"google.golang.org/protobuf/proto"
)

func plateInfo(p plate, withType bool) *qotcommon.PlateInfo {
	info := &qotcommon.PlateInfo{Plate: securityOf(p.key()), Name: proto.String(p.name)}
	if withType {
		info.PlateType = proto.Int32(p.typ)
	}
	return info
}

// plateMarkets are the QotMarkets Qot_GetPlateSet answers for.
var plateMarkets = []int32{market.MarketHK, market.MarketUS,
	int32(qotcommon.QotMarket_QotMarket_CNSH_Security), int32(qotcommon.QotMarket_QotMarket_CNSZ_Security)}

func (s *Service) getPlateSet(_ context.Context, _ *server.Conn, req server.Request) (proto.Message, error) {
	var in qotgetplateset.Request
	if err := decode("Qot_GetPlateSet", req.Body, &in); err != nil {
		return nil, err
	}
	c2s := in.GetC2S()
	if !slices.Contains(plateMarkets, c2s.GetMarket()) {
		return nil, toEnvelope(failf(codeInvalid, "market %d: plates exist for 1 HK, 11 US, 21 SH and 22 SZ", c2s.GetMarket()))
	}
	set := c2s.GetPlateSetType()
	if set < plateSetAll || set > plateSetConcept {
		// Other (4) is only ever an answer of Qot_GetOwnerPlate.
		return nil, toEnvelope(failf(codeInvalid, "plateSetType %d: want 0 All, 1 Industry, 2 Region or 3 Concept", set))
	}
	mkt := plateMarket(c2s.GetMarket())
	out := &qotgetplateset.S2C{}
	for _, p := range plateCatalog {
		if p.market == mkt && (set == plateSetAll || set == p.typ) {
			out.PlateInfoList = append(out.PlateInfoList, plateInfo(p, false))
		}
	}
	return &qotgetplateset.Response{RetType: succeed(), S2C: out}, nil
}

// plateSortKeys are the SortField values Qot_GetPlateSecurity sorts by here.
var plateSortKeys = map[qotcommon.SortField]func(q market.Quote) float64{
	qotcommon.SortField_SortField_CurPrice:       func(q market.Quote) float64 { return q.Cur },
	qotcommon.SortField_SortField_PriceChangeVal: func(q market.Quote) float64 { return q.Cur - q.LastClose },
	qotcommon.SortField_SortField_ChangeRate:     changeRate,
	qotcommon.SortField_SortField_BidPrice:       func(q market.Quote) float64 { return bestLevel(q, false).price },
	qotcommon.SortField_SortField_AskPrice:       func(q market.Quote) float64 { return bestLevel(q, true).price },
	qotcommon.SortField_SortField_BidVol:         func(q market.Quote) float64 { return float64(bestLevel(q, false).volume) },
	qotcommon.SortField_SortField_AskVol:         func(q market.Quote) float64 { return float64(bestLevel(q, true).volume) },
	qotcommon.SortField_SortField_Volume:         func(q market.Quote) float64 { return float64(q.Volume) },
	qotcommon.SortField_SortField_Turnover:       func(q market.Quote) float64 { return q.Turnover },
	qotcommon.SortField_SortField_Amplitude:      amplitude,
}

// plateSort returns the sort key for a SortField; nil means by code (Code,
// Status, which is Normal for every simulated security, and the default).
func plateSort(f int32) (func(market.Quote) float64, error) {
	sf := qotcommon.SortField(f)
	switch sf {
	case qotcommon.SortField_SortField_Unknow, qotcommon.SortField_SortField_Code, qotcommon.SortField_SortField_Status:
		return nil, nil
	case qotcommon.SortField_SortField_PreCurPrice, qotcommon.SortField_SortField_AfterCurPrice,
		qotcommon.SortField_SortField_PrePriceChangeVal, qotcommon.SortField_SortField_AfterPriceChangeVal:
		return nil, failf(codeUnsupported, "sortField %d: the simulator has no pre- or after-market prices", f)
	}
	if key, ok := plateSortKeys[sf]; ok {
		return key, nil
	}
	return nil, failf(codeInvalid, "sortField %d cannot sort plate securities (it is for Qot_GetWarrant or unknown)", f)
}

func (s *Service) getPlateSecurity(_ context.Context, _ *server.Conn, req server.Request) (proto.Message, error) {
	var in qotgetplatesecurity.Request
	if err := decode("Qot_GetPlateSecurity", req.Body, &in); err != nil {
		return nil, err
	}
	c2s := in.GetC2S()
	key := market.Key(c2s.GetPlate().GetMarket(), c2s.GetPlate().GetCode())
	p, ok := findPlate(key)
	if !ok {
		return nil, toEnvelope(failf(codeUnknownSec, "unknown plate %s; list plates with Qot_GetPlateSet", key))
	}
	by, err := plateSort(c2s.GetSortField())
	if err != nil {
		return nil, toEnvelope(err)
	}
	members := plateMembers(p, s.m.Instruments())
	quotes := make([]market.Quote, len(members))
	for i, m := range members {
		quotes[i], _ = s.m.QuoteByKey(m.Key())
	}
	asc := c2s.Ascend == nil || c2s.GetAscend()
	slices.SortStableFunc(quotes, func(a, b market.Quote) int {
		c := 0
		if by != nil {
			c = cmp.Compare(by(a), by(b))
		}
		c = cmp.Or(c, cmp.Compare(a.Code, b.Code))
		if !asc {
			c = -c
		}
		return c
	})
	out := &qotgetplatesecurity.S2C{}
	for _, q := range quotes {
		out.StaticInfoList = append(out.StaticInfoList, staticInfo(q.Instrument))
	}
	return &qotgetplatesecurity.Response{RetType: succeed(), S2C: out}, nil
}

func (s *Service) getOwnerPlate(_ context.Context, _ *server.Conn, req server.Request) (proto.Message, error) {
	var in qotgetownerplate.Request
	if err := decode("Qot_GetOwnerPlate", req.Body, &in); err != nil {
		return nil, err
	}
	keys, err := s.resolve(in.GetC2S().GetSecurityList())
	if err != nil {
		return nil, toEnvelope(err)
	}
	out := &qotgetownerplate.S2C{}
	for _, k := range keys {
		q, _ := s.m.QuoteByKey(k)
		owner := &qotgetownerplate.SecurityOwnerPlate{Security: security(q.Instrument), Name: proto.String(q.Name)}
		for _, p := range ownerPlates(q.Instrument) {
			owner.PlateInfoList = append(owner.PlateInfoList, plateInfo(p, true))
		}
		out.OwnerPlateList = append(out.OwnerPlateList, owner)
	}
	return &qotgetownerplate.Response{RetType: succeed(), S2C: out}, nil
}
