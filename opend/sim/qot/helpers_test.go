package qot

import (
	"context"
	"testing"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetbasicqot"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetsubinfo"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotsub"
	"github.com/futugw/gateway/opend/envelope"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim/market"
	"github.com/futugw/gateway/opend/sim/rawclient"
	"google.golang.org/protobuf/proto"
)

func secs(keys ...string) []*qotcommon.Security {
	out := make([]*qotcommon.Security, len(keys))
	for i, k := range keys {
		out[i] = securityOf(k)
	}
	return out
}

type subReq struct {
	keys        []string
	types       []int32
	unsub       bool
	push, first bool
	unsubAll    bool
}

func doSub(ctx context.Context, t *testing.T, c *rawclient.Client, r subReq) envelope.Status {
	t.Helper()
	var resp qotsub.Response
	st, err := c.Call(ctx, protoid.QotSub, &qotsub.Request{C2S: &qotsub.C2S{
		SecurityList:     secs(r.keys...),
		SubTypeList:      r.types,
		IsSubOrUnSub:     proto.Bool(!r.unsub),
		IsRegOrUnRegPush: proto.Bool(r.push),
		IsFirstPush:      proto.Bool(r.first),
		IsUnsubAll:       proto.Bool(r.unsubAll),
	}}, &resp)
	if err != nil {
		t.Fatalf("Qot_Sub: %v", err)
	}
	return st
}

func mustOK(t *testing.T, st envelope.Status, what string) {
	t.Helper()
	if !st.OK() {
		t.Fatalf("%s failed: retType %d errCode %d: %s", what, st.RetType, st.ErrCode, st.RetMsg)
	}
}

func mustFail(t *testing.T, st envelope.Status, what string, code int32) {
	t.Helper()
	if st.OK() {
		t.Fatalf("%s succeeded, want failure", what)
	}
	if st.ErrCode != code || st.RetMsg == "" {
		t.Fatalf("%s: errCode %d msg %q, want errCode %d and a message", what, st.ErrCode, st.RetMsg, code)
	}
}

func getBasic(ctx context.Context, t *testing.T, c *rawclient.Client, keys ...string) ([]*qotcommon.BasicQot, envelope.Status) {
	t.Helper()
	var resp qotgetbasicqot.Response
	st, err := c.Call(ctx, protoid.QotGetBasicQot, &qotgetbasicqot.Request{C2S: &qotgetbasicqot.C2S{
		SecurityList: secs(keys...)}}, &resp)
	if err != nil {
		t.Fatalf("Qot_GetBasicQot: %v", err)
	}
	return resp.GetS2C().GetBasicQotList(), st
}

func subInfo(ctx context.Context, t *testing.T, c *rawclient.Client, all bool) *qotgetsubinfo.S2C {
	t.Helper()
	var resp qotgetsubinfo.Response
	st, err := c.Call(ctx, protoid.QotGetSubInfo, &qotgetsubinfo.Request{C2S: &qotgetsubinfo.C2S{
		IsReqAllConn: proto.Bool(all)}}, &resp)
	if err != nil {
		t.Fatal(err)
	}
	mustOK(t, st, "Qot_GetSubInfo")
	return resp.GetS2C()
}

func keyOf(s *qotcommon.Security) string { return market.Key(s.GetMarket(), s.GetCode()) }

// call sends one request and fails the test on a transport error.
func call(ctx context.Context, t *testing.T, c *rawclient.Client, protoID uint32, req, resp proto.Message) envelope.Status {
	t.Helper()
	st, err := c.Call(ctx, protoID, req, resp)
	if err != nil {
		t.Fatalf("proto %d: %v", protoID, err)
	}
	return st
}
