package qot

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotrequesthistoryklquota"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotrequestrehab"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim/calendar"
	"github.com/futugw/gateway/opend/sim/klcal"
	"github.com/futugw/gateway/opend/sim/kline"
	"google.golang.org/protobuf/proto"
)

var hkLoc = calendar.Location(calendar.HK)

// The 5-minute and day bars of 3103 are the aggregate of its 1-minute bars,
// for a history day and for today's live bars, in every rehab type.
func TestHistoryKLPeriodsAgree(t *testing.T) {
	e := start(t, Config{Seed: 3})
	c := e.dial(t)
	ctx := testCtx(t)
	e.trade(t, klKey, 200, 7*time.Second)
	cal := klcal.Of(int32(calendar.HK))
	for _, day := range []string{"2025-02-28", "2025-03-03"} {
		for _, rt := range []kline.RehabType{kline.RehabNone, kline.RehabForward, kline.RehabBackward} {
			r := histReq{kl: kline.KL1Min, rt: rt, begin: day, end: day}
			mins := barsOf(t, history(ctx, t, c, r), hkLoc)
			if len(mins) == 0 {
				t.Fatalf("%s: no minute bars", day)
			}
			for _, kl := range []kline.KLType{kline.KL5Min, kline.KL60Min, kline.KLDay} {
				r.kl = kl
				got := barsOf(t, history(ctx, t, c, r), hkLoc)
				want := kline.Aggregate(mins, kline.KL1Min, kl, cal)
				name := fmt.Sprintf("%s rehab %d kl %d", day, rt, kl)
				if len(got) != len(want) {
					t.Fatalf("%s: %d bars, aggregate of minutes has %d", name, len(got), len(want))
				}
				for i := range got {
					sameBar(t, fmt.Sprintf("%s bar %d", name, i), got[i], want[i])
				}
			}
		}
	}
	// Today's day bar is the live quote's day.
	q, _ := e.mkt.QuoteByKey(klKey)
	d := barsOf(t, history(ctx, t, c, histReq{kl: kline.KLDay, begin: "2025-03-03", end: "2025-03-03"}), hkLoc)
	if len(d) != 1 || d[0].Open != q.Open || d[0].Close != q.Cur || d[0].High != q.High || d[0].Low != q.Low ||
		d[0].Volume != q.Volume || d[0].LastClose != q.LastClose {
		t.Errorf("today's day bar %+v disagrees with the quote %+v", d, q)
	}
}

// A security that traded before anyone asked for its K-lines catches up from
// its quote: today's day bar is the quote's day, and periods still agree.
func TestHistoryKLCatchUp(t *testing.T) {
	e := start(t, Config{Seed: 8})
	c := e.dial(t)
	ctx := testCtx(t)
	e.listening(t)
	const key = "HK.09988"
	e.steps(key, 90, 11*time.Second)
	history(ctx, t, c, histReq{key: key, kl: kline.KLDay, begin: "2025-03-03", end: "2025-03-03"}) // makes the Builder
	e.steps(key, 40, 11*time.Second)                                                               // fed from now on
	q, _ := e.mkt.QuoteByKey(key)
	d := barsOf(t, history(ctx, t, c, histReq{key: key, kl: kline.KLDay, begin: "2025-03-03", end: "2025-03-03"}), hkLoc)
	if len(d) != 1 || d[0].Open != q.Open || d[0].Close != q.Cur || d[0].High != q.High || d[0].Low != q.Low ||
		d[0].Volume != q.Volume || d[0].LastClose != q.LastClose {
		t.Fatalf("day bar %+v disagrees with the quote %+v", d, q)
	}
	mins := barsOf(t, history(ctx, t, c, histReq{key: key, kl: kline.KL1Min, begin: "2025-03-03", end: "2025-03-03"}), hkLoc)
	if agg := kline.Aggregate(mins, kline.KL1Min, kline.KLDay, klcal.Of(int32(calendar.HK))); len(agg) != 1 {
		t.Fatalf("aggregate %v", agg)
	} else {
		sameBar(t, "aggregate of minutes", agg[0], d[0])
	}
}

