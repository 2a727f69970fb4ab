package httperr

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/errinfo"
)

func TestHTTPStatus(t *testing.T) {
	tests := []struct {
		code codes.Code
		want int
	}{
		{codes.OK, 200},
		{codes.Unauthenticated, 401},
		{codes.PermissionDenied, 403},
		{codes.ResourceExhausted, 429},
		{codes.InvalidArgument, 400},
		{codes.FailedPrecondition, 400},
		{codes.OutOfRange, 400},
		{codes.NotFound, 404},
		{codes.AlreadyExists, 409},
		{codes.Aborted, 409},
		{codes.Unavailable, 503},
		{codes.DeadlineExceeded, 503},
		{codes.Internal, 500},
		{codes.Unknown, 500},
		{codes.Unimplemented, 500},
		{codes.DataLoss, 500},
		{codes.Canceled, 500},
	}
	for _, tt := range tests {
		if got := HTTPStatus(tt.code); got != tt.want {
			t.Errorf("HTTPStatus(%v) = %d, want %d", tt.code, got, tt.want)
		}
	}
}

func TestFromError(t *testing.T) {
	tests := []struct {
		name      string
		err       error
		status    int
		reason    string
		errSubstr string
		message   string
	}{
		{"expired key", errinfo.New(codes.Unauthenticated, gatewayv1.Reason_REASON_EXPIRED_KEY, "key expired"),
			401, "expired_key", "please log in again", "key expired"},
		{"invalid key", errinfo.New(codes.Unauthenticated, gatewayv1.Reason_REASON_INVALID_KEY, "unknown key"),
			401, "invalid_key", "session expired or invalid key", "unknown key"},
		{"scope", errinfo.New(codes.PermissionDenied, gatewayv1.Reason_REASON_SCOPE_DENIED, "this key lacks scope admin required by AuthService.IssueKey"),
			403, "scope_denied", "lacks scope admin", "this key lacks scope admin required by AuthService.IssueKey"},
		{"limit", errinfo.New(codes.ResourceExhausted, gatewayv1.Reason_REASON_MAX_ORDERS_PER_MINUTE, "rate limit exceeded: 10 orders per minute"),
			429, "max_orders_per_minute", "rate limit exceeded", "rate limit exceeded: 10 orders per minute"},
		{"no reason", status.Error(codes.InvalidArgument, "proto: unknown field \"x\""),
			400, "invalid_argument", "unknown field", "proto: unknown field \"x\""},
		// Server faults: a fixed text, never the upstream's (it names internal addresses).
		{"unavailable", status.Error(codes.Unavailable, "connection error: dial tcp 10.0.0.7:50051: connection refused"),
			503, "unavailable", "unavailable", "the service is unavailable, please retry shortly"},
		{"deadline", status.Error(codes.DeadlineExceeded, "context deadline exceeded"),
			503, "timeout", "did not answer in time", "the service did not answer in time, please retry"},
		{"redis", errinfo.New(codes.Unavailable, gatewayv1.Reason_REASON_REDIS_UNAVAILABLE, "redis: dial tcp 10.0.0.8:6379"),
			503, "redis_unavailable", "key store is unavailable", "the key store is unavailable, please retry shortly"},
		{"opend", errinfo.New(codes.Unavailable, gatewayv1.Reason_REASON_OPEND_UNAVAILABLE, "no answer from OpenD: write tcp 10.0.0.9:11111: broken pipe"),
			503, "opend_unavailable", "OpenD is not connected", "OpenD is not connected or did not answer, please retry shortly"},
		{"internal with reason", errinfo.New(codes.Internal, gatewayv1.Reason_REASON_INTERNAL, "lua: script error at 10.0.0.8"),
			500, "internal", "internal error", "internal error"},
		{"unknown reason", errinfo.New(codes.Unavailable, gatewayv1.Reason_REASON_SHUTTING_DOWN, "quote at 10.0.0.6 is stopping"),
			503, "shutting_down", "unavailable", "the service is unavailable, please retry shortly"},
		{"not found", errinfo.New(codes.NotFound, gatewayv1.Reason_REASON_NOT_FOUND, "no key with id k1"),
			404, "not_found", "no key with id k1", "no key with id k1"},
		{"conflict", errinfo.New(codes.AlreadyExists, gatewayv1.Reason_REASON_ALREADY_EXISTS, "key id taken"),
			409, "already_exists", "key id taken", "key id taken"},
		{"plain error hides text", errors.New("dial 10.0.0.1: secret detail"),
			500, "internal", "internal error", "internal error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			Write(rec, tt.err)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d", rec.Code, tt.status)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			var b map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil {
				t.Fatalf("body not JSON: %v: %s", err, rec.Body.String())
			}
			if len(b) != 4 {
				t.Errorf("body has fields %v, want exactly error, reason, code, message", b)
			}
			st, _ := status.FromError(tt.err)
			if strings.Contains(rec.Body.String(), "10.0.0.") {
				t.Errorf("body reveals an internal address: %s", rec.Body.String())
			}
			if b["reason"] != tt.reason || b["message"] != tt.message || !strings.Contains(b["error"].(string), tt.errSubstr) {
				t.Errorf("body %v; want reason %q, message %q, error containing %q", b, tt.reason, tt.message, tt.errSubstr)
			}
			if _, isStatus := status.FromError(tt.err); isStatus && int(b["code"].(float64)) != int(st.Code()) {
				t.Errorf("code %v, want %d", b["code"], st.Code())
			}
			if (tt.status == 401) != (rec.Header().Get("WWW-Authenticate") != "") {
				t.Errorf("WWW-Authenticate %q on %d", rec.Header().Get("WWW-Authenticate"), tt.status)
			}
		})
	}
}

