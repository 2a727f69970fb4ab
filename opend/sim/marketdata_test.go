package sim_test

import (
	"context"
	"testing"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/getglobalstate"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetmarketstate"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetusersecurity"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotmodifyusersecurity"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotsetpricereminder"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatepricereminder"
	"github.com/futugw/gateway/opend/envelope"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim"
	"github.com/futugw/gateway/opend/sim/calendar"
	"github.com/futugw/gateway/opend/sim/rawclient"
	"github.com/futugw/gateway/opend/testkit/simtest"
	"google.golang.org/protobuf/proto"
)

func call(t *testing.T, c *rawclient.Client, id uint32, req, resp proto.Message) envelope.Status {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	st, err := c.Call(ctx, id, req, resp)
	if err != nil {
		t.Fatalf("proto %d: %v", id, err)
	}
	if !st.OK() {
		t.Fatalf("proto %d failed: %+v", id, st)
	}
	return st
}

func dial(t *testing.T, addr string) *rawclient.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := rawclient.Dial(ctx, addr, rawclient.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

var tencent = &qotcommon.Security{Market: proto.Int32(1), Code: proto.String("00700")}

// TestMarketStateAtSimClock: with the simulator's clock stopped at HK lunch on
// a Monday, both the per-security and the global market states follow the
// calendar.
func TestMarketStateAtSimClock(t *testing.T) {
	at := time.Date(2026, 12, 7, 12, 30, 0, 0, calendar.Location(calendar.HK))
	_, addr := simtest.Start(t, sim.Config{Seed: 3, Now: func() time.Time { return at }})
	c := dial(t, addr)

	var ms qotgetmarketstate.Response
	call(t, c, protoid.QotGetMarketState, &qotgetmarketstate.Request{C2S: &qotgetmarketstate.C2S{
		SecurityList: []*qotcommon.Security{tencent}}}, &ms)
	if got := ms.GetS2C().GetMarketInfoList()[0].GetMarketState(); got != int32(calendar.StateRest) {
		t.Errorf("HK.00700 at %v: state %d, want Rest", at, got)
	}
	var gs getglobalstate.Response
	call(t, c, protoid.GetGlobalState, &getglobalstate.Request{C2S: &getglobalstate.C2S{UserID: proto.Uint64(1)}}, &gs)
	if g := gs.GetS2C(); g.GetMarketHK() != int32(calendar.StateRest) || g.GetMarketSH() != int32(calendar.StateRest) ||
		g.GetMarketUS() != int32(calendar.State(calendar.US, at)) {
		t.Errorf("global states HK %d SH %d US %d", g.GetMarketHK(), g.GetMarketSH(), g.GetMarketUS())
	}
}

// TestUserStateAcrossConnections runs against the whole simulator with its
// price loop: a watchlist change shows on a second connection, and a price
// reminder set on one connection is pushed to both when the live walk
// crosses it.
func TestUserStateAcrossConnections(t *testing.T) {
	s, addr := simtest.Start(t, sim.Config{Seed: 3, PushInterval: time.Millisecond})
	a, b := dial(t, addr), dial(t, addr)

	var mod qotmodifyusersecurity.Response
	call(t, a, protoid.QotModifyUserSecurity, &qotmodifyusersecurity.Request{C2S: &qotmodifyusersecurity.C2S{
		GroupName: proto.String("Watching"), Op: proto.Int32(1), SecurityList: []*qotcommon.Security{tencent}}}, &mod)
	var us qotgetusersecurity.Response
	call(t, b, protoid.QotGetUserSecurity, &qotgetusersecurity.Request{C2S: &qotgetusersecurity.C2S{GroupName: proto.String("Watching")}}, &us)
	if l := us.GetS2C().GetStaticInfoList(); len(l) != 1 || l[0].GetBasic().GetSecurity().GetCode() != "00700" {
		t.Errorf("second connection sees Watching = %v", l)
	}

	// One tick above the last price: the running walk soon trades there.
	q, _ := s.Market().Quote(1, "00700")
	target := q.Cur + 0.2
	var set qotsetpricereminder.Response
	call(t, a, protoid.QotSetPriceReminder, &qotsetpricereminder.Request{C2S: &qotsetpricereminder.C2S{
		Security: tencent, Op: proto.Int32(1), Type: proto.Int32(int32(qotcommon.PriceReminderType_PriceReminderType_PriceUp)),
		Freq: proto.Int32(int32(qotcommon.PriceReminderFreq_PriceReminderFreq_OnlyOnce)), Value: proto.Float64(target)}}, &set)

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for name, c := range map[string]*rawclient.Client{"a": a, "b": b} {
		f, err := c.NextPush(ctx, protoid.QotUpdatePriceReminder)
		if err != nil {
			t.Fatalf("connection %s: no reminder push: %v", name, err)
		}
		var p qotupdatepricereminder.Response
		if err := proto.Unmarshal(f.Body, &p); err != nil {
			t.Fatal(err)
		}
		if p.GetS2C().GetKey() != set.GetS2C().GetKey() || p.GetS2C().GetPrice() < target {
			t.Errorf("connection %s: push %v", name, p.GetS2C())
		}
	}
}
