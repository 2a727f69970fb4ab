package limits

import (
	"errors"
	"fmt"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
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

// Refusal is why an order was refused.
type Refusal struct {
	Kind   Kind
	Reason gatewayv1.Reason
	Msg    string
}

func (r *Refusal) Error() string { return errinfo.Code(r.Reason) + ": " + r.Msg }

func refuse(k Kind, reason gatewayv1.Reason, format string, args ...any) *Refusal {
	return &Refusal{Kind: k, Reason: reason, Msg: fmt.Sprintf(format, args...)}
}

// AsRefusal returns err's *Refusal, if it is one.
func AsRefusal(err error) (*Refusal, bool) {
	var r *Refusal
	ok := errors.As(err, &r)
	return r, ok
}