// Paging returns every bar exactly once, in time order, across the end of
// history and into today's bars, and equals the unpaged answer.
func TestHistoryKLPaging(t *testing.T) {
	e := start(t, Config{Seed: 5})
	c := e.dial(t)
	ctx := testCtx(t)
	e.trade(t, klKey, 120, 10*time.Second)
	for _, tc := range []struct {
		kl         kline.KLType
		begin, end string
		max        int32
	}{
		{kline.KLDay, "2024-01-01", "2025-03-03", 50},
		{kline.KLWeek, "2023-01-01", "2025-03-31", 7},
		{kline.KL1Min, "2025-02-27", "2025-03-03", 100},
		{kline.KL1Min, "2025-02-28", "2025-03-03", 330}, // a page ends exactly with history
		{kline.KL15Min, "2025-02-20", "2025-03-03", 1},
	} {
		name := fmt.Sprintf("kl %d %s..%s by %d", tc.kl, tc.begin, tc.end, tc.max)
		all := history(ctx, t, c, histReq{kl: tc.kl, rt: kline.RehabForward, begin: tc.begin, end: tc.end})
		paged := history(ctx, t, c, histReq{kl: tc.kl, rt: kline.RehabForward, begin: tc.begin, end: tc.end, max: tc.max})
		if len(all) == 0 || len(paged) != len(all) {
			t.Fatalf("%s: %d bars paged, %d unpaged", name, len(paged), len(all))
		}
		for i := range all {
			if !proto.Equal(all[i], paged[i]) {
				t.Fatalf("%s: bar %d paged %v != unpaged %v", name, i, paged[i], all[i])
			}
			if i > 0 && all[i].GetTimestamp() <= all[i-1].GetTimestamp() {
				t.Fatalf("%s: bar %d %s not after %s", name, i, all[i].GetTime(), all[i-1].GetTime())
			}
		}
		if last := all[len(all)-1].GetTime(); tc.kl.Minutes() > 0 && last[:10] != "2025-03-03" {
			t.Errorf("%s: last bar %s, want today's", name, last)
		}
	}
}

// needKLFieldsFlag keeps the named fields; time, isBlank and timestamp stay.
func TestHistoryKLFields(t *testing.T) {
	e := start(t, Config{})
	c := e.dial(t)
	ctx := testCtx(t)
	closeVol := fieldClose | fieldVolume
	s2c, st := callHistory(ctx, t, c, histReq{kl: kline.KLDay, begin: "2025-02-24", end: "2025-02-28", fields: &closeVol})
	mustOK(t, st, "3103 close+volume")
	if s2c.GetName() == "" || keyOf(s2c.GetSecurity()) != klKey || len(s2c.GetKlList()) != 5 {
		t.Fatalf("answer %v", s2c)
	}
	for _, k := range s2c.GetKlList() {
		if k.ClosePrice == nil || k.Volume == nil || k.OpenPrice != nil || k.HighPrice != nil || k.Turnover != nil ||
			k.ChangeRate != nil || k.Time == nil || k.IsBlank == nil || k.Timestamp == nil {
			t.Errorf("fields of %v", k)
		}
	}
	s2c, _ = callHistory(ctx, t, c, histReq{kl: kline.KLDay, begin: "2025-02-24", end: "2025-02-28"})
	for _, k := range s2c.GetKlList() {
		if k.OpenPrice == nil || k.TurnoverRate == nil || k.Pe == nil || k.ChangeRate == nil || k.LastClosePrice == nil {
			t.Errorf("all fields wanted: %v", k)
		}
		if want := (k.GetClosePrice() - k.GetLastClosePrice()) / k.GetLastClosePrice() * 100; fmt.Sprintf("%.4f", want) != fmt.Sprintf("%.4f", k.GetChangeRate()) {
			t.Errorf("changeRate %v, want %v", k.GetChangeRate(), want)
		}
	}
}

func TestHistoryKLRefusals(t *testing.T) {
	e := start(t, Config{})
	c := e.dial(t)
	ctx := testCtx(t)
	good := histReq{kl: kline.KLDay, rt: kline.RehabForward, begin: "2025-01-01", end: "2025-02-28"}
	for _, tc := range []struct {
		name string
		edit func(r *histReq)
		code int32
	}{
		{"unknown klType", func(r *histReq) { r.kl = 99 }, codeInvalid},
		{"klType unknown 0", func(r *histReq) { r.kl = 0 }, codeInvalid},
		{"unknown rehabType", func(r *histReq) { r.rt = 3 }, codeInvalid},
		{"unknown security", func(r *histReq) { r.key = "HK.99999" }, codeUnknownSec},
		{"bad beginTime", func(r *histReq) { r.begin = "01/02/2025" }, codeInvalid},
		{"empty endTime", func(r *histReq) { r.end = "" }, codeInvalid},
		{"end before begin", func(r *histReq) { r.begin, r.end = "2025-02-01", "2025-01-01" }, codeInvalid},
		{"foreign nextReqKey", func(r *histReq) { r.next = []byte("not a key") }, codeInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := good
			tc.edit(&r)
			_, st := callHistory(ctx, t, c, r)
			mustFail(t, st, tc.name, tc.code)
		})
	}
	// A key of one request does not continue another.
	s2c, st := callHistory(ctx, t, c, histReq{kl: kline.KLDay, begin: "2025-01-01", end: "2025-02-28", max: 3})
	mustOK(t, st, "first page")
	_, st = callHistory(ctx, t, c, histReq{kl: kline.KLWeek, begin: "2025-01-01", end: "2025-02-28", next: s2c.GetNextReqKey()})
	mustFail(t, st, "key of another klType", codeInvalid)
	if got := e.svc.kl.quota.snapshot(e.clock.Now()); len(got) != 1 {
		t.Errorf("refused requests used quota: %v", got)
	}
}

