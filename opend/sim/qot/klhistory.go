package qot

import (
	"context"
	"errors"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotrequesthistorykl"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotrequesthistoryklquota"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotrequestrehab"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/server"
	"github.com/futugw/gateway/opend/sim/kline"
	"github.com/futugw/gateway/opend/sim/market"
	"google.golang.org/protobuf/proto"
)

// klState is the quote service's K-line half: the bars and the history quota.
type klState struct {
	book  *klineBook
	quota *historyQuota
}

// registerKLines serves the K-line protocol ids: history, its quota, rehab,
// the subscribed pull and (from Run's tick listener) the push.
func (s *Service) registerKLines() {
	s.kl = &klState{
		book:  newKLineBook(s.cfg.Seed, s.m),
		quota: newHistoryQuota(s.cfg.HistoryQuota),
	}
	s.srv.Handle(protoid.QotRequestHistoryKL, s.requestHistoryKL)
	s.srv.Handle(protoid.QotRequestHistoryKLQuota, s.requestHistoryKLQuota)
	s.srv.Handle(protoid.QotRequestRehab, s.requestRehab)
	s.srv.Handle(protoid.QotGetKL, s.getKL)
}

// klSeries resolves one security to its K-line history.
func (s *Service) klSeries(sec *qotcommon.Security) (*kline.Series, market.Instrument, error) {
	if sec == nil {
		return nil, market.Instrument{}, failf(codeInvalid, "security is missing")
	}
	keys, err := s.resolve([]*qotcommon.Security{sec})
	if err != nil {
		return nil, market.Instrument{}, err
	}
	series, _ := s.kl.book.series(keys[0])
	inst, _ := s.m.Instrument(sec.GetMarket(), sec.GetCode())
	return series, inst, nil
}

// requestHistoryKL serves Qot_RequestHistoryKL: the bars labelled between
// beginTime and endTime, every KLType and RehabType, paged by maxAckKLNum and
// nextReqKey, continuing into today's live bars; US pre-market and
// after-hours bars with extendedTime or session ETH / ALL (klextended.go). Each distinct security costs
// one unit of the 30-day history quota; a refused request costs nothing.
func (s *Service) requestHistoryKL(_ context.Context, _ *server.Conn, req server.Request) (proto.Message, error) {
	var in qotrequesthistorykl.Request
	if err := decode("Qot_RequestHistoryKL", req.Body, &in); err != nil {
		return nil, err
	}
	c2s := in.GetC2S()
	kl, rt, err := klParams(c2s.GetKlType(), c2s.GetRehabType())
	if err != nil {
		return nil, toEnvelope(err)
	}
	series, inst, err := s.klSeries(c2s.GetSecurity())
	if err != nil {
		return nil, toEnvelope(err)
	}
	r, err := historyRequest(c2s, series, kl, rt)
	if err != nil {
		return nil, toEnvelope(err)
	}
	ext, err := wantsExtended(c2s, inst.Market, kl)
	if err != nil {
		return nil, toEnvelope(err)
	}
	pageOf := s.kl.book.page
	if ext {
		pageOf = s.kl.book.extendedPage
	}
	page, err := pageOf(series, r)
	if errors.Is(err, kline.ErrNextKey) {
		return nil, toEnvelope(failf(codeInvalid, "nextReqKey does not continue this request (same security, klType, rehabType, beginTime and endTime)"))
	}
	if err != nil {
		return nil, toEnvelope(failf(codeInvalid, "%v", err))
	}
	if err := s.kl.quota.charge(inst.Key(), s.cfg.Now()); err != nil {
		return nil, toEnvelope(err)
	}
	flags := int64(fieldsAll)
	if c2s.NeedKLFieldsFlag != nil {
		flags = c2s.GetNeedKLFieldsFlag()
	}
	return &qotrequesthistorykl.Response{RetType: succeed(), S2C: &qotrequesthistorykl.S2C{
		Security:   security(inst),
		Name:       proto.String(inst.Name),
		KlList:     klineList(page.Bars, flags),
		NextReqKey: page.NextKey,
	}}, nil
}

