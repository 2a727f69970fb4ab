package cli

import (
	"context"
	"fmt"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	catalogv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/catalog/v1"
	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
)

// historyKL answers RequestHistoryKL from a list of daily bars, oldest first, in
// pages of page bars: the shape of Qot_RequestHistoryKL. The stack's own answers
// are checked end to end in tools/devstack.
type historyKL struct {
	catalogv1.QuoteCatalogServiceClient // nil: only RequestHistoryKL is called
	days                                []time.Time
	page                                int
	reqs                                []*catalogv1.RequestHistoryKLRequest
}

func (h *historyKL) RequestHistoryKL(_ context.Context, in *catalogv1.RequestHistoryKLRequest, _ ...grpc.CallOption) (*catalogv1.RequestHistoryKLResponse, error) {
	h.reqs = append(h.reqs, in)
	begin, _ := time.Parse(time.DateOnly, in.GetBeginTime())
	end, _ := time.Parse(time.DateOnly, in.GetEndTime())
	var bars []*catalogv1.KLine
	for _, d := range h.days {
		if !d.Before(begin) && !d.After(end) {
			bars = append(bars, &catalogv1.KLine{Time: proto.String(d.Format(time.DateTime))})
		}
	}
	from := 0
	if k := in.GetNextReqKey(); k != nil {
		fmt.Sscan(string(k), &from)
	}
	out := &catalogv1.RequestHistoryKLResponse{Security: in.GetSecurity(), Name: proto.String("TENCENT")}
	to := min(from+h.page, len(bars))
	out.KlList = bars[from:to]
	if to < len(bars) {
		out.NextReqKey = []byte(fmt.Sprint(to))
	}
	return out, nil
}

// tradingDays are the weekdays between from and to.
func tradingDays(from, to time.Time) []time.Time {
	var out []time.Time
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		if d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
			out = append(out, d)
		}
	}
	return out
}

func TestNewestKLines(t *testing.T) {
	now := time.Date(2026, 12, 6, 7, 0, 0, 0, time.UTC) // a Sunday
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	args := func(n int) readArgs {
		return readArgs{Securities: []*gatewayv1.Security{{Market: 1, Code: "00700"}},
			Period: catalogv1.KLType_KL_TYPE_DAY, Rehab: catalogv1.RehabType_REHAB_TYPE_FORWARD, Count: n}
	}
	tests := []struct {
		name      string
		days      []time.Time
		page, n   int
		want      int    // bars answered
		last      string // the newest bar's time
		wantPages int    // at least this many requests
	}{
		{name: "newest of many", days: tradingDays(day("2016-01-01"), day("2026-12-04")), page: 1000, n: 20, want: 20, last: "2026-12-04 00:00:00", wantPages: 1},
		{name: "paged", days: tradingDays(day("2016-01-01"), day("2026-12-04")), page: 7, n: 20, want: 20, last: "2026-12-04 00:00:00", wantPages: 3},
		// A long halt: the first range holds fewer bars than asked for, so it widens.
		{name: "widens", days: append(tradingDays(day("2024-01-01"), day("2025-06-30")), day("2026-12-04")), page: 1000, n: 10, want: 10, last: "2026-12-04 00:00:00", wantPages: 2},
		// Fewer bars than asked for exist: all of them, after a bounded number of tries.
		{name: "short history", days: tradingDays(day("2026-11-30"), day("2026-12-04")), page: 1000, n: 20, want: 5, last: "2026-12-04 00:00:00", wantPages: 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &historyKL{days: tt.days, page: tt.page}
			r, err := newestKLines(context.Background(), h, args(tt.n), now)
			if err != nil {
				t.Fatal(err)
			}
			kl := r.GetKlList()
			if len(kl) != tt.want || kl[len(kl)-1].GetTime() != tt.last || r.GetName() != "TENCENT" || r.GetSecurity().GetCode() != "00700" {
				t.Fatalf("got %d bars ending %q (%s), want %d ending %q", len(kl), kl[len(kl)-1].GetTime(), r.GetName(), tt.want, tt.last)
			}
			for i := 1; i < len(kl); i++ {
				if kl[i].GetTime() <= kl[i-1].GetTime() {
					t.Fatalf("bars out of order at %d: %s after %s", i, kl[i].GetTime(), kl[i-1].GetTime())
				}
			}
			if len(h.reqs) < tt.wantPages || len(h.reqs) > maxHistoryKLPages {
				t.Errorf("%d requests, want at least %d and at most %d", len(h.reqs), tt.wantPages, maxHistoryKLPages)
			}
			first := h.reqs[0]
			if first.GetEndTime() != "2026-12-07" || first.GetMaxAckKlNum() != historyKLPage || first.GetKlType() != catalogv1.KLType_KL_TYPE_DAY ||
				first.GetRehabType() != catalogv1.RehabType_REHAB_TYPE_FORWARD || first.GetSecurity().GetMarket() != 1 {
				t.Errorf("first request = %v", first)
			}
		})
	}
}

// The first range guessed for each period holds the bars asked for on the markets'
// shortest trading day (4 hours) with a week of holidays on top.
func TestKLSpan(t *testing.T) {
	for _, p := range klPeriods {
		for _, n := range []int{1, 20, 1000} {
			span := klSpan(p.kl, n)
			var need time.Duration
			switch p.kl {
			case catalogv1.KLType_KL_TYPE_DAY:
				need = time.Duration(n) * 24 * time.Hour * 7 / 5
			case catalogv1.KLType_KL_TYPE_WEEK:
				need = time.Duration(n) * 7 * 24 * time.Hour
			case catalogv1.KLType_KL_TYPE_MONTH:
				need = time.Duration(n) * 31 * 24 * time.Hour
			default:
				mins := map[string]int{"1m": 1, "5m": 5, "15m": 15, "30m": 30, "60m": 60}[p.name]
				need = time.Duration((n*mins+239)/240) * 24 * time.Hour * 7 / 5
			}
			if span < need+7*24*time.Hour {
				t.Errorf("klSpan(%s, %d) = %v, want at least %v", p.name, n, span, need+7*24*time.Hour)
			}
		}
	}
}
