package qot

import (
	"testing"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatekl"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim/kline"
	"github.com/futugw/gateway/platform/testkit"
	"google.golang.org/protobuf/proto"
)

func TestKLSubTypeMapping(t *testing.T) {
	for kl, sub := range klSubType {
		name := qotcommon.SubType_name[sub]
		if want := "SubType_KL_" + klTypeName(kl); name != want && !(kl == kline.KLQuarter && name == "SubType_KL_Qurater") {
			t.Errorf("klType %d maps to %s, want %s", kl, name, want)
		}
		if back, ok := klTypeOfSub(sub); !ok || back != kl {
			t.Errorf("sub %d maps back to %d", sub, back)
		}
	}
	if len(klSubType) != 15 {
		t.Errorf("%d K-line types mapped, want 15", len(klSubType))
	}
	if _, ok := klTypeOfSub(SubBasic); ok {
		t.Error("Basic is not a K-line sub type")
	}
}

// Qot_GetKL needs this connection's subscription to that K-line type.
func TestGetKLRefusals(t *testing.T) {
	e := start(t, Config{})
	c := e.dial(t)
	other := e.dial(t)
	ctx := testCtx(t)
	mustOK(t, doSub(ctx, t, other, subReq{keys: []string{klKey}, types: []int32{klSubType[kline.KLDay]}}), "other's sub")
	mustOK(t, doSub(ctx, t, c, subReq{keys: []string{klKey}, types: []int32{klSubType[kline.KL5Min]}}), "sub 5min")
	for _, tc := range []struct {
		name string
		kl   kline.KLType
		rt   kline.RehabType
		n    int32
		code int32
	}{
		{"another connection's subscription", kline.KLDay, kline.RehabForward, 10, codeNotSubscribed},
		{"another K-line type", kline.KL1Min, kline.RehabForward, 10, codeNotSubscribed},
		{"unknown klType", 42, kline.RehabForward, 10, codeInvalid},
		{"unknown rehabType", kline.KL5Min, 7, 10, codeInvalid},
		{"reqNum 0", kline.KL5Min, kline.RehabNone, 0, codeInvalid},
		{"reqNum over 1000", kline.KL5Min, kline.RehabNone, 1001, codeInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, st := callGetKL(ctx, t, c, tc.kl, tc.rt, tc.n)
			mustFail(t, st, tc.name, tc.code)
		})
	}
	s2c, st := callGetKL(ctx, t, c, kline.KL5Min, kline.RehabNone, 1000)
	mustOK(t, st, "subscribed type")
	if len(s2c.GetKlList()) != 1000 || keyOf(s2c.GetSecurity()) != klKey || s2c.GetName() == "" {
		t.Errorf("%d bars for %v", len(s2c.GetKlList()), s2c.GetSecurity())
	}
}

