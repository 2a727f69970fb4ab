package qot

import (
	"math"
	"testing"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetplatesecurity"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetsecuritysnapshot"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim/market"
)

// Every plate Qot_GetPlateSet lists has a snapshot whose breadth counts its
// members (Qot_GetPlateSecurity) by their snapshots' change, and whose level
// is the equal-weighted mean of their moves.
func TestPlateSnapshot(t *testing.T) {
	e := start(t, Config{})
	c := e.dial(t)
	for i, in := range e.mkt.Instruments() {
		for range 1 + i%7 {
			e.mkt.Step(in.Key())
		}
	}
	var sawUp, sawDown bool
	for _, mkt := range []int32{market.MarketHK, market.MarketUS} {
		plates, st := plateSet(t, c, mkt, plateSetAll)
		mustOK(t, st, "Qot_GetPlateSet")
		for _, p := range plates {
			key := keyOf(p.GetPlate())
			members, st := plateSecurities(t, c, &qotgetplatesecurity.C2S{Plate: p.GetPlate()})
			mustOK(t, st, "Qot_GetPlateSecurity")
			snaps := snapshots(t, c, append([]string{key}, members...)...)
			plate, ex := snaps[0].GetBasic(), snaps[0].GetPlateExData()
			var up, down, flat int32
			var vol int64
			var mean float64
			for _, m := range snaps[1:] {
				b := m.GetBasic()
				switch {
				case b.GetCurPrice() > b.GetLastClosePrice():
					up++
				case b.GetCurPrice() < b.GetLastClosePrice():
					down++
				default:
					flat++
				}
				vol += b.GetVolume()
				mean += b.GetCurPrice() / b.GetLastClosePrice() / float64(len(members))
			}
			sawUp, sawDown = sawUp || up > 0, sawDown || down > 0
			if ex == nil || ex.GetRaiseCount() != up || ex.GetFallCount() != down || ex.GetEqualCount() != flat ||
				int(up+down+flat) != len(members) {
				t.Errorf("%s: ex-data %v, members up %d down %d flat %d of %d", key, ex, up, down, flat, len(members))
			}
			if keyOf(plate.GetSecurity()) != key || plate.GetName() != p.GetName() || plate.GetType() != secTypePlate ||
				plate.GetLastClosePrice() != plateBase || plate.GetVolume() != vol ||
				math.Abs(plate.GetCurPrice()-plateBase*mean) > 0.006 ||
				plate.GetHighPrice() < max(plate.GetCurPrice(), plate.GetOpenPrice()) ||
				plate.GetLowPrice() > min(plate.GetCurPrice(), plate.GetOpenPrice()) {
				t.Errorf("%s: basic %v, want volume %d level %.2f", key, plate, vol, plateBase*mean)
			}
		}
	}
	if !sawUp || !sawDown {
		t.Errorf("no plate member moved both ways: up %v down %v", sawUp, sawDown)
	}
}

// An unknown plate code is still an unknown security.
func TestPlateSnapshotUnknown(t *testing.T) {
	e := start(t, Config{})
	c := e.dial(t)
	var resp qotgetsecuritysnapshot.Response
	st := call(testCtx(t), t, c, protoid.QotGetSecuritySnapshot, &qotgetsecuritysnapshot.Request{
		C2S: &qotgetsecuritysnapshot.C2S{SecurityList: secs("HK.BK1001", "HK.BK9999")}}, &resp)
	mustFail(t, st, "unknown plate", codeUnknownSec)
}
