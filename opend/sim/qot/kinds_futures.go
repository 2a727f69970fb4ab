package qot

import (
	"context"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetfutureinfo"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetreference"
	"github.com/futugw/gateway/opend/server"
	"github.com/futugw/gateway/opend/sim/market"
	"google.golang.org/protobuf/proto"
)

// hsiSessions are the HSI future's trading sessions in minutes after
// midnight, Hong Kong time: morning, afternoon and the night session that
// ends at 03:00 the next day.
var hsiSessions = [][2]float64{{9*60 + 15, 12 * 60}, {13 * 60, 16*60 + 30}, {17*60 + 15, 3 * 60}}

func (s *Service) getFutureInfo(_ context.Context, _ *server.Conn, req server.Request) (proto.Message, error) {
	var in qotgetfutureinfo.Request
	if err := decode("Qot_GetFutureInfo", req.Body, &in); err != nil {
		return nil, err
	}
	keys, err := s.resolve(in.GetC2S().GetSecurityList())
	if err != nil {
		return nil, toEnvelope(err)
	}
	out := &qotgetfutureinfo.S2C{}
	for _, k := range keys {
		q, _ := s.m.QuoteByKey(k)
		if q.SecType != market.SecTypeFuture {
			return nil, toEnvelope(failf(codeInvalid, "%s is not a future (security type %d)", k, q.SecType))
		}
		out.FutureInfoList = append(out.FutureInfoList, futureInfo(q.Instrument))
	}
	return &qotgetfutureinfo.Response{RetType: succeed(), S2C: out}, nil
}

func futureInfo(inst market.Instrument) *qotgetfutureinfo.FutureInfo {
	t := inst.Terms
	fi := &qotgetfutureinfo.FutureInfo{
		Name:              proto.String(inst.Name),
		Security:          security(inst),
		LastTradeTime:     proto.String(""),
		Owner:             securityOf(t.Owner),
		OwnerOther:        proto.String("Hang Seng Index"),
		Exchange:          proto.String("HKEX"),
		ContractType:      proto.String("Equity Index"),
		ContractSize:      proto.Float64(market.FutureMultiplier),
		ContractSizeUnit:  proto.String("Index Points×HKD"),
		QuoteCurrency:     proto.String("HKD"),
		MinVar:            proto.Float64(1),
		MinVarUnit:        proto.String("Index Point"),
		QuoteUnit:         proto.String("Index Point"),
		TimeZone:          proto.String("CCT"),
		ExchangeFormatUrl: proto.String("https://www.hkex.com.hk/Products/Listed-Derivatives/Equity-Index/Hang-Seng-Index-(HSI)/Hang-Seng-Index-Futures"),
	}
	for _, sess := range hsiSessions {
		fi.TradeTime = append(fi.TradeTime, &qotgetfutureinfo.TradeTime{Begin: proto.Float64(sess[0]), End: proto.Float64(sess[1])})
	}
	if t.Main {
		fi.Origin = securityOf(t.Origin)
	} else { // Futu: only month contracts have a last trading day
		fi.LastTradeTime = proto.String(dateString(t.Expiry))
		fi.LastTradeTimestamp = proto.Float64(dateTimestamp(inst.Market, t.Expiry))
		fi.Origin = security(inst)
	}
	return fi
}

// getReference lists a stock's warrants and CBBCs, or a future's month
// contracts.
func (s *Service) getReference(_ context.Context, _ *server.Conn, req server.Request) (proto.Message, error) {
	var in qotgetreference.Request
	if err := decode("Qot_GetReference", req.Body, &in); err != nil {
		return nil, err
	}
	c2s := in.GetC2S()
	q, err := s.lookup(c2s.GetSecurity())
	if err != nil {
		return nil, toEnvelope(err)
	}
	out := &qotgetreference.S2C{}
	switch c2s.GetReferenceType() {
	case refWarrant:
		for _, w := range s.derivativesOf(q.Key(), market.SecTypeWarrant) {
			out.StaticInfoList = append(out.StaticInfoList, staticInfo(w.Instrument))
		}
	case refFuture:
		if q.SecType != market.SecTypeFuture {
			return nil, toEnvelope(failf(codeInvalid, "%s is not a future (security type %d); ReferenceType_Future needs one", q.Key(), q.SecType))
		}
		for _, f := range s.derivativesOf(q.Terms.Owner, market.SecTypeFuture) {
			if !f.Terms.Main {
				out.StaticInfoList = append(out.StaticInfoList, staticInfo(f.Instrument))
			}
		}
	default:
		return nil, toEnvelope(failf(codeInvalid, "unknown referenceType %d (1 warrants, 2 future contracts)", c2s.GetReferenceType()))
	}
	return &qotgetreference.Response{RetType: succeed(), S2C: out}, nil
}