// A Qot_UpdateKL push carries the bar Qot_GetKL then returns last, and the
// latest reqNum bars of GetKL are the tail of Qot_RequestHistoryKL.
func TestGetKLEqualsPush(t *testing.T) {
	e := start(t, Config{Seed: 9})
	c := e.dial(t)
	ctx := testCtx(t)
	e.trade(t, klKey, 30, 13*time.Second)
	types := []kline.KLType{kline.KL1Min, kline.KL5Min, kline.KLDay, kline.KLWeek, kline.KLMonth}
	var subs []int32
	for _, kl := range types {
		subs = append(subs, klSubType[kl])
	}
	mustOK(t, doSub(ctx, t, c, subReq{keys: []string{klKey}, types: subs, push: true}), "sub K-lines")
	e.clock.Advance(20 * time.Second)
	e.mkt.Step(klKey)
	pushed := map[kline.KLType]*qotupdatekl.S2C{}
	for len(pushed) < len(types) {
		f, err := c.NextPush(ctx, protoid.QotUpdateKL)
		if err != nil {
			t.Fatalf("waiting for Qot_UpdateKL: %v (got %d)", err, len(pushed))
		}
		var p qotupdatekl.Response
		if err := proto.Unmarshal(f.Body, &p); err != nil {
			t.Fatal(err)
		}
		s2c := p.GetS2C()
		if s2c.GetRehabType() != int32(kline.RehabForward) || keyOf(s2c.GetSecurity()) != klKey || len(s2c.GetKlList()) != 1 {
			t.Fatalf("push %v", s2c)
		}
		pushed[kline.KLType(s2c.GetKlType())] = s2c
	}
	for _, kl := range types {
		s2c, st := callGetKL(ctx, t, c, kl, kline.RehabForward, 50)
		mustOK(t, st, "Qot_GetKL")
		list := s2c.GetKlList()
		if len(list) != 50 {
			t.Fatalf("kl %d: %d bars", kl, len(list))
		}
		if last := list[len(list)-1]; !proto.Equal(last, pushed[kl].GetKlList()[0]) {
			t.Errorf("kl %d: pulled %v != pushed %v", kl, last, pushed[kl].GetKlList()[0])
		}
		begin := time.Unix(int64(list[0].GetTimestamp()), 0).In(hkLoc).Format(time.DateOnly)
		hist := history(ctx, t, c, histReq{kl: kl, rt: kline.RehabForward, begin: begin, end: "2025-03-31"})
		tail := hist[len(hist)-50:]
		for i := range list {
			if !proto.Equal(list[i], tail[i]) {
				t.Fatalf("kl %d bar %d: GetKL %v != history %v", kl, i, list[i], tail[i])
			}
		}
	}
}

// One encoded push per (security, K-line type) reaches every subscriber;
// a connection without the push registration gets none.
func TestKLPushFanOut(t *testing.T) {
	e := start(t, Config{Seed: 4})
	a, b, quiet := e.dial(t), e.dial(t), e.dial(t)
	ctx := testCtx(t)
	e.trade(t, klKey, 1, time.Second)
	sub := []int32{klSubType[kline.KL1Min]}
	mustOK(t, doSub(ctx, t, a, subReq{keys: []string{klKey}, types: sub, push: true}), "a")
	mustOK(t, doSub(ctx, t, b, subReq{keys: []string{klKey}, types: sub, push: true, first: true}), "b")
	mustOK(t, doSub(ctx, t, quiet, subReq{keys: []string{klKey}, types: sub}), "quiet")
	first, err := b.NextPush(ctx, protoid.QotUpdateKL)
	if err != nil {
		t.Fatal(err)
	}
	var p qotupdatekl.Response
	if err := proto.Unmarshal(first.Body, &p); err != nil || p.GetS2C().GetKlType() != int32(kline.KL1Min) {
		t.Fatalf("first push %v %v", &p, err)
	}
	for i := range 5 {
		e.clock.Advance(30 * time.Second)
		q, _ := e.mkt.Step(klKey)
		fa, err := a.NextPush(ctx, protoid.QotUpdateKL)
		if err != nil {
			t.Fatal(err)
		}
		fb, err := b.NextPush(ctx, protoid.QotUpdateKL)
		if err != nil {
			t.Fatal(err)
		}
		if string(fa.Body) != string(fb.Body) {
			t.Fatalf("step %d: subscribers got different pushes", i)
		}
		if err := proto.Unmarshal(fa.Body, &p); err != nil {
			t.Fatal(err)
		}
		if k := p.GetS2C().GetKlList()[0]; k.GetClosePrice() != q.Cur {
			t.Errorf("step %d: pushed close %v, quote %v", i, k.GetClosePrice(), q.Cur)
		}
	}
	// quiet registered no K-line push: everything before its first Basic
	// push (registered now) must be no K-line push.
	mustOK(t, doSub(ctx, t, quiet, subReq{keys: []string{klKey}, types: []int32{SubBasic}, push: true}), "quiet basic")
	e.mkt.Step(klKey)
	for {
		f := testkit.Recv(t, 10*time.Second, "quiet's Basic push", quiet.Pushes())
		if f.ProtoID == protoid.QotUpdateKL {
			t.Fatal("quiet got a K-line push")
		}
		if f.ProtoID == protoid.QotUpdateBasicQot {
			break
		}
	}
}
