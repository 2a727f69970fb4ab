package qot

import (
	"context"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetbasicqot"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetsecuritysnapshot"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetstaticinfo"
	"github.com/futugw/gateway/opend/server"
	"github.com/futugw/gateway/opend/sim/market"
	"google.golang.org/protobuf/proto"
)

// getBasicQot answers from the live quotes, but like the real OpenD only for
// securities this connection subscribed with SubType Basic.
func (s *Service) getBasicQot(_ context.Context, c *server.Conn, req server.Request) (proto.Message, error) {
	var in qotgetbasicqot.Request
	if err := decode("Qot_GetBasicQot", req.Body, &in); err != nil {
		return nil, err
	}
	keys, err := s.resolve(in.GetC2S().GetSecurityList())
	if err != nil {
		return nil, toEnvelope(err)
	}
	out := &qotgetbasicqot.S2C{}
	for _, k := range keys {
		if !s.subs.subscribed(c, pair{k, SubBasic}) {
			return nil, toEnvelope(failf(codeNotSubscribed,
				"%s is not subscribed to Basic on this connection; subscribe with Qot_Sub (subType 1) first", k))
		}
		q, _ := s.m.QuoteByKey(k)
		out.BasicQotList = append(out.BasicQotList, basicQot(q))
	}
	return &qotgetbasicqot.Response{RetType: succeed(), S2C: out}, nil
}

// getStaticInfo lists the given securities, or every security of a market
// (and security type) when no list is given.
func (s *Service) getStaticInfo(_ context.Context, _ *server.Conn, req server.Request) (proto.Message, error) {
	var in qotgetstaticinfo.Request
	if err := decode("Qot_GetStaticInfo", req.Body, &in); err != nil {
		return nil, err
	}
	c2s := in.GetC2S()
	out := &qotgetstaticinfo.S2C{}
	if len(c2s.GetSecurityList()) > 0 {
		keys, err := s.resolve(c2s.GetSecurityList())
		if err != nil {
			return nil, toEnvelope(err)
		}
		for _, k := range keys {
			q, _ := s.m.QuoteByKey(k)
			out.StaticInfoList = append(out.StaticInfoList, staticInfo(q.Instrument))
		}
		return &qotgetstaticinfo.Response{RetType: succeed(), S2C: out}, nil
	}
	if c2s.Market == nil {
		return nil, toEnvelope(failf(codeInvalid, "give either securityList or market"))
	}
	for _, inst := range s.m.Instruments() {
		if inst.Market != c2s.GetMarket() {
			continue
		}
		if c2s.SecType != nil && c2s.GetSecType() != 0 && inst.SecType != c2s.GetSecType() {
			continue
		}
		out.StaticInfoList = append(out.StaticInfoList, staticInfo(inst))
	}
	return &qotgetstaticinfo.Response{RetType: succeed(), S2C: out}, nil
}

// getSecuritySnapshot needs no subscription, like the real OpenD. It also
// answers for plates (platesnapshot.go).
func (s *Service) getSecuritySnapshot(_ context.Context, _ *server.Conn, req server.Request) (proto.Message, error) {
	var in qotgetsecuritysnapshot.Request
	if err := decode("Qot_GetSecuritySnapshot", req.Body, &in); err != nil {
		return nil, err
	}
	keys, err := s.snapshotKeys(in.GetC2S().GetSecurityList())
	if err != nil {
		return nil, toEnvelope(err)
	}
	out := &qotgetsecuritysnapshot.S2C{}
	for _, k := range keys {
		if p, ok := findPlate(k); ok {
			out.SnapshotList = append(out.SnapshotList, s.plateSnapshot(p))
			continue
		}
		q, _ := s.m.QuoteByKey(k)
		out.SnapshotList = append(out.SnapshotList, s.snapshotOf(q)) // kinds_snapshot.go
	}
	return &qotgetsecuritysnapshot.Response{RetType: succeed(), S2C: out}, nil
}

// snapshotBasic is the basic part of q's snapshot; asks and bids are its
// live book (own orders included), whose first levels are the best ask and bid.
func snapshotBasic(q market.Quote, asks, bids []level) *qotgetsecuritysnapshot.SnapshotBasicData {
	b := basicQot(q)
	d := &qotgetsecuritysnapshot.SnapshotBasicData{
		Security:        b.Security,
		Name:            b.Name,
		Type:            proto.Int32(q.SecType),
		IsSuspend:       proto.Bool(false),
		ListTime:        b.ListTime,
		LotSize:         proto.Int32(q.LotSize),
		PriceSpread:     b.PriceSpread,
		UpdateTime:      b.UpdateTime,
		HighPrice:       b.HighPrice,
		OpenPrice:       b.OpenPrice,
		LowPrice:        b.LowPrice,
		LastClosePrice:  b.LastClosePrice,
		CurPrice:        b.CurPrice,
		Volume:          b.Volume,
		Turnover:        b.Turnover,
		TurnoverRate:    b.TurnoverRate,
		ListTimestamp:   b.ListTimestamp,
		UpdateTimestamp: b.UpdateTimestamp,
		Amplitude:       b.Amplitude,
		SecStatus:       b.SecStatus,
	}
	if q.Volume > 0 {
		d.AvgPrice = proto.Float64(round4(q.Turnover / float64(q.Volume)))
	}
	if len(asks) > 0 {
		d.AskPrice, d.AskVol = proto.Float64(asks[0].price), proto.Int64(asks[0].volume)
	}
	if len(bids) > 0 {
		d.BidPrice, d.BidVol = proto.Float64(bids[0].price), proto.Int64(bids[0].volume)
	}
	return d
}
