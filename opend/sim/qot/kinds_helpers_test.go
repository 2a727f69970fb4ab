package qot

import (
	"testing"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetsecuritysnapshot"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetstaticinfo"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim/market"
	"github.com/futugw/gateway/opend/sim/rawclient"
)

// kindsEnv serves the quote service over a market with the kinds universe, on
// the manual clock of main_test.go; prices move only when a test steps them.
type kindsEnv = env

func startKinds(t *testing.T) *kindsEnv {
	t.Helper()
	return startKindsAt(t, nil)
}

// startKindsAt is startKinds with reference prices (previous closes) by key.
func startKindsAt(t *testing.T, prices map[string]float64) *kindsEnv {
	t.Helper()
	return startOn(t, Config{}, market.Config{Seed: 5, Kinds: true, Prices: prices})
}

func staticInfos(t *testing.T, c *rawclient.Client, keys ...string) []*qotcommon.SecurityStaticInfo {
	t.Helper()
	var resp qotgetstaticinfo.Response
	mustOK(t, call(testCtx(t), t, c, protoid.QotGetStaticInfo, &qotgetstaticinfo.Request{C2S: &qotgetstaticinfo.C2S{
		SecurityList: secs(keys...)}}, &resp), "Qot_GetStaticInfo")
	return resp.GetS2C().GetStaticInfoList()
}

func snapshots(t *testing.T, c *rawclient.Client, keys ...string) []*qotgetsecuritysnapshot.Snapshot {
	t.Helper()
	var resp qotgetsecuritysnapshot.Response
	mustOK(t, call(testCtx(t), t, c, protoid.QotGetSecuritySnapshot, &qotgetsecuritysnapshot.Request{C2S: &qotgetsecuritysnapshot.C2S{
		SecurityList: secs(keys...)}}, &resp), "Qot_GetSecuritySnapshot")
	return resp.GetS2C().GetSnapshotList()
}

// firstOfKind returns the first security of a type in the universe.
func (e *kindsEnv) firstOfKind(t *testing.T, secType int32, match func(market.Instrument) bool) market.Instrument {
	t.Helper()
	for _, in := range e.mkt.Instruments() {
		if in.SecType == secType && (match == nil || match(in)) {
			return in
		}
	}
	t.Fatalf("no security of type %d", secType)
	return market.Instrument{}
}

func near(a, b, tol float64) bool {
	d := a - b
	return d <= tol && d >= -tol
}
