package trade

import (
	"time"

	"github.com/futugw/gateway/opend/sim/market"
)

// Trd_Common.TrdSide, OrderType and OrderStatus values the engine uses.
const (
	sideBuy       int32 = 1
	sideSell      int32 = 2
	sideSellShort int32 = 3
	sideBuyBack   int32 = 4

	typeLimit  int32 = 1 // OrderType_Normal
	typeMarket int32 = 2

	statusSubmitted     int32 = 5
	statusFilledPart    int32 = 10
	statusFilledAll     int32 = 11
	statusCancelledPart int32 = 14
	statusCancelledAll  int32 = 15

	opNormal int32 = 1
	opCancel int32 = 2
)

// order is one order's state, guarded by Engine.mu.
type order struct {
	id       uint64
	idEx     string
	acc      *account
	inst     market.Instrument
	side     int32
	typ      int32
	status   int32
	qty      float64
	price    float64 // limit price; 0 for market orders
	filled   float64
	fillVal  float64 // sum of fill qty*price, for the average
	frozen   float64 // cash frozen for the remaining qty of a limit buy
	remark   string
	created  time.Time
	updated  time.Time
	expires  time.Time // Day orders: when the market closes; zero = good till cancelled
	lastErr  string    // why the order ended, shown as lastErrMsg
	feesPaid float64   // fees charged to cash so far (real accounts)

	cond // triggers, trailing and time in force (conditional.go)
}

func (o *order) remaining() float64 { return o.qty - o.filled }

func (o *order) open() bool {
	return o.status == statusSubmitted || o.status == statusFilledPart
}

func (o *order) avgPrice() float64 {
	if o.filled == 0 {
		return 0
	}
	return round6(o.fillVal / o.filled)
}

// fill is one execution of an order.
type fill struct {
	id    uint64
	idEx  string
	ord   *order
	qty   float64
	price float64
	at    time.Time
}

func statusName(s int32) string {
	switch s {
	case statusSubmitted:
		return "Submitted"
	case statusFilledPart:
		return "Filled_Part"
	case statusFilledAll:
		return "Filled_All"
	case statusCancelledPart:
		return "Cancelled_Part"
	case statusCancelledAll:
		return "Cancelled_All"
	case statusDisabled:
		return "Disabled"
	case statusDeleted:
		return "Deleted"
	}
	return "Unknown"
}
