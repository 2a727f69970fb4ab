package sim_test

import (
	"context"
	"testing"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/getdelaystatistics"
	"github.com/futugw/gateway/api/gen/go/futu/opend/getglobalstate"
	"github.com/futugw/gateway/opend/envelope"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim"
	"github.com/futugw/gateway/opend/sim/rawclient"
	"github.com/futugw/gateway/opend/testkit/simtest"
	"github.com/futugw/gateway/platform/testkit"
	"google.golang.org/protobuf/proto"
)

func delayStatistics(t *testing.T, c *rawclient.Client, c2s *getdelaystatistics.C2S) (envelope.Status, *getdelaystatistics.S2C) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var resp getdelaystatistics.Response
	st, err := c.Call(ctx, protoid.GetDelayStatistics, &getdelaystatistics.Request{C2S: c2s}, &resp)
	if err != nil {
		t.Fatal(err)
	}
	return st, resp.GetS2C()
}

func TestGetDelayStatisticsOverProtocol(t *testing.T) {
	_, addr := simtest.Start(t, sim.Config{PushInterval: 2 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := rawclient.Dial(ctx, addr, rawclient.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for range 3 {
		if st, err := c.Call(ctx, protoid.GetGlobalState, &getglobalstate.Request{C2S: &getglobalstate.C2S{UserID: proto.Uint64(1)}}, &getglobalstate.Response{}); err != nil || !st.OK() {
			t.Fatalf("GetGlobalState: %+v %v", st, err)
		}
	}

	all := &getdelaystatistics.C2S{TypeList: []int32{1, 2, 3}}
	var s2c *getdelaystatistics.S2C
	testkit.Eventually(t, 5*time.Second, "quote pushes counted", func() bool {
		st, got := delayStatistics(t, c, all)
		if !st.OK() {
			t.Fatalf("GetDelayStatistics: %+v", st)
		}
		s2c = got
		return len(got.GetQotPushStatisticsList()) == 4 && got.GetQotPushStatisticsList()[0].GetCount() > 0
	})
	for _, ds := range s2c.GetQotPushStatisticsList() {
		var sum int32
		for _, it := range ds.GetItemList() {
			sum += it.GetCount()
		}
		if sum != ds.GetCount() || ds.GetDelayAvg() <= 0 {
			t.Errorf("push type %d: buckets sum to %d of %d, average %g", ds.GetQotPushType(), sum, ds.GetCount(), ds.GetDelayAvg())
		}
	}
	var global *getdelaystatistics.ReqReplyStatisticsItem
	for _, it := range s2c.GetReqReplyStatisticsList() {
		if uint32(it.GetProtoID()) == protoid.GetGlobalState {
			global = it
		}
	}
	if global.GetCount() != 3 || !global.GetIsLocalReply() || global.GetTotalCostAvg() < global.GetOpenDCostAvg() {
		t.Errorf("GetGlobalState statistics %v, want 3 local replies", global)
	}
	if len(s2c.GetPlaceOrderStatisticsList()) != 0 {
		t.Errorf("place order statistics %v, want none", s2c.GetPlaceOrderStatisticsList())
	}

	// A custom segmentation and a stage.
	st, got := delayStatistics(t, c, &getdelaystatistics.C2S{TypeList: []int32{1}, QotPushStage: proto.Int32(2), SegmentList: []int32{5, 10, 50}})
	if !st.OK() || len(got.GetQotPushStatisticsList()[0].GetItemList()) != 4 || got.GetReqReplyStatisticsList() != nil {
		t.Errorf("custom segments: %+v %v", st, got)
	}

	// Refusals: retType -1 with a reason.
	for _, bad := range []*getdelaystatistics.C2S{
		{TypeList: []int32{9}},
		{TypeList: []int32{1}, QotPushStage: proto.Int32(8)},
		{TypeList: []int32{1}, SegmentList: []int32{100, 120}},
	} {
		if st, _ := delayStatistics(t, c, bad); st.RetType != envelope.RetFailed || st.RetMsg == "" {
			t.Errorf("%v: %+v, want a refusal", bad, st)
		}
	}
}
