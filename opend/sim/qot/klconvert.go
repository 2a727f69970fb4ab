package qot

import (
	"fmt"
	"strings"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/opend/sim/kline"
)

// Qot_Common.KLFields bits of needKLFieldsFlag.
const (
	fieldHigh         int64 = 1
	fieldOpen         int64 = 2
	fieldLow          int64 = 4
	fieldClose        int64 = 8
	fieldLastClose    int64 = 16
	fieldVolume       int64 = 32
	fieldTurnover     int64 = 64
	fieldTurnoverRate int64 = 128
	fieldPE           int64 = 256
	fieldChangeRate   int64 = 512
	fieldsAll               = 1023
)

// klineList converts bars, keeping the fields named by flags (KLFields bits);
// time, isBlank and timestamp are always there. The simulator knows no share
// count or earnings, so turnoverRate and pe are 0, as BasicQot's turnoverRate.
// A 1,000-bar answer would take a dozen allocations
// per bar for proto2's optional fields; the messages and their field values
// live in a few shared slices instead.
func klineList(bars []kline.Bar, flags int64) []*qotcommon.KLine {
	n := len(bars)
	msgs := make([]qotcommon.KLine, n)
	out := make([]*qotcommon.KLine, n)
	times := make([]string, n)
	nums := make([]float64, 0, n*10)
	vols := make([]int64, n)
	blank := false
	num := func(v float64) *float64 {
		nums = append(nums, v)
		return &nums[len(nums)-1]
	}
	opt := func(bit int64, v float64) *float64 {
		if flags&bit == 0 {
			return nil
		}
		return num(v)
	}
	for i, b := range bars {
		k := &msgs[i]
		times[i] = b.TimeString()
		k.Time, k.IsBlank, k.Timestamp = &times[i], &blank, num(b.Timestamp())
		k.HighPrice = opt(fieldHigh, b.High)
		k.OpenPrice = opt(fieldOpen, b.Open)
		k.LowPrice = opt(fieldLow, b.Low)
		k.ClosePrice = opt(fieldClose, b.Close)
		k.LastClosePrice = opt(fieldLastClose, b.LastClose)
		k.Turnover = opt(fieldTurnover, b.Turnover)
		k.TurnoverRate = opt(fieldTurnoverRate, 0)
		k.Pe = opt(fieldPE, 0)
		k.ChangeRate = opt(fieldChangeRate, b.ChangeRate())
		if flags&fieldVolume != 0 {
			vols[i] = b.Volume
			k.Volume = &vols[i]
		}
		out[i] = k
	}
	return out
}

// klParams validates a request's klType and rehabType.
func klParams(klType, rehabType int32) (kline.KLType, kline.RehabType, error) {
	kl, rt := kline.KLType(klType), kline.RehabType(rehabType)
	if !kl.Valid() {
		return 0, 0, failf(codeInvalid, "unknown klType %d (Qot_Common.KLType 1-15)", klType)
	}
	if !rt.Valid() {
		return 0, 0, failf(codeInvalid, "unknown rehabType %d (Qot_Common.RehabType 0 None, 1 Forward, 2 Backward)", rehabType)
	}
	return kl, rt, nil
}

// klTimeLayouts are the forms beginTime and endTime take: Futu's SDKs send a
// date ("2006-01-02"); a time of day is accepted too.
var klTimeLayouts = []string{time.DateOnly, "2006-01-02 15:04:05", "2006-01-02 15:04"}

// parseKLTime reads beginTime or endTime in the market's zone. A date-only
// end means the end of that day.
func parseKLTime(field, v string, loc *time.Location, end bool) (time.Time, error) {
	v = strings.TrimSpace(v)
	for _, layout := range klTimeLayouts {
		t, err := time.ParseInLocation(layout, v, loc)
		if err != nil {
			continue
		}
		if end && layout == time.DateOnly {
			t = t.AddDate(0, 0, 1).Add(-time.Nanosecond)
		}
		return t, nil
	}
	return time.Time{}, failf(codeInvalid, "%s %q: want yyyy-MM-dd or yyyy-MM-dd HH:mm:ss", field, v)
}

// klSubType is the Qot_Common.SubType that a K-line type needs for
// Qot_GetKL and Qot_UpdateKL.
var klSubType = map[kline.KLType]int32{
	kline.KL1Min:    int32(qotcommon.SubType_SubType_KL_1Min),
	kline.KL3Min:    int32(qotcommon.SubType_SubType_KL_3Min),
	kline.KL5Min:    int32(qotcommon.SubType_SubType_KL_5Min),
	kline.KL10Min:   int32(qotcommon.SubType_SubType_KL_10Min),
	kline.KL15Min:   int32(qotcommon.SubType_SubType_KL_15Min),
	kline.KL30Min:   int32(qotcommon.SubType_SubType_KL_30Min),
	kline.KL60Min:   int32(qotcommon.SubType_SubType_KL_60Min),
	kline.KL120Min:  int32(qotcommon.SubType_SubType_KL_120Min),
	kline.KL180Min:  int32(qotcommon.SubType_SubType_KL_180Min),
	kline.KL240Min:  int32(qotcommon.SubType_SubType_KL_240Min),
	kline.KLDay:     int32(qotcommon.SubType_SubType_KL_Day),
	kline.KLWeek:    int32(qotcommon.SubType_SubType_KL_Week),
	kline.KLMonth:   int32(qotcommon.SubType_SubType_KL_Month),
	kline.KLQuarter: int32(qotcommon.SubType_SubType_KL_Qurater),
	kline.KLYear:    int32(qotcommon.SubType_SubType_KL_Year),
}

// klTypeOfSub is the inverse of klSubType.
func klTypeOfSub(sub int32) (kline.KLType, bool) {
	for kl, t := range klSubType {
		if t == sub {
			return kl, true
		}
	}
	return 0, false
}

func klTypeName(kl kline.KLType) string {
	if n := kl.Minutes(); n > 0 {
		return fmt.Sprintf("%dMin", n)
	}
	switch kl {
	case kline.KLDay:
		return "Day"
	case kline.KLWeek:
		return "Week"
	case kline.KLMonth:
		return "Month"
	case kline.KLQuarter:
		return "Quarter"
	case kline.KLYear:
		return "Year"
	}
	return fmt.Sprintf("KLType(%d)", kl)
}