// Each distinct security in 30 days takes one unit; repeats are free; an
// exhausted quota refuses new securities; 3104 reports it with details.
func TestHistoryKLQuota(t *testing.T) {
	e := start(t, Config{HistoryQuota: 2})
	c := e.dial(t)
	other := e.dial(t) // the quota is the user's, shared by connections
	ctx := testCtx(t)
	ask := func(detail bool) *qotrequesthistoryklquota.S2C {
		var resp qotrequesthistoryklquota.Response
		st, err := other.Call(ctx, protoid.QotRequestHistoryKLQuota, &qotrequesthistoryklquota.Request{
			C2S: &qotrequesthistoryklquota.C2S{BGetDetail: proto.Bool(detail)}}, &resp)
		if err != nil {
			t.Fatal(err)
		}
		mustOK(t, st, "Qot_RequestHistoryKLQuota")
		return resp.GetS2C()
	}
	if q := ask(true); q.GetUsedQuota() != 0 || q.GetRemainQuota() != 2 || len(q.GetDetailList()) != 0 {
		t.Fatalf("fresh quota %v", q)
	}
	steps := []struct {
		key  string
		ok   bool
		used int32
	}{
		{"HK.00700", true, 1},
		{"HK.00700", true, 1}, // repeat: free
		{"US.AAPL", true, 2},
		{"HK.09988", false, 2}, // exhausted
		{"US.AAPL", true, 2},   // still free
	}
	for i, s := range steps {
		_, st := callHistory(ctx, t, other, histReq{key: s.key, kl: kline.KLDay, begin: "2025-02-01", end: "2025-02-28"})
		if s.ok {
			mustOK(t, st, s.key)
		} else {
			mustFail(t, st, s.key, codeQuota)
		}
		if q := ask(false); q.GetUsedQuota() != s.used || q.GetRemainQuota() != 2-s.used || q.GetDetailList() != nil {
			t.Fatalf("step %d: quota %v", i, q)
		}
		e.clock.Advance(time.Minute)
	}
	q := ask(true)
	var keys, times []string
	for _, d := range q.GetDetailList() {
		keys = append(keys, keyOf(d.GetSecurity()))
		times = append(times, d.GetRequestTime())
		if d.GetName() == "" || time.Unix(d.GetRequestTimeStamp(), 0).In(zoneHK).Format(layoutSecond) != d.GetRequestTime() {
			t.Errorf("detail %v", d)
		}
	}
	// Times are the last pull in UTC+8: the clock started at 10:00 HKT.
	if !slices.Equal(keys, []string{"HK.00700", "US.AAPL"}) || !slices.Equal(times, []string{"2025-03-03 10:01:00", "2025-03-03 10:04:00"}) {
		t.Errorf("detail %v %v", keys, times)
	}
	// Thirty days after the first pull, its unit returns.
	e.clock.Advance(30*24*time.Hour - 4*time.Minute)
	_, st := callHistory(ctx, t, c, histReq{key: "HK.09988", kl: kline.KLDay, begin: "2025-02-01", end: "2025-02-28"})
	mustOK(t, st, "after 30 days")
	if q := ask(false); q.GetUsedQuota() != 2 {
		t.Errorf("after 30 days: %v", q)
	}
}

