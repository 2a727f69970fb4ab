package sim

import (
	"context"

	"github.com/futugw/gateway/opend/envelope"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/server"
	"google.golang.org/protobuf/proto"
)

// systemRefusals are the system protocols the simulator answers only with a
// refusal, and why: it logs in without a verification code, and Futu's test
// command and quant mode are internal to Futu.
var systemRefusals = map[uint32]string{
	protoid.Verification:  "Verification: the simulator logs in without a verification code; there is nothing to request or enter",
	protoid.TestCmd:       "TestCmd: Futu's internal test command is not supported by the simulator",
	protoid.InitQuantMode: "InitQuantMode: quant mode is not supported by the simulator",
}

// registerSystem serves the system protocols neither half owns:
// GetDelayStatistics from what the simulator has seen so far, and OpenD-style
// refusals (retType -1 with the reason) for the ones it does not support.
func (s *Sim) registerSystem() {
	s.stats = newDelayStats(s.market)
	s.srv.Handle(protoid.GetDelayStatistics, s.getDelayStatistics)
	for id, msg := range systemRefusals {
		s.srv.Handle(id, func(context.Context, *server.Conn, server.Request) (proto.Message, error) {
			return nil, envelope.Errorf("%s", msg)
		})
	}
}
