package sim

import (
	"github.com/futugw/gateway/opend/protoid"
)

// registerSystem serves the system protocols neither half owns:
// GetDelayStatistics, from what the simulator has seen so far.
//
// Verification, TestCmd and InitQuantMode are not in
// futu-api's proto id table (opend/protoid), so they have no constant to
// register; the server answers them as every unknown id, with retType -1
// "unsupported proto id".
func (s *Sim) registerSystem() {
	s.stats = newDelayStats(s.market)
	s.srv.Handle(protoid.GetDelayStatistics, s.getDelayStatistics)
}
