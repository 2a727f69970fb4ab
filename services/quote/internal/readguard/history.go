package readguard

import (
	"time"
	_ "time/tzdata" // the market zones load where the system has no zoneinfo

	"google.golang.org/protobuf/proto"

	catalogv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/catalog/v1"
)

var (
	hongKong, _ = time.LoadLocation("Asia/Hong_Kong")
	newYork, _  = time.LoadLocation("America/New_York")
)

// marketZone is the time zone of a QotMarket's trading day: New York for the US
// market (11), Hong Kong's (UTC+8, as the A-share markets') for the others.
func marketZone(market int32) *time.Location {
	if market == 11 {
		return newYork
	}
	return hongKong
}

// historyTTL says whether a Qot_RequestHistoryKL answer to in is closed for good,
// and for how long to keep it: only when its range ends before the current trading
// day of its market, its bars are of a day or shorter (a week, month, quarter or
// year bar may still be open) and exclude extended hours; forward-adjusted prices
// change on an ex-date, so those expire at the market's next midnight.
func historyTTL(in proto.Message, now time.Time, long time.Duration) (time.Duration, bool) {
	req, ok := in.(*catalogv1.RequestHistoryKLRequest)
	if !ok || req.GetSecurity() == nil || req.GetExtendedTime() {
		return 0, false
	}
	switch req.GetKlType() {
	case catalogv1.KLType_KL_TYPE_1_MIN, catalogv1.KLType_KL_TYPE_3_MIN, catalogv1.KLType_KL_TYPE_5_MIN,
		catalogv1.KLType_KL_TYPE_10_MIN, catalogv1.KLType_KL_TYPE_15_MIN, catalogv1.KLType_KL_TYPE_30_MIN,
		catalogv1.KLType_KL_TYPE_60_MIN, catalogv1.KLType_KL_TYPE_120_MIN, catalogv1.KLType_KL_TYPE_180_MIN,
		catalogv1.KLType_KL_TYPE_240_MIN, catalogv1.KLType_KL_TYPE_DAY:
	default:
		return 0, false
	}
	loc := marketZone(req.GetSecurity().GetMarket())
	end := req.GetEndTime()
	if len(end) < len("2006-01-02") {
		return 0, false
	}
	endDay, err := time.ParseInLocation("2006-01-02", end[:10], loc)
	if err != nil {
		return 0, false
	}
	local := now.In(loc)
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
	if !endDay.Before(today) {
		return 0, false
	}
	if req.GetRehabType() == catalogv1.RehabType_REHAB_TYPE_FORWARD {
		return today.AddDate(0, 0, 1).Sub(now), true
	}
	return long, true
}
