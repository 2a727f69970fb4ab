package keys

import (
	"errors"
	"strings"
)

// FieldError says what is wrong with one input field.
type FieldError struct {
	Field string // the request field or CLI flag name, e.g. "limits.allowed_markets"
	Msg   string
}

func (e FieldError) Error() string { return e.Field + ": " + e.Msg }

// InvalidError collects every field problem of one request, so a caller fixes them all
// at once. Handlers map it to InvalidArgument.
type InvalidError struct{ Problems []FieldError }

func (e *InvalidError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Error()
	}
	return strings.Join(parts, "; ")
}

// problems accumulates FieldErrors; err returns nil when there are none.
type problems []FieldError

func (p *problems) add(field, msg string) { *p = append(*p, FieldError{Field: field, Msg: msg}) }

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return &InvalidError{Problems: p}
}

// PolicyError is a well-formed request that a policy refuses: a session wider than
// its parent, a long-lived trade:real key without the override. Handlers map it to
// InvalidArgument with reason policy_violation.
type PolicyError struct {
	Rule string // stable name, e.g. "trade_real_max_ttl", "session_wider_than_parent"
	Msg  string
}

func (e *PolicyError) Error() string { return e.Msg }

// IsPolicy reports whether err is a *PolicyError.
func IsPolicy(err error) bool {
	var pe *PolicyError
	return errors.As(err, &pe)
}
