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
	rec, raw, err := s.get(ctx, keys.Hash(token))
	switch {
	case err == nil:
		s.m.Validations.WithLabelValues("ok").Inc()
		if rec.DigestHash == "" {
			s.backfillDigest(ctx, rec, raw, token)
		}
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

// backfillDigest indexes the MD5 of a key minted before the SDK digest index existed,
// now that a validation has seen its plaintext, so the key works with Futu's SDK from
// now on. A failure is logged (with the key id) and counted; the validation stands.
func (s *Store) backfillDigest(ctx context.Context, rec keys.Record, raw []byte, token string) {
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), digestTimeout)
	defer cancel()
	if err := s.indexDigest(dctx, rec, raw, keys.DigestHash(keys.MD5(token))); err != nil {
		s.m.DigestsIndexed.WithLabelValues("error").Inc()
		s.log.Warn("indexing the SDK digest of a key failed", "key_id", rec.ID, obs.Err(err))
		return
	}
	s.m.DigestsIndexed.WithLabelValues("ok").Inc()
}

// ValidateDigest returns the live key whose MD5 is keyMD5 (hex, either case): what
// Futu's JavaScript SDK sends as websocketKey, for OpenSDKSession. It refuses as
// Validate does (missing_key, malformed_key, invalid_key, revoked_key, expired_key,
// redis_unavailable), and its failures are counted, audited and logged, never with
// the digest, within the same failure rate limit.
func (s *Store) ValidateDigest(ctx context.Context, keyMD5 string, info authn.CallInfo) (keys.Record, error) {
	count := s.m.DigestValidations
	switch {
	case keyMD5 == "":
		return keys.Record{}, s.failWith(ctx, count, info, "", errinfo.New(codes.Unauthenticated, gatewayv1.Reason_REASON_MISSING_KEY,
			"no key digest was sent"))
	case !keys.WellFormedMD5(keyMD5):
		return keys.Record{}, s.failWith(ctx, count, info, "", errinfo.New(codes.Unauthenticated, gatewayv1.Reason_REASON_MALFORMED_KEY,
			"the key digest is malformed: expected the MD5 of a futugw key, 32 hex characters"))
	}
	rec, err := s.GetByDigest(ctx, keys.DigestHash(keyMD5))
	switch {
	case err == nil:
		count.WithLabelValues("ok").Inc()
		return rec, nil
	case errors.Is(err, ErrNotFound):
		return keys.Record{}, s.failWith(ctx, count, info, "", errinfo.New(codes.Unauthenticated, gatewayv1.Reason_REASON_INVALID_KEY,
			"no live key has this digest"))
	case errors.Is(err, ErrRevoked):
		return keys.Record{}, s.failWith(ctx, count, info, rec.ID, errinfo.New(codes.Unauthenticated, gatewayv1.Reason_REASON_REVOKED_KEY,
			"the API key was revoked"))
	case errors.Is(err, ErrExpired):
		return keys.Record{}, s.failWith(ctx, count, info, rec.ID, errinfo.New(codes.Unauthenticated, gatewayv1.Reason_REASON_EXPIRED_KEY,
			"the API key has expired"))
	default:
		count.WithLabelValues(errinfo.Code(gatewayv1.Reason_REASON_REDIS_UNAVAILABLE)).Inc()
		if s.failures.AllowN(s.opts.Now(), 1) {
			s.log.Error("key digest lookup failed", obs.Err(err), "method", info.Method)
		}
		return keys.Record{}, errinfo.New(codes.Unavailable, gatewayv1.Reason_REASON_REDIS_UNAVAILABLE, "key store unavailable, try again")
	}
}

// fail counts, audits and logs one refused key, within the failure rate limit.
func (s *Store) fail(ctx context.Context, info authn.CallInfo, keyID string, err error) error {
	return s.failWith(ctx, s.m.Validations, info, keyID, err)
}

// failWith is fail counting on count.
func (s *Store) failWith(ctx context.Context, count *prometheus.CounterVec, info authn.CallInfo, keyID string, err error) error {
	reason := errinfo.ReasonCode(err)
	count.WithLabelValues(reason).Inc()
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
	// DigestValidations counts SDK digests looked up (ValidateDigest), by result.
	DigestValidations *prometheus.CounterVec
	// DigestsIndexed counts keys minted before the SDK digest index that a
	// validation indexed, by result: ok or error.
	DigestsIndexed *prometheus.CounterVec
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
	m.DigestValidations = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "futugw_auth_digest_validations_total",
		Help: "SDK key digests looked up (OpenSDKSession) by result: ok or the failure reason.",
	}, []string{"result"})
	m.DigestsIndexed = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "futugw_auth_digests_indexed_total",
		Help: "Keys minted before the SDK digest index that a validation indexed, by result: ok or error.",
	}, []string{"result"})
	if reg != nil {
		reg.MustRegister(m.Validations, m.FailuresDropped, m.DigestValidations, m.DigestsIndexed)
	}
	return m
}
