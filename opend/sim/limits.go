package sim

import (
	"time"

	"github.com/futugw/gateway/opend/freqlimit"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/server"
)

// newLimiter builds the frequency limiter on the simulator's clock, with
// -order-rate-limit replacing the order rows when set.
func newLimiter(cfg Config) *freqlimit.Limiter {
	l := freqlimit.New(cfg.FreqLimits, cfg.Now)
	if cfg.OrderRateLimit > 0 && !cfg.FreqLimits.Off {
		w := cfg.OrderRateWindow
		if w <= 0 {
			w = 30 * time.Second
		}
		for _, id := range []uint32{protoid.TrdPlaceOrder, protoid.TrdModifyOrder} {
			lim, _ := freqlimit.For(id)
			lim.N, lim.Window = cfg.OrderRateLimit, w
			l.Set(id, lim)
		}
	}
	return l
}

// admit runs before every handler: the one place OpenD's frequency limits are
// enforced, whichever package serves the proto id.
// It also counts the request for GetDelayStatistics, and reports a refusal to
// Config.OnFreqRefusal.
func (s *Sim) admit(_ *server.Conn, req server.Request) error {
	s.stats.observe(req.ProtoID)
	err := s.limits.Admit(req.ProtoID, req.Body)
	if err != nil && s.cfg.OnFreqRefusal != nil {
		s.cfg.OnFreqRefusal(req.ProtoID)
	}
	return err
}

// FreqLimiter returns the limiter in force (tests read its effective limits).
func (s *Sim) FreqLimiter() *freqlimit.Limiter { return s.limits }
