package qot

import (
	"context"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetusersecurity"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetusersecuritygroup"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotmodifyusersecurity"
	"github.com/futugw/gateway/opend/server"
	"google.golang.org/protobuf/proto"
)

func groupData(name string, typ int32) *qotgetusersecuritygroup.GroupData {
	return &qotgetusersecuritygroup.GroupData{GroupName: proto.String(name), GroupType: proto.Int32(typ)}
}

// getGroups lists the system groups, then the custom ones, filtered by type.
func (u *userState) getGroups(_ context.Context, c *server.Conn, req server.Request) (proto.Message, error) {
	var in qotgetusersecuritygroup.Request
	if err := decode("Qot_GetUserSecurityGroup", req.Body, &in); err != nil {
		return nil, err
	}
	typ := in.GetC2S().GetGroupType()
	if typ != groupCustom && typ != groupSystem && typ != groupAll {
		return nil, toEnvelope(failf(codeInvalid, "groupType %d: want 1 Custom, 2 System or 3 All", typ))
	}
	out := &qotgetusersecuritygroup.S2C{}
	if typ != groupCustom {
		for _, g := range systemGroups {
			out.GroupList = append(out.GroupList, groupData(g.name, groupSystem))
		}
	}
	if typ != groupSystem {
		u.mu.Lock()
		for _, g := range u.user(u.userOf(c)).watch.custom {
			out.GroupList = append(out.GroupList, groupData(g.name, groupCustom))
		}
		u.mu.Unlock()
	}
	return &qotgetusersecuritygroup.Response{RetType: succeed(), S2C: out}, nil
}

// getSecurities lists a group's securities with their static info.
func (u *userState) getSecurities(_ context.Context, c *server.Conn, req server.Request) (proto.Message, error) {
	var in qotgetusersecurity.Request
	if err := decode("Qot_GetUserSecurity", req.Body, &in); err != nil {
		return nil, err
	}
	name := in.GetC2S().GetGroupName()
	u.mu.Lock()
	w := u.user(u.userOf(c)).watch
	var keys []string
	sys, isSystem := findSystemGroup(name)
	g := w.group(name)
	switch {
	case isSystem:
		keys = w.all()
	case g != nil:
		keys = append(keys, g.keys...)
	}
	u.mu.Unlock()
	if !isSystem && g == nil {
		return nil, toEnvelope(failf(codeGroup, "no watchlist group named %q", name))
	}
	out := &qotgetusersecurity.S2C{}
	for _, k := range keys {
		q, ok := u.s.m.QuoteByKey(k)
		if !ok || (isSystem && !sys.holds(q.Instrument)) {
			continue
		}
		out.StaticInfoList = append(out.StaticInfoList, staticInfo(q.Instrument))
	}
	return &qotgetusersecurity.Response{RetType: succeed(), S2C: out}, nil
}

// Qot_ModifyUserSecurity.ModifyUserSecurityOp values.
const (
	modifyAdd     = int32(qotmodifyusersecurity.ModifyUserSecurityOp_ModifyUserSecurityOp_Add)
	modifyDel     = int32(qotmodifyusersecurity.ModifyUserSecurityOp_ModifyUserSecurityOp_Del)
	modifyMoveOut = int32(qotmodifyusersecurity.ModifyUserSecurityOp_ModifyUserSecurityOp_MoveOut)
)

// modifySecurities adds to a custom group, deletes from the whole watchlist
// (Del) or takes out of one group (MoveOut). Like OpenD it refuses to modify
// a system group.
func (u *userState) modifySecurities(_ context.Context, c *server.Conn, req server.Request) (proto.Message, error) {
	var in qotmodifyusersecurity.Request
	if err := decode("Qot_ModifyUserSecurity", req.Body, &in); err != nil {
		return nil, err
	}
	c2s := in.GetC2S()
	op := c2s.GetOp()
	if op != modifyAdd && op != modifyDel && op != modifyMoveOut {
		return nil, toEnvelope(failf(codeInvalid, "op %d: want 1 Add, 2 Del or 3 MoveOut", op))
	}
	name := c2s.GetGroupName()
	if _, ok := findSystemGroup(name); ok {
		return nil, toEnvelope(failf(codeGroup, "%q is a system group and cannot be modified; use a custom group", name))
	}
	// Removing needs no quote, but the simulator knows only its universe, so
	// unknown codes are refused for every op.
	keys, err := u.s.resolve(c2s.GetSecurityList())
	if err != nil {
		return nil, toEnvelope(err)
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	w := u.user(u.userOf(c)).watch
	g := w.group(name)
	if g == nil {
		return nil, toEnvelope(failf(codeGroup, "no watchlist group named %q", name))
	}
	switch op {
	case modifyAdd:
		g.add(keys)
	case modifyDel:
		w.removeEverywhere(keys)
	case modifyMoveOut:
		g.remove(keys)
	}
	return &qotmodifyusersecurity.Response{RetType: succeed(), S2C: &qotmodifyusersecurity.S2C{}}, nil
}
