package readguard

import (
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	catalogv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/catalog/v1"
)

// Only ranges that end before the market's current trading day, of bars no longer
// than a day, are closed; forward-adjusted ones live until the market's midnight.
func TestHistoryTTL(t *testing.T) {
	// 2026-12-07 10:00 UTC: 18:00 in Hong Kong on the 7th, 05:00 in New York on the 7th.
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	req := func(market int32, kl catalogv1.KLType, rehab catalogv1.RehabType, end string) *catalogv1.RequestHistoryKLRequest {
		return &catalogv1.RequestHistoryKLRequest{RehabType: rehab.Enum(), KlType: kl.Enum(),
			Security:  &catalogv1.Security{Market: proto.Int32(market), Code: proto.String("X")},
			BeginTime: proto.String("2026-01-01"), EndTime: proto.String(end)}
	}
	day, none, fwd := catalogv1.KLType_KL_TYPE_DAY, catalogv1.RehabType_REHAB_TYPE_NONE, catalogv1.RehabType_REHAB_TYPE_FORWARD
	for _, c := range []struct {
		name string
		in   *catalogv1.RequestHistoryKLRequest
		ttl  time.Duration
		ok   bool
	}{
		{"HK day bars to yesterday", req(1, day, none, "2026-12-06"), time.Hour, true},
		{"HK day bars with a time", req(1, day, none, "2026-12-06 16:00:00"), time.Hour, true},
		{"HK to today", req(1, day, none, "2026-12-07"), 0, false},
		{"HK to the future", req(1, day, none, "2027-01-01"), 0, false},
		{"US to the 6th: New York is on the 7th", req(11, day, none, "2026-12-06"), time.Hour, true},
		{"1-minute bars", req(1, catalogv1.KLType_KL_TYPE_1_MIN, none, "2026-12-01"), time.Hour, true},
		{"week bars may be open", req(1, catalogv1.KLType_KL_TYPE_WEEK, none, "2026-12-01"), 0, false},
		{"month bars may be open", req(1, catalogv1.KLType_KL_TYPE_MONTH, none, "2026-11-01"), 0, false},
		{"forward-adjusted: until HK midnight", req(1, day, fwd, "2026-12-01"), 6 * time.Hour, true},
		{"no end", req(1, day, none, ""), 0, false},
		{"a bad end", req(1, day, none, "yesterday!"), 0, false},
	} {
		ttl, ok := historyTTL(c.in, now, time.Hour)
		if ok != c.ok || ttl != c.ttl {
			t.Errorf("%s: %v, %v; want %v, %v", c.name, ttl, ok, c.ttl, c.ok)
		}
	}
	ext := req(1, day, none, "2026-12-01")
	ext.ExtendedTime = proto.Bool(true)
	if _, ok := historyTTL(ext, now, time.Hour); ok {
		t.Error("extended hours are kept")
	}
}
