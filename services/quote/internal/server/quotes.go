package server

import (
	"context"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetsecuritysnapshot"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetstaticinfo"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/services/quote/internal/subs"
	"github.com/futugw/gateway/services/quote/internal/upstream"
)

// GetBasicQuote answers from the push cache when the security's last push is fresh,
// and from Qot_GetSecuritySnapshot (which needs no subscription) otherwise.
func (s *Server) GetBasicQuote(ctx context.Context, req *gatewayv1.GetBasicQuoteRequest) (*gatewayv1.GetBasicQuoteResponse, error) {
	secs, err := validSecurities(req.GetSecurityList())
	if err != nil {
		return nil, err
	}
	out := make([]*gatewayv1.BasicQuote, len(secs))
	var missing []int
	now := s.o.Now()
	for i, sec := range secs {
		if q, at, ok := s.o.Hub.Cache().Get(sec); ok && now.Sub(at) <= s.o.Fresh {
			out[i] = fromBasicQot(sec, q)
			continue
		}
		missing = append(missing, i)
	}
	if len(missing) > 0 {
		c2s := &qotgetsecuritysnapshot.C2S{}
		for _, i := range missing {
			c2s.SecurityList = append(c2s.SecurityList, upstream.Security(secs[i]))
		}
		var resp qotgetsecuritysnapshot.Response
		if err := s.call(ctx, protoid.QotGetSecuritySnapshot, &qotgetsecuritysnapshot.Request{C2S: c2s}, &resp); err != nil {
			return nil, toStatus(err)
		}
		got := map[subs.Security]*qotgetsecuritysnapshot.SnapshotBasicData{}
		for _, snap := range resp.GetS2C().GetSnapshotList() {
			b := snap.GetBasic()
			got[subs.Security{Market: b.GetSecurity().GetMarket(), Code: b.GetSecurity().GetCode()}] = b
		}
		for _, i := range missing {
			b, ok := got[secs[i]]
			if !ok {
				return nil, invalid("unknown security " + secs[i].Key())
			}
			out[i] = fromSnapshot(secs[i], b)
		}
	}
	return &gatewayv1.GetBasicQuoteResponse{Quotes: out}, nil
}

func fromBasicQot(sec subs.Security, q *qotcommon.BasicQot) *gatewayv1.BasicQuote {
	return &gatewayv1.BasicQuote{
		Security: &gatewayv1.Security{Market: sec.Market, Code: sec.Code}, SecKey: sec.Key(),
		Name: q.GetName(), CurPrice: q.GetCurPrice(), LastClosePrice: q.GetLastClosePrice(),
		OpenPrice: q.GetOpenPrice(), HighPrice: q.GetHighPrice(), LowPrice: q.GetLowPrice(),
		Volume: q.GetVolume(), Turnover: q.GetTurnover(), UpdateTime: q.GetUpdateTime(),
		UpdateTimestamp: q.GetUpdateTimestamp(), IsSuspended: q.GetIsSuspended(),
	}
}

func fromSnapshot(sec subs.Security, b *qotgetsecuritysnapshot.SnapshotBasicData) *gatewayv1.BasicQuote {
	return &gatewayv1.BasicQuote{
		Security: &gatewayv1.Security{Market: sec.Market, Code: sec.Code}, SecKey: sec.Key(),
		Name: b.GetName(), CurPrice: b.GetCurPrice(), LastClosePrice: b.GetLastClosePrice(),
		OpenPrice: b.GetOpenPrice(), HighPrice: b.GetHighPrice(), LowPrice: b.GetLowPrice(),
		Volume: b.GetVolume(), Turnover: b.GetTurnover(), UpdateTime: b.GetUpdateTime(),
		UpdateTimestamp: b.GetUpdateTimestamp(), IsSuspended: b.GetIsSuspend(),
	}
}

// GetStaticInfo answers names and lot sizes, asking OpenD (Qot_GetStaticInfo) only
// for securities not seen before.
func (s *Server) GetStaticInfo(ctx context.Context, req *gatewayv1.GetStaticInfoRequest) (*gatewayv1.GetStaticInfoResponse, error) {
	secs, err := validSecurities(req.GetSecurityList())
	if err != nil {
		return nil, err
	}
	found := make(map[subs.Security]*qotcommon.SecurityStaticBasic, len(secs))
	var ask []*qotcommon.Security
	s.staticMu.RLock()
	for _, sec := range secs {
		if b, ok := s.static[sec]; ok {
			found[sec] = b
		} else {
			ask = append(ask, upstream.Security(sec))
		}
	}
	s.staticMu.RUnlock()
	if len(ask) > 0 {
		var resp qotgetstaticinfo.Response
		if err := s.call(ctx, protoid.QotGetStaticInfo, &qotgetstaticinfo.Request{C2S: &qotgetstaticinfo.C2S{SecurityList: ask}}, &resp); err != nil {
			return nil, toStatus(err)
		}
		s.staticMu.Lock()
		for _, info := range resp.GetS2C().GetStaticInfoList() {
			b := info.GetBasic()
			sec := subs.Security{Market: b.GetSecurity().GetMarket(), Code: b.GetSecurity().GetCode()}
			s.static[sec] = b
			found[sec] = b
		}
		s.staticMu.Unlock()
	}
	out := &gatewayv1.GetStaticInfoResponse{}
	for _, sec := range secs {
		b, ok := found[sec]
		if !ok {
			return nil, invalid("unknown security " + sec.Key())
		}
		out.StaticInfoList = append(out.StaticInfoList, &gatewayv1.StaticInfo{
			Security: &gatewayv1.Security{Market: sec.Market, Code: sec.Code}, SecKey: sec.Key(),
			Name: b.GetName(), LotSize: b.GetLotSize(), SecType: b.GetSecType(), ListTime: b.GetListTime(),
		})
	}
	return out, nil
}
