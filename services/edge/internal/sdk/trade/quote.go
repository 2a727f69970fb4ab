package trade

import (
	"context"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetbasicqot"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetstaticinfo"
	"github.com/futugw/gateway/services/edge/internal/sdk/sdkcall"
	"google.golang.org/protobuf/proto"
)

// getBasicQot answers Qot_GetBasicQot with QuoteService.GetBasicQuote. Unlike OpenD
// it needs no subscription: the quote service answers from its live feed or a
// snapshot.
func getBasicQot(ctx context.Context, c sdkcall.Conns, r sdkcall.Request) []byte {
	var c2s qotgetbasicqot.C2S
	if err := sdkcall.DecodeC2S(r.Body, &c2s); err != nil {
		return malformed(r.ProtoID, err)
	}
	req := &gatewayv1.GetBasicQuoteRequest{SecurityList: sdkcall.Securities(c2s.GetSecurityList())}
	resp, err := gatewayv1.NewQuoteServiceClient(c.Quote).GetBasicQuote(ctx, req)
	if err != nil {
		return sdkcall.Refuse(err)
	}
	return sdkcall.Answer(basicQotS2C(resp))
}

// getStaticInfo answers Qot_GetStaticInfo for a securityList with
// QuoteService.GetStaticInfo. Listing a whole market (market and secType without a
// list) is refused: the gateway serves named securities only.
func getStaticInfo(ctx context.Context, c sdkcall.Conns, r sdkcall.Request) []byte {
	var c2s qotgetstaticinfo.C2S
	if err := sdkcall.DecodeC2S(r.Body, &c2s); err != nil {
		return malformed(r.ProtoID, err)
	}
	if len(c2s.GetSecurityList()) == 0 {
		return malformed(r.ProtoID, invalid("name the securities in securityList: futugw does not list a whole market"))
	}
	req := &gatewayv1.GetStaticInfoRequest{SecurityList: sdkcall.Securities(c2s.GetSecurityList())}
	resp, err := gatewayv1.NewQuoteServiceClient(c.Quote).GetStaticInfo(ctx, req)
	if err != nil {
		return sdkcall.Refuse(err)
	}
	s2c := &qotgetstaticinfo.S2C{StaticInfoList: make([]*qotcommon.SecurityStaticInfo, 0, len(resp.GetStaticInfoList()))}
	for _, in := range resp.GetStaticInfoList() {
		// id, required, is OpenD's internal number the gateway does not keep: 0.
		s2c.StaticInfoList = append(s2c.StaticInfoList, &qotcommon.SecurityStaticInfo{Basic: &qotcommon.SecurityStaticBasic{
			Security: &qotcommon.Security{Market: proto.Int32(in.GetSecurity().GetMarket()), Code: proto.String(in.GetSecurity().GetCode())},
			Id:       proto.Int64(0),
			LotSize:  proto.Int32(in.GetLotSize()),
			SecType:  proto.Int32(in.GetSecType()),
			Name:     proto.String(in.GetName()),
			ListTime: proto.String(in.GetListTime()),
		}})
	}
	return sdkcall.Answer(s2c)
}

// basicQotS2C is the official basic quote list of the gateway's. Of the required
// fields the gateway's BasicQuote lacks, listTime is "" and priceSpread and
// turnoverRate are 0 (the official zeros: the gateway does not know them);
// amplitude is computed as Futu defines it, (high - low) / last close in percent, 0
// without a last close.
func basicQotS2C(resp *gatewayv1.GetBasicQuoteResponse) *qotgetbasicqot.S2C {
	s2c := &qotgetbasicqot.S2C{BasicQotList: make([]*qotcommon.BasicQot, 0, len(resp.GetQuotes()))}
	for _, q := range resp.GetQuotes() {
		amplitude := 0.0
		if q.GetLastClosePrice() > 0 {
			amplitude = (q.GetHighPrice() - q.GetLowPrice()) / q.GetLastClosePrice() * 100
		}
		b := &qotcommon.BasicQot{
			Security: &qotcommon.Security{
				Market: proto.Int32(q.GetSecurity().GetMarket()),
				Code:   proto.String(q.GetSecurity().GetCode()),
			},
			IsSuspended:    proto.Bool(q.GetIsSuspended()),
			ListTime:       proto.String(""),
			PriceSpread:    proto.Float64(0),
			UpdateTime:     proto.String(q.GetUpdateTime()),
			HighPrice:      proto.Float64(q.GetHighPrice()),
			OpenPrice:      proto.Float64(q.GetOpenPrice()),
			LowPrice:       proto.Float64(q.GetLowPrice()),
			CurPrice:       proto.Float64(q.GetCurPrice()),
			LastClosePrice: proto.Float64(q.GetLastClosePrice()),
			Volume:         proto.Int64(q.GetVolume()),
			Turnover:       proto.Float64(q.GetTurnover()),
			TurnoverRate:   proto.Float64(0),
			Amplitude:      proto.Float64(amplitude),
		}
		if q.GetName() != "" {
			b.Name = proto.String(q.GetName())
		}
		if q.GetUpdateTimestamp() != 0 {
			b.UpdateTimestamp = proto.Float64(q.GetUpdateTimestamp())
		}
		s2c.BasicQotList = append(s2c.BasicQotList, b)
	}
	return s2c
}
