package errinfo

import (
	"regexp"
	"testing"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
)

// wire is every reason's string as clients know it. A failure here means a reason
// was renamed or added: renaming breaks clients; an addition needs its row here and
// in the README.
var wire = map[gatewayv1.Reason]string{
	gatewayv1.Reason_REASON_MISSING_KEY:           "missing_key",
	gatewayv1.Reason_REASON_MALFORMED_KEY:         "malformed_key",
	gatewayv1.Reason_REASON_INVALID_KEY:           "invalid_key",
	gatewayv1.Reason_REASON_EXPIRED_KEY:           "expired_key",
	gatewayv1.Reason_REASON_REVOKED_KEY:           "revoked_key",
	gatewayv1.Reason_REASON_SCOPE_DENIED:          "scope_denied",
	gatewayv1.Reason_REASON_ACCOUNT_NOT_ALLOWED:   "account_not_allowed",
	gatewayv1.Reason_REASON_MARKET_NOT_ALLOWED:    "market_not_allowed",
	gatewayv1.Reason_REASON_SYMBOL_NOT_ALLOWED:    "symbol_not_allowed",
	gatewayv1.Reason_REASON_SIDE_NOT_ALLOWED:      "side_not_allowed",
	gatewayv1.Reason_REASON_OUTSIDE_HOURS_WINDOW:  "outside_hours_window",
	gatewayv1.Reason_REASON_ORIGIN_NOT_ALLOWED:    "origin_not_allowed",
	gatewayv1.Reason_REASON_INVALID_ARGUMENT:      "invalid_argument",
	gatewayv1.Reason_REASON_INVALID_ORDER:         "invalid_order",
	gatewayv1.Reason_REASON_POLICY_VIOLATION:      "policy_violation",
	gatewayv1.Reason_REASON_ALREADY_REFRESHED:     "already_refreshed",
	gatewayv1.Reason_REASON_PAYLOAD_TOO_LARGE:     "payload_too_large",
	gatewayv1.Reason_REASON_NOT_FOUND:             "not_found",
	gatewayv1.Reason_REASON_METHOD_NOT_ALLOWED:    "method_not_allowed",
	gatewayv1.Reason_REASON_ALREADY_EXISTS:        "already_exists",
	gatewayv1.Reason_REASON_IDEMPOTENCY_CONFLICT:  "idempotency_conflict",
	gatewayv1.Reason_REASON_IDEMPOTENCY_PENDING:   "idempotency_pending",
	gatewayv1.Reason_REASON_MAX_ORDER_VALUE:       "max_order_value",
	gatewayv1.Reason_REASON_MAX_ORDERS_PER_MINUTE: "max_orders_per_minute",
	gatewayv1.Reason_REASON_MAX_DAILY_VALUE:       "max_daily_value",
	gatewayv1.Reason_REASON_RATE_LIMITED:          "rate_limited",
	gatewayv1.Reason_REASON_AUTH_RATE_LIMITED:     "auth_rate_limited",
	gatewayv1.Reason_REASON_TOO_MANY_SOCKETS:      "too_many_sockets",
	gatewayv1.Reason_REASON_QUOTA_EXCEEDED:        "quota_exceeded",
	gatewayv1.Reason_REASON_STREAM_OVERFLOW:       "stream_overflow",
	gatewayv1.Reason_REASON_OPEND_RATE_LIMITED:    "opend_rate_limited",
	gatewayv1.Reason_REASON_NO_QUOTE:              "no_quote",
	gatewayv1.Reason_REASON_TRADING_LOCKED:        "trading_locked",
	gatewayv1.Reason_REASON_OPEND_REJECTED:        "opend_rejected",
	gatewayv1.Reason_REASON_OPEND_REFUSED:         "opend_refused",
	gatewayv1.Reason_REASON_OPEND_UNAVAILABLE:     "opend_unavailable",
	gatewayv1.Reason_REASON_REDIS_UNAVAILABLE:     "redis_unavailable",
	gatewayv1.Reason_REASON_AUTH_UNAVAILABLE:      "auth_unavailable",
	gatewayv1.Reason_REASON_UNAVAILABLE:           "unavailable",
	gatewayv1.Reason_REASON_TIMEOUT:               "timeout",
	gatewayv1.Reason_REASON_SHUTTING_DOWN:         "shutting_down",
	gatewayv1.Reason_REASON_INTERNAL:              "internal",
}

var snakeCase = regexp.MustCompile(`^[a-z]+(_[a-z]+)*$`)

func TestCodeOfEveryReason(t *testing.T) {
	all := All()
	if len(all) != len(wire) {
		t.Errorf("the enum declares %d reasons, the wire table %d", len(all), len(wire))
	}
	for _, r := range all {
		code := Code(r)
		if want, ok := wire[r]; !ok || code != want {
			t.Errorf("Code(%v) = %q, want %q (listed: %t)", r, code, want, ok)
		}
		if !snakeCase.MatchString(code) {
			t.Errorf("Code(%v) = %q is not snake_case", r, code)
		}
		if back := Parse(code); back != r {
			t.Errorf("Parse(%q) = %v, want %v", code, back, r)
		}
	}
}

func TestUnspecifiedHasNoCode(t *testing.T) {
	if c := Code(gatewayv1.Reason_REASON_UNSPECIFIED); c != "" {
		t.Errorf("Code(UNSPECIFIED) = %q", c)
	}
	if c := Code(gatewayv1.Reason(9999)); c != "" {
		t.Errorf("Code(9999) = %q", c)
	}
	for _, s := range []string{"", "unspecified", "REASON_INTERNAL", "Internal"} {
		if r := Parse(s); r != gatewayv1.Reason_REASON_UNSPECIFIED {
			t.Errorf("Parse(%q) = %v", s, r)
		}
	}
}
