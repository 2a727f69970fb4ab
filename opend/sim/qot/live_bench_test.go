package qot

import (
	"testing"

	"github.com/futugw/gateway/opend/server"
	"github.com/futugw/gateway/opend/sim/market"
)

// BenchmarkLiveTickUnsubscribed is the per-step cost the live state adds for
// a security nobody subscribed: every security pays it when StepAll is on.
func BenchmarkLiveTickUnsubscribed(b *testing.B) {
	m := market.New(market.Config{Seed: 1})
	s := Register(server.New(server.Config{}), m, Config{})
	q, _ := m.Step("HK.00700")
	b.ReportAllocs()
	for b.Loop() {
		s.liveTick(q, dirBid, nil)
	}
}

// BenchmarkLiveTickRecording records a step of a security subscribed to
// Ticker and RT: the ring write and the minute builder.
func BenchmarkLiveTickRecording(b *testing.B) {
	m := market.New(market.Config{Seed: 1})
	s := Register(server.New(server.Config{}), m, Config{})
	s.startLive([]pair{{"HK.00700", SubTicker}, {"HK.00700", SubRT}})
	b.ReportAllocs()
	for b.Loop() {
		q, _ := m.Step("HK.00700") // fanOut is not registered: Run is not running
		s.liveTick(q, dirBid, nil)
	}
}