// historyRequest reads the time range and page size.
func historyRequest(c2s *qotrequesthistorykl.C2S, series *kline.Series, kl kline.KLType, rt kline.RehabType) (kline.Request, error) {
	loc := series.Calendar().Location()
	begin, err := parseKLTime("beginTime", c2s.GetBeginTime(), loc, false)
	if err != nil {
		return kline.Request{}, err
	}
	end, err := parseKLTime("endTime", c2s.GetEndTime(), loc, true)
	if err != nil {
		return kline.Request{}, err
	}
	if end.Before(begin) {
		return kline.Request{}, failf(codeInvalid, "endTime %s is before beginTime %s", c2s.GetEndTime(), c2s.GetBeginTime())
	}
	if c2s.GetMaxAckKLNum() < 0 {
		return kline.Request{}, failf(codeInvalid, "maxAckKLNum %d is negative", c2s.GetMaxAckKLNum())
	}
	return kline.Request{KLType: kl, Rehab: rt, Begin: begin, End: end,
		Max: int(c2s.GetMaxAckKLNum()), NextKey: c2s.GetNextReqKey()}, nil
}

// requestHistoryKLQuota serves Qot_RequestHistoryKLQuota: the units used in
// the last 30 days, the remainder and, with bGetDetail, each security's last
// pull (in UTC+8, as OpenD reports times).
func (s *Service) requestHistoryKLQuota(_ context.Context, _ *server.Conn, req server.Request) (proto.Message, error) {
	var in qotrequesthistoryklquota.Request
	if err := decode("Qot_RequestHistoryKLQuota", req.Body, &in); err != nil {
		return nil, err
	}
	uses := s.kl.quota.snapshot(s.cfg.Now())
	out := &qotrequesthistoryklquota.S2C{
		UsedQuota:   proto.Int32(int32(len(uses))),
		RemainQuota: proto.Int32(int32(s.kl.quota.limit - len(uses))),
	}
	if in.GetC2S().GetBGetDetail() {
		for _, u := range uses {
			item := &qotrequesthistoryklquota.DetailItem{
				Security:         securityOf(u.key),
				RequestTime:      proto.String(u.last.In(zoneHK).Format(layoutSecond)),
				RequestTimeStamp: proto.Int64(u.last.Unix()),
			}
			if q, ok := s.m.QuoteByKey(u.key); ok {
				item.Name = proto.String(q.Name)
			}
			out.DetailList = append(out.DetailList, item)
		}
	}
	return &qotrequesthistoryklquota.Response{RetType: succeed(), S2C: out}, nil
}

// requestRehab serves Qot_RequestRehab: the security's corporate actions in
// ex-date order with Futu's adjustment factors. It uses no quota.
func (s *Service) requestRehab(_ context.Context, _ *server.Conn, req server.Request) (proto.Message, error) {
	var in qotrequestrehab.Request
	if err := decode("Qot_RequestRehab", req.Body, &in); err != nil {
		return nil, err
	}
	series, _, err := s.klSeries(in.GetC2S().GetSecurity())
	if err != nil {
		return nil, toEnvelope(err)
	}
	out := &qotrequestrehab.S2C{}
	for _, a := range series.Actions() {
		out.RehabList = append(out.RehabList, rehabMsg(a))
	}
	return &qotrequestrehab.Response{RetType: succeed(), S2C: out}, nil
}

func rehabMsg(a kline.Action) *qotcommon.Rehab {
	r := &qotcommon.Rehab{
		Time:           proto.String(a.TimeString()),
		CompanyActFlag: proto.Int64(a.Flag),
		FwdFactorA:     proto.Float64(a.FwdA),
		FwdFactorB:     proto.Float64(a.FwdB),
		BwdFactorA:     proto.Float64(a.BwdA),
		BwdFactorB:     proto.Float64(a.BwdB),
	}
	if a.Flag&kline.ActSplit != 0 {
		r.SplitBase, r.SplitErt = proto.Int32(a.SplitBase), proto.Int32(a.SplitErt)
	}
	if a.Flag&kline.ActDividend != 0 {
		r.Dividend = proto.Float64(a.Dividend)
	}
	return r
}
