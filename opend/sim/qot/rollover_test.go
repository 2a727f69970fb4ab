package qot

import (
	"testing"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatekl"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim/kline"
	"google.golang.org/protobuf/proto"
)

// A security traded on Monday 2025-03-03 and stepped across midnight into
// Tuesday starts a new day: a new open, Monday's last price as LastClose, the
// day volume restarted; Monday becomes a closed history bar, the day it traded,
// and the K-line pulls and pushes and RT carry on with Tuesday's bars.
func TestDayRollover(t *testing.T) {
	e := start(t, Config{Seed: 5})
	c := e.dial(t)
	ctx := testCtx(t)
	e.trade(t, klKey, 30, time.Minute) // Monday 10:00-10:30 HKT
	mon, _ := e.mkt.QuoteByKey(klKey)
	before := history(ctx, t, c, histReq{kl: kline.KLDay, begin: "2025-01-01", end: "2025-03-02"})
	subs := []int32{SubBasic, SubRT, klSubType[kline.KL1Min], klSubType[kline.KLDay]}
	mustOK(t, doSub(ctx, t, c, subReq{keys: []string{klKey}, types: subs, push: true}), "sub")

	e.clock.Advance(24*time.Hour - 30*time.Minute) // Tuesday 10:00 HKT
	var dayVol int64
	for range 10 {
		e.clock.Advance(time.Minute)
		q, _ := e.mkt.Step(klKey)
		dayVol += q.LastVolume
	}
	tue, _ := e.mkt.QuoteByKey(klKey)
	if tue.LastClose != mon.Cur || tue.Volume != dayVol || tue.Open == 0 {
		t.Fatalf("Tuesday quote %+v after Monday %+v", tue, mon)
	}

	basic, st := getBasic(ctx, t, c, klKey)
	mustOK(t, st, "Qot_GetBasicQot")
	b := basic[0]
	if b.GetLastClosePrice() != mon.Cur || b.GetOpenPrice() != tue.Open || b.GetVolume() != tue.Volume ||
		b.GetHighPrice() != tue.High || b.GetLowPrice() != tue.Low {
		t.Errorf("basic quote %v, want open %v last close %v volume %d", b, tue.Open, mon.Cur, tue.Volume)
	}

	after := history(ctx, t, c, histReq{kl: kline.KLDay, begin: "2025-01-01", end: "2025-03-02"})
	if len(after) != len(before) {
		t.Fatalf("%d day bars before Monday, %d after the rollover", len(before), len(after))
	}
	for i := range before {
		if !proto.Equal(before[i], after[i]) {
			t.Fatalf("day bar %s changed: %v, then %v", before[i].GetTime(), before[i], after[i])
		}
	}
	days := barsOf(t, history(ctx, t, c, histReq{kl: kline.KLDay, begin: "2025-02-28", end: "2025-03-04"}), hkLoc)
	if len(days) != 3 {
		t.Fatalf("day bars %+v", days)
	}
	if d := days[1]; d.Time.Day() != 3 || d.Close != mon.Cur || d.Open != mon.Open || d.High != mon.High ||
		d.Low != mon.Low || d.Volume != mon.Volume || d.LastClose != mon.LastClose {
		t.Errorf("Monday's history bar %+v, Monday's quote %+v", d, mon)
	}
	if d := days[2]; d.Time.Day() != 4 || d.Open != tue.Open || d.Close != tue.Cur || d.LastClose != mon.Cur ||
		d.Volume != tue.Volume {
		t.Errorf("Tuesday's bar %+v, quote %+v", d, tue)
	}

	s2c, st := callGetKL(ctx, t, c, kline.KL1Min, kline.RehabNone, 20)
	mustOK(t, st, "Qot_GetKL")
	mins := barsOf(t, s2c.GetKlList(), hkLoc)
	var vol int64
	for _, m := range mins {
		if m.Time.Day() == 4 {
			vol += m.Volume
		}
	}
	if last := mins[len(mins)-1]; last.Time.Day() != 4 || last.Close != tue.Cur || vol != tue.Volume {
		t.Errorf("1-min bars end %+v with Tuesday volume %d, quote %+v", last, vol, tue)
	}

	rt, st := getRT(ctx, t, c, klKey)
	mustOK(t, st, "Qot_GetRT")
	vol = 0
	for _, p := range rt.GetRtList() {
		at := time.Unix(int64(p.GetTimestamp()), 0).In(hkLoc)
		if at.Day() != 4 {
			t.Fatalf("RT point of another day: %v", p)
		}
		vol += p.GetVolume()
	}
	if vol != tue.Volume {
		t.Errorf("RT volume %d, want %d", vol, tue.Volume)
	}

	e.clock.Advance(time.Minute)
	e.mkt.Step(klKey)
	now, _ := e.mkt.QuoteByKey(klKey)
	for {
		f, err := c.NextPush(ctx, protoid.QotUpdateKL)
		if err != nil {
			t.Fatalf("waiting for the day bar push: %v", err)
		}
		var p qotupdatekl.Response
		if err := proto.Unmarshal(f.Body, &p); err != nil {
			t.Fatal(err)
		}
		if p.GetS2C().GetKlType() != int32(kline.KLDay) {
			continue
		}
		bar := barsOf(t, p.GetS2C().GetKlList(), hkLoc)[0]
		if bar.Time.Day() != 4 || bar.Close != now.Cur || bar.Volume != now.Volume || bar.LastClose != mon.Cur {
			continue // a push of an earlier step
		}
		return
	}
}

// The weekend keeps Friday's day: the quote and Friday's live bar stay until
// Monday, whose first step rolls over from Friday's close.
func TestNoRolloverOnWeekend(t *testing.T) {
	e := start(t, Config{Seed: 6})
	c := e.dial(t)
	ctx := testCtx(t)
	e.clock.Advance(4 * 24 * time.Hour) // Friday 2025-03-07 10:00 HKT
	e.trade(t, klKey, 20, time.Minute)
	fri, _ := e.mkt.QuoteByKey(klKey)
	e.clock.Advance(24 * time.Hour) // Saturday
	sat, _ := e.mkt.QuoteByKey(klKey)
	if sat != fri {
		t.Fatalf("Saturday quote %+v, Friday's %+v", sat, fri)
	}
	days := barsOf(t, history(ctx, t, c, histReq{kl: kline.KLDay, begin: "2025-03-06", end: "2025-03-08"}), hkLoc)
	if n := len(days); n != 2 || days[1].Time.Day() != 7 || days[1].Close != fri.Cur || days[1].Volume != fri.Volume {
		t.Fatalf("day bars on Saturday %+v, Friday's quote %+v", days, fri)
	}
	e.clock.Advance(2 * 24 * time.Hour) // Monday
	mon, _ := e.mkt.Step(klKey)
	if mon.LastClose != fri.Cur || mon.Volume != mon.LastVolume || mon.Open != mon.Cur {
		t.Fatalf("Monday's first step %+v after Friday %+v", mon, fri)
	}
	days = barsOf(t, history(ctx, t, c, histReq{kl: kline.KLDay, begin: "2025-03-06", end: "2025-03-10"}), hkLoc)
	if n := len(days); n != 3 || days[1].Close != fri.Cur || days[1].Volume != fri.Volume ||
		days[2].Time.Day() != 10 || days[2].LastClose != fri.Cur {
		t.Fatalf("day bars on Monday %+v", days)
	}
}
