// Package subs is the quote service's subscription registry: which session wants which
// (security, sub type), reference counted so OpenD sees one subscription per pair, with
// the quota checked up front and upstream releases delayed by OpenD's minimum hold.
// It is pure logic over an Upstream interface and an injectable Clock.
package subs

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/opend/seckey"
)

// Markets accepted for now (Qot_Common.QotMarket).
const (
	MarketHK = seckey.MarketHK
	MarketUS = seckey.MarketUS
)

// Sub types the fan-out names (Qot_Common.SubType). Every other value of the enum
// (the K-line types) is accepted too: ValidateSubType.
const (
	SubBasic     = int32(qotcommon.SubType_SubType_Basic)
	SubOrderBook = int32(qotcommon.SubType_SubType_OrderBook)
	SubTicker    = int32(qotcommon.SubType_SubType_Ticker)
	SubRT        = int32(qotcommon.SubType_SubType_RT)
	SubBroker    = int32(qotcommon.SubType_SubType_Broker)
	SubKLDay     = int32(qotcommon.SubType_SubType_KL_Day)
)

// klSubTypes maps a Qot_Common.KLType to the sub type that subscribes it.
var klSubTypes = map[qotcommon.KLType]qotcommon.SubType{
	qotcommon.KLType_KLType_1Min:    qotcommon.SubType_SubType_KL_1Min,
	qotcommon.KLType_KLType_3Min:    qotcommon.SubType_SubType_KL_3Min,
	qotcommon.KLType_KLType_5Min:    qotcommon.SubType_SubType_KL_5Min,
	qotcommon.KLType_KLType_10Min:   qotcommon.SubType_SubType_KL_10Min,
	qotcommon.KLType_KLType_15Min:   qotcommon.SubType_SubType_KL_15Min,
	qotcommon.KLType_KLType_30Min:   qotcommon.SubType_SubType_KL_30Min,
	qotcommon.KLType_KLType_60Min:   qotcommon.SubType_SubType_KL_60Min,
	qotcommon.KLType_KLType_120Min:  qotcommon.SubType_SubType_KL_120Min,
	qotcommon.KLType_KLType_180Min:  qotcommon.SubType_SubType_KL_180Min,
	qotcommon.KLType_KLType_240Min:  qotcommon.SubType_SubType_KL_240Min,
	qotcommon.KLType_KLType_Day:     qotcommon.SubType_SubType_KL_Day,
	qotcommon.KLType_KLType_Week:    qotcommon.SubType_SubType_KL_Week,
	qotcommon.KLType_KLType_Month:   qotcommon.SubType_SubType_KL_Month,
	qotcommon.KLType_KLType_Quarter: qotcommon.SubType_SubType_KL_Qurater,
	qotcommon.KLType_KLType_Year:    qotcommon.SubType_SubType_KL_Year,
}

// KLSubType returns the sub type of K-line type kl (Qot_UpdateKL's klType), false
// for an unknown one.
func KLSubType(kl int32) (int32, bool) {
	t, ok := klSubTypes[qotcommon.KLType(kl)]
	return int32(t), ok
}

// MaxSecuritiesPerCall bounds the securities of one Subscribe or Unsubscribe.
const MaxSecuritiesPerCall = 50

// Security is one instrument as OpenD names it.
type Security struct {
	Market int32
	Code   string
}

// Key is the conventional text form, e.g. "HK.00700" or "US.AAPL".
func (s Security) Key() string { return seckey.Of(s.Market, s.Code) }

// Pair is one subscription slot: one security with one sub type.
type Pair struct {
	Sec     Security
	SubType int32
}

func (p Pair) String() string { return fmt.Sprintf("%s/%d", p.Sec.Key(), p.SubType) }

