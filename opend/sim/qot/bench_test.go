package qot

import (
	"testing"

	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/server"
	"github.com/futugw/gateway/opend/sim/market"
)

// BenchmarkEncodeBasicQotPush measures building and encoding one 3005 push,
// the per-step cost of the fan-out (then shared by every subscriber).
func BenchmarkEncodeBasicQotPush(b *testing.B) {
	m := market.New(market.Config{Seed: 1})
	q, _ := m.Step("HK.00700")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := server.EncodePush(protoid.QotUpdateBasicQot, basicQotPush(q)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMarketStep(b *testing.B) {
	m := market.New(market.Config{Seed: 1})
	b.ReportAllocs()
	for b.Loop() {
		m.Step("HK.00700")
	}
}
