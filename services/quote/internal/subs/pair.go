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
)

// Markets accepted for now (Qot_Common.QotMarket).
const (
	MarketHK int32 = 1
	MarketUS int32 = 11
)

// Sub types accepted (Qot_Common.SubType).
const (
	SubBasic     int32 = 1
	SubOrderBook int32 = 2
	SubTicker    int32 = 4
)

// MaxSecuritiesPerCall bounds the securities of one Subscribe or Unsubscribe.
const MaxSecuritiesPerCall = 50

// Security is one instrument as OpenD names it.
type Security struct {
	Market int32
	Code   string
}

// Key is the conventional text form, e.g. "HK.00700" or "US.AAPL".
func (s Security) Key() string {
	switch s.Market {
	case MarketHK:
		return "HK." + s.Code
	case MarketUS:
		return "US." + s.Code
	}
	return fmt.Sprintf("%d.%s", s.Market, s.Code)
}

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

// ValidateSubType refuses sub types other than Basic, OrderBook and Ticker.
func ValidateSubType(t int32) error {
	switch t {
	case SubBasic, SubOrderBook, SubTicker:
		return nil
	}
	return fmt.Errorf("sub type %d is not supported (1 Basic, 2 OrderBook, 4 Ticker)", t)
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
