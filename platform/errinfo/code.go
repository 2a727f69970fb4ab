package errinfo

import (
	"maps"
	"slices"
	"strings"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
)

// enumPrefix is what every Reason value's name starts with (buf's ENUM_VALUE_PREFIX).
const enumPrefix = "REASON_"

// The wire strings of every declared reason, both ways, computed once from the
// generated enum.
var codeOf, reasonOf = codeTables()

func codeTables() (map[gatewayv1.Reason]string, map[string]gatewayv1.Reason) {
	codes := make(map[gatewayv1.Reason]string, len(gatewayv1.Reason_name))
	reasons := make(map[string]gatewayv1.Reason, len(gatewayv1.Reason_name))
	for n, name := range gatewayv1.Reason_name {
		r := gatewayv1.Reason(n)
		if r == gatewayv1.Reason_REASON_UNSPECIFIED {
			continue
		}
		code := strings.ToLower(strings.TrimPrefix(name, enumPrefix))
		codes[r] = code
		reasons[code] = r
	}
	return codes, reasons
}

// Code is r's wire string, what clients switch on: the value's name without "REASON_",
// in lower case (REASON_MAX_ORDERS_PER_MINUTE is "max_orders_per_minute"). It is ""
// for REASON_UNSPECIFIED and for numbers the enum does not declare.
func Code(r gatewayv1.Reason) string { return codeOf[r] }

// Parse is the reverse of Code: REASON_UNSPECIFIED for a string no value spells.
func Parse(code string) gatewayv1.Reason { return reasonOf[code] }

// ReasonCode is the wire string of err's reason ("" when it carries none), for logs,
// metric labels and audit entries.
func ReasonCode(err error) string { return Code(Reason(err)) }

// All returns every declared reason but REASON_UNSPECIFIED, in enum order.
func All() []gatewayv1.Reason {
	return slices.Sorted(maps.Keys(codeOf))
}
