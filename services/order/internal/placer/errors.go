package placer

import (
	"errors"
	"fmt"
	"strings"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/opend/client"
	"github.com/futugw/gateway/opend/envelope"
	"github.com/futugw/gateway/platform/errinfo"
)

// Kind classifies a placer error for the caller (and the status it maps to).
type Kind int

// Kinds of error.
const (
	// KindUnavailable: OpenD is not connected; the request was not sent.
	KindUnavailable Kind = iota + 1
	// KindUnknown: the request was sent but no answer came (OpenD died or timed out):
	// the order may or may not exist.
	KindUnknown
	// KindRateLimited: OpenD's own order frequency limit.
	KindRateLimited
	// KindInvalid: OpenD found the request invalid (code, qty, price).
	KindInvalid
	// KindRejected: OpenD refused for the account's state (funds, position, order).
	KindRejected
	// KindLocked: real trading is locked (no or wrong trade password).
	KindLocked
)

// Error is a failed OpenD call. Every kind but KindUnknown is definite: nothing was
// placed or changed.
type Error struct {
	Kind    Kind
	Reason  gatewayv1.Reason
	Msg     string // OpenD's retMsg, or what went wrong
	ErrCode int32  // OpenD's errCode, when it answered
}

func (e *Error) Error() string { return errinfo.Code(e.Reason) + ": " + e.Msg }

// Definite reports whether the outcome is known to be "nothing happened".
func (e *Error) Definite() bool { return e.Kind != KindUnknown }

// AsError returns err's *Error, if it is one.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

func unavailable(msg string) *Error {
	return &Error{Kind: KindUnavailable, Reason: gatewayv1.Reason_REASON_OPEND_UNAVAILABLE, Msg: msg}
}

// Error codes of the simulator (OpenD publishes none for these cases) and retMsg
// fragments of the real OpenD that say the same.
const (
	codeInvalidRequest int32 = 1001
	codeLocked         int32 = 1003
	codeRateLimit      int32 = 1006
	codeSecurity       int32 = 1007
	codeQty            int32 = 1008
	codePrice          int32 = 1009
)

// classify turns a Call error into an *Error. Only ErrNotConnected returned before
// sending is a definite transport failure; any other transport error may hide a placed order.
func classify(err error) *Error {
	var env *envelope.Error
	if errors.As(err, &env) {
		lower := strings.ToLower(env.RetMsg)
		e := &Error{Kind: KindRejected, Reason: gatewayv1.Reason_REASON_OPEND_REJECTED, Msg: env.RetMsg, ErrCode: env.ErrCode}
		switch {
		case env.ErrCode == codeRateLimit || strings.Contains(lower, "frequency") || strings.Contains(lower, "too frequent"):
			e.Kind, e.Reason = KindRateLimited, gatewayv1.Reason_REASON_OPEND_RATE_LIMITED
		case env.ErrCode == codeLocked || strings.Contains(lower, "unlock"):
			e.Kind, e.Reason = KindLocked, gatewayv1.Reason_REASON_TRADING_LOCKED
		case env.ErrCode == codeInvalidRequest || env.ErrCode == codeSecurity || env.ErrCode == codeQty || env.ErrCode == codePrice:
			e.Kind = KindInvalid
		case env.RetType == envelope.RetTimeOut || env.RetType == envelope.RetDisConnect || env.RetType == envelope.RetUnknown:
			// OpenD itself lost track (its upstream timed out): the order may exist.
			e.Kind, e.Reason = KindUnknown, gatewayv1.Reason_REASON_OPEND_UNAVAILABLE
		}
		return e
	}
	if err == client.ErrNotConnected { //nolint:errorlint // identity: returned before sending
		return unavailable("OpenD is not connected")
	}
	return &Error{Kind: KindUnknown, Reason: gatewayv1.Reason_REASON_OPEND_UNAVAILABLE, Msg: fmt.Sprintf("no answer from OpenD: %v", err)}
}
