package freqlimit

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Policy says whether and how strictly the simulator enforces the table. The
// zero value enforces the documented limits.
type Policy struct {
	Off bool // enforce nothing (load tests that mean to exceed OpenD)
	// Scale multiplies every N (rounded up, at least 1): 2 allows twice
	// OpenD's rate, 0.5 half of it. 0 means 1.
	Scale float64
	// Margin lengthens every window: a gateway pacing itself below OpenD allows
	// for requests reaching OpenD later than it sent them. The simulator uses 0.
	Margin time.Duration
}

// ParsePolicy reads a -freq-limits value: "default" (or ""), "off", or a
// positive scale factor such as "2" or "0.5".
func ParsePolicy(s string) (Policy, error) {
	switch v := strings.ToLower(strings.TrimSpace(s)); v {
	case "", "default", "on":
		return Policy{}, nil
	case "off":
		return Policy{Off: true}, nil
	default:
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || !(x > 0) || math.IsInf(x, 0) {
			return Policy{}, fmt.Errorf("frequency limits %q: want default, off or a positive scale factor", s)
		}
		return Policy{Scale: x}, nil
	}
}

// String is the -freq-limits value that parses back to p.
func (p Policy) String() string {
	switch {
	case p.Off:
		return "off"
	case p.Scale == 0 || p.Scale == 1:
		return "default"
	default:
		return strconv.FormatFloat(p.Scale, 'g', -1, 64)
	}
}

// apply scales l by the policy.
func (p Policy) apply(l Limit) Limit {
	if p.Scale > 0 && p.Scale != 1 {
		l.N = max(1, int(math.Ceil(float64(l.N)*p.Scale)))
	}
	l.Window += p.Margin
	return l
}
