package store

import (
	"context"
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc/codes"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/audit"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/services/auth/internal/convert"
	"github.com/futugw/gateway/services/auth/internal/keys"
)

// auditTimeout bounds the audit write of one failure.
const auditTimeout = 500 * time.Millisecond

// Validate implements authn.Validator: a well-formed key is looked up by its hash with
// one GET. Failures are status errors with errinfo reasons, audited and logged (never
// with the key) at a bounded rate.
func (s *Store) Validate(ctx context.Context, token string, info authn.CallInfo) (*authn.Principal, error) {
	if !keys.WellFormed(token) {
		return nil, s.fail(ctx, info, "", errinfo.New(codes.Unauthenticated, gatewayv1.Reason_REASON_MALFORMED_KEY,
			"the API key is malformed: expected fk_ followed by 43 base64url characters"))
	}
	rec, err := s.Get(ctx, keys.Hash(token))
	switch {
	case err == nil:
		s.m.Validations.WithLabelValues("ok").Inc()
		return convert.Principal(rec), nil
	case errors.Is(err, ErrNotFound):
		return nil, s.fail(ctx, info, "", errinfo.New(codes.Unauthenticated, gatewayv1.Reason_REASON_INVALID_KEY,
			"the API key is unknown or has expired"))
	case errors.Is(err, ErrRevoked):
		return nil, s.fail(ctx, info, rec.ID, errinfo.New(codes.Unauthenticated, gatewayv1.Reason_REASON_REVOKED_KEY,
			"the API key was revoked"))
	case errors.Is(err, ErrExpired):
		return nil, s.fail(ctx, info, rec.ID, errinfo.New(codes.Unauthenticated, gatewayv1.Reason_REASON_EXPIRED_KEY,
			"the API key has expired"))
	default:
		s.m.Validations.WithLabelValues(errinfo.Code(gatewayv1.Reason_REASON_REDIS_UNAVAILABLE)).Inc()
		if s.failures.AllowN(s.opts.Now(), 1) {
			s.log.Error("key validation failed", obs.Err(err), "method", info.Method)
		}
		return nil, errinfo.New(codes.Unavailable, gatewayv1.Reason_REASON_REDIS_UNAVAILABLE, "key store unavailable, try again")
	}
}

// fail counts, audits and logs one refused key, within the failure rate limit.
func (s *Store) fail(ctx context.Context, info authn.CallInfo, keyID string, err error) error {
	reason := errinfo.ReasonCode(err)
	s.m.Validations.WithLabelValues(reason).Inc()
	if !s.failures.AllowN(s.opts.Now(), 1) {
		s.m.FailuresDropped.Inc()
		return err
	}
	s.log.Info("authentication failed", "reason", reason, "key_id", keyID, "client", info.Client, "method", info.Method)
	if s.opts.Audit != nil {
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), auditTimeout)
		defer cancel()
		e := audit.Entry{Action: "auth_failed", KeyID: keyID, Client: info.Client, Reason: reason,
			Fields: map[string]string{"method": info.Method}}
		if aerr := s.opts.Audit.Append(actx, e); aerr != nil {
			s.log.Warn("audit append failed", obs.Err(aerr))
		}
	}
	return err
}

// Metrics of validation. Labels are bounded: result is "ok" or an errinfo reason.
type Metrics struct {
	Validations     *prometheus.CounterVec
	FailuresDropped prometheus.Counter
}

// NewMetrics creates the metrics and registers them with reg when it is not nil.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Validations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "futugw_auth_validations_total",
			Help: "Key validations by result: ok or the failure reason.",
		}, []string{"result"}),
		FailuresDropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "futugw_auth_failures_unaudited_total",
			Help: "Failed validations neither audited nor logged because of the failure rate limit.",
		}),
	}
	if reg != nil {
		reg.MustRegister(m.Validations, m.FailuresDropped)
	}
	return m
}
