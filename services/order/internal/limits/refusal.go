package limits

import (
	"errors"
	"fmt"

	"github.com/futugw/gateway/platform/errinfo"
)

// Kind classifies a refusal so the transport picks the status code.
type Kind int

// Kinds of refusal.
const (
	KindDenied      Kind = iota + 1 // the key may not do this (403)
	KindInvalid                     // the order itself is wrong (400)
	KindExhausted                   // a counted limit or the per-order value (429)
	KindUnavailable                 // a dependency failed; nothing was reserved (503)
)

// Refusal is why an order was refused. Reason is one of the errinfo order reasons.
type Refusal struct {
	Kind   Kind
	Reason string
	Msg    string
}

func (r *Refusal) Error() string { return r.Reason + ": " + r.Msg }

func refuse(k Kind, reason, format string, args ...any) *Refusal {
	return &Refusal{Kind: k, Reason: reason, Msg: fmt.Sprintf(format, args...)}
}

// AsRefusal returns err's *Refusal, if it is one.
func AsRefusal(err error) (*Refusal, bool) {
	var r *Refusal
	ok := errors.As(err, &r)
	return r, ok
}

// Reasons, re-exported so callers of this package need not import errinfo.
const (
	ReasonScope        = errinfo.ScopeDenied
	ReasonAccount      = errinfo.AccountNotAllowed
	ReasonMarket       = errinfo.MarketNotAllowed
	ReasonSymbol       = errinfo.SymbolNotAllowed
	ReasonSide         = errinfo.SideNotAllowed
	ReasonHours        = errinfo.OutsideHoursWindow
	ReasonInvalid      = errinfo.InvalidOrder
	ReasonOrderValue   = errinfo.MaxOrderValue
	ReasonNoQuote      = errinfo.NoQuote
	ReasonPerMinute    = errinfo.MaxOrdersPerMinute
	ReasonDailyValue   = errinfo.MaxDailyValue
	ReasonRedisFailure = errinfo.RedisUnavailable
)
