package qot

import (
	"context"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetkl"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatekl"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/server"
	"github.com/futugw/gateway/opend/sim/kline"
	"github.com/futugw/gateway/opend/sim/market"
	"github.com/futugw/gateway/platform/obs"
	"google.golang.org/protobuf/proto"
)

// maxGetKLNum is Qot_GetKL's reqNum limit (get_cur_kline: "up to 1000").
const maxGetKLNum = 1000

// pushRehab is the rehab type of Qot_UpdateKL: a subscription names no rehab
// type and OpenD pushes forward-adjusted bars.
const pushRehab = kline.RehabForward

// getKL serves Qot_GetKL: the latest reqNum bars of a period, history then
// today's, only for a security this connection subscribed with that K-line
// sub type, as OpenD refuses otherwise.
func (s *Service) getKL(_ context.Context, c *server.Conn, req server.Request) (proto.Message, error) {
	var in qotgetkl.Request
	if err := decode("Qot_GetKL", req.Body, &in); err != nil {
		return nil, err
	}
	c2s := in.GetC2S()
	kl, rt, err := klParams(c2s.GetKlType(), c2s.GetRehabType())
	if err != nil {
		return nil, toEnvelope(err)
	}
	n := int(c2s.GetReqNum())
	if n <= 0 || n > maxGetKLNum {
		return nil, toEnvelope(failf(codeInvalid, "reqNum %d not within 1-%d", n, maxGetKLNum))
	}
	series, inst, err := s.klSeries(c2s.GetSecurity())
	if err != nil {
		return nil, toEnvelope(err)
	}
	if sub := klSubType[kl]; !s.subs.subscribed(c, pair{inst.Key(), sub}) {
		return nil, toEnvelope(failf(codeNotSubscribed,
			"%s is not subscribed to KL_%s on this connection; subscribe with Qot_Sub (subType %d) first",
			inst.Key(), klTypeName(kl), sub))
	}
	bars := s.kl.book.latest(series, kl, rt, n)
	return &qotgetkl.Response{RetType: succeed(), S2C: &qotgetkl.S2C{
		Security: security(inst),
		Name:     proto.String(inst.Name),
		KlList:   klineList(bars, fieldsAll),
	}}, nil
}

// klPushMask has the bits of every K-line sub type.
var klPushMask = func() pushMask {
	var m pushMask
	for _, sub := range klSubType {
		m |= maskOf(sub)
	}
	return m
}()

// klTick is Run's tick listener for K-lines and RT: it feeds the security's
// Builder, pushes the forming minute to RT subscribers, and pushes the forming bar of each K-line type some connection registered
// for, encoded once per (security, type) and queued to every such connection.
func (s *Service) klTick(q market.Quote) {
	targets := s.subs.targets(nil, q.Key())
	wanted := false
	for _, t := range targets {
		wanted = wanted || t.mask&(klPushMask|maskOf(SubRT)) != 0
	}
	bl := s.kl.book.onTick(q, wanted)
	if bl == nil || !wanted {
		return
	}
	var pkts map[kline.KLType][]byte
	var rt []byte
	for _, t := range targets {
		if t.mask&maskOf(SubRT) != 0 { // RT points are the Builder's minutes: push after feeding it
			if rt == nil {
				rt = s.encodeIf(protoid.QotUpdateRT, s.rtPush(q))
			}
			s.pushFrame(t.conn, rt)
		}
		for kl, sub := range klSubType {
			if t.mask&maskOf(sub) == 0 {
				continue
			}
			pkt, ok := pkts[kl]
			if !ok {
				if pkts == nil {
					pkts = make(map[kline.KLType][]byte)
				}
				if bar, has := bl.Current(kl, pushRehab); has {
					pkt = s.encode(protoid.QotUpdateKL, klinePush(q.Instrument, kl, bar))
				}
				pkts[kl] = pkt
			}
			s.pushFrame(t.conn, pkt)
		}
	}
}

func klinePush(inst market.Instrument, kl kline.KLType, bar kline.Bar) *qotupdatekl.Response {
	return &qotupdatekl.Response{RetType: succeed(), S2C: &qotupdatekl.S2C{
		RehabType: proto.Int32(int32(pushRehab)),
		KlType:    proto.Int32(int32(kl)),
		Security:  security(inst),
		Name:      proto.String(inst.Name),
		KlList:    klineList([]kline.Bar{bar}, fieldsAll),
	}}
}

// klFirstPush sends the latest bar of a K-line pair to c (Qot_Sub's
// isFirstPush), reporting false for a pair of another sub type.
func (s *Service) klFirstPush(c *server.Conn, p pair) bool {
	kl, ok := klTypeOfSub(p.subType)
	if !ok {
		return false
	}
	series, ok := s.kl.book.series(p.key)
	q, _ := s.m.QuoteByKey(p.key)
	if !ok {
		return true
	}
	bars := s.kl.book.latest(series, kl, pushRehab, 1)
	if len(bars) == 0 {
		return true
	}
	if err := c.Push(protoid.QotUpdateKL, klinePush(q.Instrument, kl, bars[0])); err != nil {
		s.log.Debug("first push dropped", "conn", c.ID(), "sub", subTypeName(p.subType), "key", p.key, obs.Err(err))
	}
	return true
}
