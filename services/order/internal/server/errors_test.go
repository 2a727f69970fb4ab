package server

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/services/order/internal/limits"
)

// Faults reach the caller as fixed texts; the detail stays in the error for the log.
func TestToStatusHidesFaults(t *testing.T) {
	const detail = "10.0.0.7:6379"
	tests := []struct {
		name   string
		err    error
		code   codes.Code
		reason gatewayv1.Reason
	}{
		{"unmapped", fmt.Errorf("reading %s: EOF", detail), codes.Internal, gatewayv1.Reason_REASON_INTERNAL},
		{"limits store down", &limits.Refusal{Kind: limits.KindUnavailable, Reason: gatewayv1.Reason_REASON_REDIS_UNAVAILABLE,
			Msg: "counting limits: dial tcp " + detail}, codes.Unavailable, gatewayv1.Reason_REASON_REDIS_UNAVAILABLE},
		{"idempotency store down", idemError(errors.New("dial tcp " + detail)), codes.Unavailable, gatewayv1.Reason_REASON_REDIS_UNAVAILABLE},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := toStatus(tt.err)
			st := status.Convert(got)
			if st.Code() != tt.code || errinfo.Reason(got) != tt.reason {
				t.Fatalf("toStatus = %v %v, want %v %v", st.Code(), errinfo.Reason(got), tt.code, tt.reason)
			}
			if strings.Contains(st.Proto().String(), detail) {
				t.Fatalf("the detail reached the caller: %v", st.Proto())
			}
		})
	}
}
