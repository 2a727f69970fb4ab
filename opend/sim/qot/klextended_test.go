package qot

import (
	"testing"

	"github.com/futugw/gateway/api/gen/go/futu/opend/common"
	"github.com/futugw/gateway/opend/sim/calendar"
	"github.com/futugw/gateway/opend/sim/kline"
)

// TestHistoryKLExtendedHours: US pre-market and after-hours bars come with
// extendedTime or session ETH / ALL, for 60-minute and finer K-lines only;
// the regular session otherwise.
func TestHistoryKLExtendedHours(t *testing.T) {
	e := start(t, Config{})
	c := e.dial(t)
	ctx := testCtx(t)
	const day = "2025-02-28"
	eth, all, rth := int32(common.Session_Session_ETH), int32(common.Session_Session_ALL), int32(common.Session_Session_RTH)
	for _, tc := range []struct {
		name        string
		r           histReq
		n           int
		first, last string
	}{
		{"regular by default", histReq{key: "US.AAPL", kl: kline.KL1Min}, 390, "09:31:00", "16:00:00"},
		{"extendedTime", histReq{key: "US.AAPL", kl: kline.KL1Min, ext: true}, 330 + 390 + 240, "04:01:00", "20:00:00"},
		{"session ETH", histReq{key: "US.AAPL", kl: kline.KL1Min, session: eth}, 960, "04:01:00", "20:00:00"},
		{"session ALL (no overnight simulated)", histReq{key: "US.AAPL", kl: kline.KL1Min, session: all}, 960, "04:01:00", "20:00:00"},
		{"session RTH wins over extendedTime", histReq{key: "US.AAPL", kl: kline.KL1Min, ext: true, session: rth}, 390, "09:31:00", "16:00:00"},
		{"half day: after-hours to 17:00", histReq{key: "US.AAPL", kl: kline.KL1Min, ext: true, begin: "2024-11-29", end: "2024-11-29"},
			330 + 210 + 240, "04:01:00", "17:00:00"},
		{"60 minutes, cut at session ends", histReq{key: "US.AAPL", kl: kline.KL60Min, ext: true}, 6 + 7 + 4, "05:00:00", "20:00:00"},
		{"paged", histReq{key: "US.AAPL", kl: kline.KL5Min, ext: true, max: 50}, 66 + 78 + 48, "04:05:00", "20:00:00"},
		{"day K-lines stay regular", histReq{key: "US.AAPL", kl: kline.KLDay, ext: true}, 1, "00:00:00", "00:00:00"},
		{"HK has no extended hours", histReq{key: "HK.00700", kl: kline.KL1Min, ext: true}, 330, "09:31:00", "16:00:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.r
			if r.begin == "" {
				r.begin, r.end = day, day
			}
			list := history(ctx, t, c, r)
			if len(list) != tc.n {
				t.Fatalf("%d bars, want %d", len(list), tc.n)
			}
			if f, l := list[0].GetTime(), list[len(list)-1].GetTime(); f != r.begin+" "+tc.first || l != r.end+" "+tc.last {
				t.Errorf("bars %s .. %s", f, l)
			}
			for i := 1; i < len(list); i++ {
				if list[i].GetTimestamp() <= list[i-1].GetTimestamp() {
					t.Fatalf("bar %d (%s) not after %s", i, list[i].GetTime(), list[i-1].GetTime())
				}
			}
		})
	}
	_, st := callHistory(ctx, t, c, histReq{key: "US.AAPL", kl: kline.KL1Min, begin: day, end: day,
		session: int32(common.Session_Session_OVERNIGHT)})
	mustFail(t, st, "session OVERNIGHT", codeInvalid)
}

// TestHistoryKLExtendedJoins: the pre-market walks from the previous close to
// the day's open and the after-hours starts at the close, so the sessions
// join up, and every extended bar is a valid bar.
func TestHistoryKLExtendedJoins(t *testing.T) {
	e := start(t, Config{})
	c := e.dial(t)
	ctx := testCtx(t)
	loc := calendar.Location(calendar.US)
	const day = "2025-02-28"
	bars := barsOf(t, history(ctx, t, c, histReq{key: "US.AAPL", kl: kline.KL1Min, ext: true, begin: day, end: day}), loc)
	dayBar := barsOf(t, history(ctx, t, c, histReq{key: "US.AAPL", kl: kline.KLDay, begin: day, end: day}), loc)[0]
	pre, reg, after := bars[:330], bars[330:720], bars[720:]
	if pre[0].Open != dayBar.LastClose || pre[0].LastClose != dayBar.LastClose {
		t.Errorf("pre-market opens at %v (last close %v), want the previous close %v", pre[0].Open, pre[0].LastClose, dayBar.LastClose)
	}
	if pre[329].Close != reg[0].Open || reg[0].Open != dayBar.Open {
		t.Errorf("pre-market closes at %v, the day opens at %v (day bar %v)", pre[329].Close, reg[0].Open, dayBar.Open)
	}
	if after[0].Open != reg[389].Close || reg[389].Close != dayBar.Close {
		t.Errorf("after-hours opens at %v, the day closed at %v", after[0].Open, dayBar.Close)
	}
	var extVol int64
	for _, b := range append(pre, after...) {
		if b.Low > min(b.Open, b.Close) || b.High < max(b.Open, b.Close) || b.Low <= 0 || b.Volume <= 0 || b.Turnover <= 0 {
			t.Fatalf("bad extended bar %+v", b)
		}
		extVol += b.Volume
	}
	if extVol >= dayBar.Volume/10 {
		t.Errorf("extended volume %d is not thin next to the day's %d", extVol, dayBar.Volume)
	}
}