// ValidateSecurity refuses markets other than HK and US and malformed codes.
func ValidateSecurity(s Security) error {
	switch s.Market {
	case MarketHK:
		if len(s.Code) != 5 || strings.Trim(s.Code, "0123456789") != "" {
			return fmt.Errorf("HK code %q: want five digits, e.g. 00700", s.Code)
		}
	case MarketUS:
		if len(s.Code) < 1 || len(s.Code) > 10 || strings.Trim(s.Code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ.-") != "" {
			return fmt.Errorf("US code %q: want 1-10 characters of A-Z, '.' or '-'", s.Code)
		}
	default:
		return fmt.Errorf("market %d is not supported (1 HK, 11 US)", s.Market)
	}
	return nil
}

// ValidateSubType refuses values that are not a Qot_Common.SubType (and None): every
// other sub type OpenD defines is served, K-lines of each period, RT and broker queue
// included, so a new official type is accepted once the protos are regenerated.
//
// OrderBook_Odd is refused: OpenD pushes odd-lot books as Qot_UpdateOrderBook with
// nothing telling them apart from round-lot ones, so they cannot be routed.
func ValidateSubType(t int32) error {
	if t == int32(qotcommon.SubType_SubType_OrderBook_Odd) {
		return fmt.Errorf("sub type %d (OrderBook_Odd) is not served by the gateway", t)
	}
	if _, ok := qotcommon.SubType_name[t]; ok && t != 0 {
		return nil
	}
	return fmt.Errorf("sub type %d is not a Qot_Common.SubType (e.g. 1 Basic, 2 OrderBook, 4 Ticker, 5 RT, 6 KL_Day, 14 Broker)", t)
}

// Pairs validates a request's securities and sub types and returns their product,
// without duplicates.
func Pairs(secs []Security, subTypes []int32) ([]Pair, error) {
	if len(secs) == 0 {
		return nil, fmt.Errorf("security_list is empty")
	}
	if len(secs) > MaxSecuritiesPerCall {
		return nil, fmt.Errorf("security_list has %d entries; at most %d per call", len(secs), MaxSecuritiesPerCall)
	}
	if len(subTypes) == 0 {
		return nil, fmt.Errorf("sub_type_list is empty")
	}
	for i, s := range secs {
		if err := ValidateSecurity(s); err != nil {
			return nil, fmt.Errorf("security_list[%d]: %w", i, err)
		}
	}
	for i, t := range subTypes {
		if err := ValidateSubType(t); err != nil {
			return nil, fmt.Errorf("sub_type_list[%d]: %w", i, err)
		}
	}
	out := make([]Pair, 0, len(secs)*len(subTypes))
	for _, s := range secs {
		for _, t := range subTypes {
			if p := (Pair{s, t}); !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out, nil
}

// Sort orders pairs by security key, then sub type, for stable output.
func Sort(ps []Pair) {
	slices.SortFunc(ps, func(a, b Pair) int {
		if c := strings.Compare(a.Sec.Key(), b.Sec.Key()); c != 0 {
			return c
		}
		return int(a.SubType - b.SubType)
	})
}

// QuotaError is a subscribe refused because it would exceed the quota; nothing changed.
type QuotaError struct {
	Quota, Used, Want int // Want: new upstream slots the call needed
}

func (e *QuotaError) Error() string {
	return fmt.Sprintf("subscription quota exceeded: %d of %d slots in use, this call needs %d more", e.Used, e.Quota, e.Want)
}

// UpstreamError is OpenD refusing or failing a subscription; the session's set did not
// change.
type UpstreamError struct {
	Op  string // "subscribe" or "unsubscribe"
	Err error
}

func (e *UpstreamError) Error() string { return fmt.Sprintf("opend %s: %v", e.Op, e.Err) }
func (e *UpstreamError) Unwrap() error { return e.Err }

// ErrRefused marks an Upstream error that is OpenD's answer refusing the request (an
// unknown security, no quote right), as opposed to a failed connection.
var ErrRefused = errors.New("opend refused")

// ErrClosed is returned after Close.
var ErrClosed = errors.New("subs: registry closed")