func TestRouting(t *testing.T) {
	tests := []struct {
		status int
		reason string
	}{
		{http.StatusNotFound, "not_found"},
		{http.StatusMethodNotAllowed, "method_not_allowed"},
		{http.StatusRequestEntityTooLarge, "payload_too_large"},
		{http.StatusBadRequest, "invalid_argument"},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		Routing(rec, httptest.NewRequest("PUT", "/api/nope", nil), tt.status)
		var b Body
		if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil || rec.Code != tt.status || b.Reason != tt.reason || b.Error == "" {
			t.Errorf("status %d: got %d %+v %v", tt.status, rec.Code, b, err)
		}
	}
}

func TestGatewayErrorHandlerKeepsHTTPStatus(t *testing.T) {
	tests := []struct {
		err    error
		status int
		reason string
	}{
		{&runtime.HTTPStatusError{HTTPStatus: 400, Err: errors.New("malformed escape in path")}, 400, "invalid_argument"},
		{&runtime.HTTPStatusError{HTTPStatus: 400, Err: status.Error(codes.InvalidArgument, "bad")}, 400, "invalid_argument"},
		{status.Error(codes.PermissionDenied, "no"), 403, "scope_denied"},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		GatewayErrorHandler(nil)(context.Background(), nil, nil, rec, httptest.NewRequest("GET", "/api/x", nil), tt.err)
		var b Body
		if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil || rec.Code != tt.status || b.Reason != tt.reason || b.Error == "" {
			t.Errorf("%v: got %d %+v %v", tt.err, rec.Code, b, err)
		}
	}
}

// A pacing refusal's RetryInfo becomes a Retry-After header and a retry_after field
// (whole seconds, rounded up).
func TestRetryAfter(t *testing.T) {
	err := errinfo.NewRetry(codes.ResourceExhausted, gatewayv1.Reason_REASON_RATE_LIMITED, "OpenD's limit is used up", 2100*time.Millisecond)
	rec := httptest.NewRecorder()
	Write(rec, err)
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "3" {
		t.Fatalf("status %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
	}
	var b Body
	if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil {
		t.Fatal(err)
	}
	if b.RetryAfter != 3 || b.Reason != "rate_limited" {
		t.Errorf("body %+v", b)
	}
	rec = httptest.NewRecorder()
	Write(rec, errinfo.New(codes.ResourceExhausted, gatewayv1.Reason_REASON_RATE_LIMITED, "x"))
	if rec.Header().Get("Retry-After") != "" || strings.Contains(rec.Body.String(), "retry_after") {
		t.Errorf("a refusal without RetryInfo: %v %s", rec.Header(), rec.Body)
	}
}
