package qot_test

import (
	"context"
	"testing"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/getuserinfo"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotrequesthistorykl"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim"
	"github.com/futugw/gateway/opend/sim/rawclient"
	"github.com/futugw/gateway/opend/testkit/simtest"
	"google.golang.org/protobuf/proto"
)

// The assembled simulator's K-line history is a function of the seed and the
// clock's day, and its history quota is the configured one.
func TestSimKLinesDeterministic(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	now := time.Date(2025, 3, 3, 2, 0, 0, 0, time.UTC)
	dial := func(seed int64) *rawclient.Client {
		_, addr := simtest.Start(t, sim.Config{Seed: seed, HistoryKLQuota: 7, Now: func() time.Time { return now }})
		c, err := rawclient.Dial(ctx, addr, rawclient.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	pull := func(c *rawclient.Client) []byte {
		var resp qotrequesthistorykl.Response
		st, err := c.Call(ctx, protoid.QotRequestHistoryKL, &qotrequesthistorykl.Request{C2S: &qotrequesthistorykl.C2S{
			RehabType: proto.Int32(1), KlType: proto.Int32(6), // 5-minute, forward
			Security:  &qotcommon.Security{Market: proto.Int32(11), Code: proto.String("AAPL")},
			BeginTime: proto.String("2025-02-26"), EndTime: proto.String("2025-02-28"),
		}}, &resp)
		if err != nil || !st.OK() {
			t.Fatalf("%v %+v", err, st)
		}
		if n := len(resp.GetS2C().GetKlList()); n != 3*78 {
			t.Fatalf("%d 5-minute bars over three US days, want 234", n)
		}
		b, _ := proto.MarshalOptions{Deterministic: true}.Marshal(resp.GetS2C())
		return b
	}
	a, b, other := dial(1), dial(1), dial(2)
	if string(pull(a)) != string(pull(b)) {
		t.Error("same seed, different history")
	}
	if string(pull(a)) == string(pull(other)) {
		t.Error("different seeds, same history")
	}
	var info getuserinfo.Response
	if _, err := a.Call(ctx, protoid.GetUserInfo, &getuserinfo.Request{C2S: &getuserinfo.C2S{}}, &info); err != nil {
		t.Fatal(err)
	}
	if got := info.GetS2C().GetHistoryKLQuota(); got != 7 {
		t.Errorf("historyKLQuota %d, want 7", got)
	}
}