// 3105 returns the security's corporate actions, and the forward-adjusted
// bars of 3103 are the raw bars through those factors.
func TestRequestRehab(t *testing.T) {
	e := start(t, Config{Seed: 2})
	c := e.dial(t)
	ctx := testCtx(t)
	var resp qotrequestrehab.Response
	st, err := c.Call(ctx, protoid.QotRequestRehab, &qotrequestrehab.Request{C2S: &qotrequestrehab.C2S{
		Security: securityOf(klKey)}}, &resp)
	if err != nil {
		t.Fatal(err)
	}
	mustOK(t, st, "Qot_RequestRehab")
	list := resp.GetS2C().GetRehabList()
	series, _ := e.svc.kl.book.series(klKey)
	acts := series.Actions()
	if len(list) == 0 || len(list) != len(acts) {
		t.Fatalf("%d rehab items, series has %d actions", len(list), len(acts))
	}
	for i, r := range list {
		a := acts[i]
		if r.GetTime() != a.ExDate.Format(time.DateOnly) || r.GetCompanyActFlag() != a.Flag ||
			r.GetFwdFactorA() != a.FwdA || r.GetFwdFactorB() != a.FwdB || r.GetBwdFactorA() != a.BwdA || r.GetBwdFactorB() != a.BwdB {
			t.Errorf("item %d %v != action %+v", i, r, a)
		}
		if (a.Flag&kline.ActSplit != 0) != (r.SplitBase != nil) || (a.Flag&kline.ActDividend != 0) != (r.Dividend != nil) {
			t.Errorf("item %d optional fields %v", i, r)
		}
	}
	// The day before the last ex-date: forward = raw × fwdA + fwdB.
	last := list[len(list)-1]
	exDate, _ := time.ParseInLocation(time.DateOnly, last.GetTime(), hkLoc)
	prev, _ := kline.PrevTradingDay(series.Calendar(), exDate)
	day := prev.Format(time.DateOnly)
	raw := history(ctx, t, c, histReq{kl: kline.KLDay, rt: kline.RehabNone, begin: day, end: day})
	fwd := history(ctx, t, c, histReq{kl: kline.KLDay, rt: kline.RehabForward, begin: day, end: day})
	want := raw[0].GetClosePrice()*last.GetFwdFactorA() + last.GetFwdFactorB()
	if len(fwd) != 1 || fmt.Sprintf("%.4f", fwd[0].GetClosePrice()) != fmt.Sprintf("%.4f", want) {
		t.Errorf("%s: forward close %v, want %v (raw %v)", day, fwd, want, raw[0].GetClosePrice())
	}
	_, st = callHistory(ctx, t, c, histReq{kl: kline.KLDay, begin: day, end: day})
	mustOK(t, st, "history")
	if err := func() error {
		var r qotrequestrehab.Response
		st, err := c.Call(ctx, protoid.QotRequestRehab, &qotrequestrehab.Request{C2S: &qotrequestrehab.C2S{
			Security: securityOf("HK.99999")}}, &r)
		if err == nil && st.ErrCode != codeUnknownSec {
			return fmt.Errorf("unknown security: %+v", st)
		}
		return err
	}(); err != nil {
		t.Error(err)
	}
}

// History follows package calendar: holidays have no bars, half days trade
// the morning, K-lines cover the continuous sessions only, labelled in the
// market's zone.
func TestHistoryKLCalendar(t *testing.T) {
	e := start(t, Config{})
	c := e.dial(t)
	ctx := testCtx(t)
	for _, tc := range []struct {
		key, day    string
		n           int
		first, last string
	}{
		{"HK.00700", "2025-02-28", 330, "09:31:00", "16:00:00"},
		{"HK.00700", "2024-12-24", 150, "09:31:00", "12:00:00"}, // Christmas Eve: morning only
		{"HK.00700", "2025-01-29", 0, "", ""},                   // Lunar New Year
		{"US.AAPL", "2025-02-28", 390, "09:31:00", "16:00:00"},
		{"US.AAPL", "2024-11-29", 210, "09:31:00", "13:00:00"}, // after Thanksgiving: closes 13:00
		{"US.AAPL", "2025-01-20", 0, "", ""},                   // Martin Luther King Jr. Day
	} {
		t.Run(tc.key+" "+tc.day, func(t *testing.T) {
			list := history(ctx, t, c, histReq{key: tc.key, kl: kline.KL1Min, begin: tc.day, end: tc.day})
			if len(list) != tc.n {
				t.Fatalf("%d minute bars, want %d", len(list), tc.n)
			}
			if tc.n == 0 {
				return
			}
			if f, l := list[0].GetTime(), list[len(list)-1].GetTime(); f != tc.day+" "+tc.first || l != tc.day+" "+tc.last {
				t.Errorf("bars %s .. %s", f, l)
			}
			loc := calendar.Location(calendar.HK)
			if tc.key == "US.AAPL" {
				loc = calendar.Location(calendar.US)
			}
			at, _ := time.ParseInLocation(kline.TimeLayout, list[0].GetTime(), loc)
			if list[0].GetTimestamp() != float64(at.Unix()) {
				t.Errorf("timestamp %v is not %s in the market's zone", list[0].GetTimestamp(), list[0].GetTime())
			}
		})
	}
}
