package qot

import (
	"context"
	"slices"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetsubinfo"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotregqotpush"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotsub"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/server"
	"github.com/futugw/gateway/platform/obs"
	"google.golang.org/protobuf/proto"
)

// pairs validates securities and sub types and returns their product.
func (s *Service) pairs(secs []*qotcommon.Security, subTypes []int32) ([]pair, error) {
	keys, err := s.resolve(secs)
	if err != nil {
		return nil, err
	}
	if len(subTypes) == 0 {
		return nil, failf(codeInvalid, "subTypeList is empty")
	}
	for _, t := range subTypes {
		if maskOf(t) == 0 {
			return nil, failf(codeUnsupported,
				"unknown sub type %d: not a Qot_Common.SubType value", t)
		}
	}
	out := make([]pair, 0, len(keys)*len(subTypes))
	for _, k := range keys {
		for _, t := range subTypes {
			if p := (pair{k, t}); !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out, nil
}

func (s *Service) sub(_ context.Context, c *server.Conn, req server.Request) (proto.Message, error) {
	var in qotsub.Request
	if err := decode("Qot_Sub", req.Body, &in); err != nil {
		return nil, err
	}
	c2s := in.GetC2S()
	now := s.cfg.Now()
	ok := &qotsub.Response{RetType: succeed(), S2C: &qotsub.S2C{}}

	if !c2s.GetIsSubOrUnSub() {
		if c2s.GetIsUnsubAll() {
			if err := s.subs.unsubscribeAll(c, now); err != nil {
				return nil, toEnvelope(err)
			}
			return ok, nil
		}
		ps, err := s.pairs(c2s.GetSecurityList(), c2s.GetSubTypeList())
		if err != nil {
			return nil, toEnvelope(err)
		}
		if err := s.subs.unsubscribe(c, ps, now); err != nil {
			return nil, toEnvelope(err)
		}
		return ok, nil
	}

	ps, err := s.pairs(c2s.GetSecurityList(), c2s.GetSubTypeList())
	if err != nil {
		return nil, toEnvelope(err)
	}
	push := c2s.GetIsRegOrUnRegPush()
	fresh, err := s.subs.subscribe(c, ps, push, now)
	if err != nil {
		return nil, toEnvelope(err)
	}
	s.startLive(fresh)
	if push && c2s.GetIsFirstPush() {
		s.firstPush(c, ps)
	}
	return ok, nil
}

func (s *Service) regQotPush(_ context.Context, c *server.Conn, req server.Request) (proto.Message, error) {
	var in qotregqotpush.Request
	if err := decode("Qot_RegQotPush", req.Body, &in); err != nil {
		return nil, err
	}
	c2s := in.GetC2S()
	ps, err := s.pairs(c2s.GetSecurityList(), c2s.GetSubTypeList())
	if err != nil {
		return nil, toEnvelope(err)
	}
	on := c2s.GetIsRegOrUnReg()
	if err := s.subs.setPush(c, ps, on); err != nil {
		return nil, toEnvelope(err)
	}
	if on && c2s.GetIsFirstPush() {
		s.firstPush(c, ps)
	}
	return &qotregqotpush.Response{RetType: succeed(), S2C: &qotregqotpush.S2C{}}, nil
}

// firstPush sends the current state of each pair to c right away.
func (s *Service) firstPush(c *server.Conn, ps []pair) {
	for _, p := range ps {
		if s.klFirstPush(c, p) {
			continue
		}
		q, ok := s.m.QuoteByKey(p.key)
		if !ok {
			continue
		}
		var err error
		switch p.subType {
		case SubBasic:
			err = c.Push(protoid.QotUpdateBasicQot, basicQotPush(q))
		case SubOrderBook:
			err = c.Push(protoid.QotUpdateOrderBook, s.orderBookPush(q))
		case SubTicker, SubRT, SubBroker, SubOrderBookOdd:
			err = s.firstLivePush(c, p.subType, q)
		}
		if err != nil {
			s.log.Debug("first push dropped", "conn", c.ID(), "sub", describe(p.key, p.subType), obs.Err(err))
			return
		}
	}
}

func (s *Service) getSubInfo(_ context.Context, c *server.Conn, req server.Request) (proto.Message, error) {
	var in qotgetsubinfo.Request
	if err := decode("Qot_GetSubInfo", req.Body, &in); err != nil {
		return nil, err
	}
	conns := []*server.Conn{c}
	if in.GetC2S().GetIsReqAllConn() {
		conns = s.subs.connections()
		if !slices.Contains(conns, c) {
			conns = append(conns, c)
		}
		slices.SortFunc(conns, func(a, b *server.Conn) int {
			switch {
			case a.ID() < b.ID():
				return -1
			case a.ID() > b.ID():
				return 1
			}
			return 0
		})
	}
	var list []*qotcommon.ConnSubInfo
	for _, cc := range conns {
		list = append(list, s.connSubInfo(cc, cc == c))
	}
	used := s.subs.total(s.cfg.Now())
	return &qotgetsubinfo.Response{RetType: succeed(), S2C: &qotgetsubinfo.S2C{
		ConnSubInfoList: list,
		TotalUsedQuota:  proto.Int32(int32(used)),
		RemainQuota:     proto.Int32(int32(s.cfg.SubQuota - used)),
	}}, nil
}

func (s *Service) connSubInfo(c *server.Conn, own bool) *qotcommon.ConnSubInfo {
	byType := s.subs.snapshot(c)
	types := make([]int32, 0, len(byType))
	used := 0
	for t, keys := range byType {
		types = append(types, t)
		used += len(keys) * quotaWeight(t)
	}
	slices.Sort(types)
	info := &qotcommon.ConnSubInfo{
		UsedQuota:     proto.Int32(int32(used)),
		IsOwnConnData: proto.Bool(own),
	}
	for _, t := range types {
		si := &qotcommon.SubInfo{SubType: proto.Int32(t)}
		for _, k := range byType[t] {
			si.SecurityList = append(si.SecurityList, securityOf(k))
		}
		info.SubInfoList = append(info.SubInfoList, si)
	}
	return info
}
