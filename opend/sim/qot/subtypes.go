package qot

import (
	"fmt"
	"slices"
	"strings"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
)

// Sub types (Qot_Common.SubType). The simulator accepts every value OpenD
// defines; the constants name the ones its handlers refer to.
const (
	SubBasic        = int32(qotcommon.SubType_SubType_Basic)
	SubOrderBook    = int32(qotcommon.SubType_SubType_OrderBook)
	SubTicker       = int32(qotcommon.SubType_SubType_Ticker)
	SubRT           = int32(qotcommon.SubType_SubType_RT)
	SubBroker       = int32(qotcommon.SubType_SubType_Broker)
	SubOrderBookOdd = int32(qotcommon.SubType_SubType_OrderBook_Odd)
)

// allSubTypes lists every Qot_Common.SubType except None, ascending: the K-line
// types (KL_1Min ... KL_Year) included. It is generated from the enum so a new
// official sub type is accepted as soon as the protos are regenerated.
var allSubTypes = func() []int32 {
	out := make([]int32, 0, len(qotcommon.SubType_name))
	for v := range qotcommon.SubType_name {
		if v > 0 && v < 64 { // pushMask has 64 bits
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}()

// subTypeName names a sub type for messages, as the enum does without its
// prefix ("Basic", "KL_Day", "Broker").
func subTypeName(t int32) string {
	if n, ok := qotcommon.SubType_name[t]; ok && t != 0 {
		return strings.TrimPrefix(n, "SubType_")
	}
	return fmt.Sprintf("SubType(%d)", t)
}

// pushMask records which sub types a connection receives pushes for: bit t
// set for sub type t.
type pushMask uint64

// maskOf returns t's bit, or 0 for a value that is not a sub type.
func maskOf(t int32) pushMask {
	if t <= 0 || t >= 64 {
		return 0
	}
	if _, ok := qotcommon.SubType_name[t]; !ok {
		return 0
	}
	return 1 << t
}

// quotaWeight is the number of subscription slots one security with sub type t
// uses. OpenD counts every (security, sub type) pair as one slot whatever the
// type: Futu's "Subscription Quota" rules (openapi.futunn.com, intro/authority)
// and its maintainers ("a quota of 300 means you can subscribe 300 types of
// data", FutunnOpen/py-futu-api#130). Kept as a function so a type could weigh
// more without touching the registry.
func quotaWeight(int32) int { return 1 }
