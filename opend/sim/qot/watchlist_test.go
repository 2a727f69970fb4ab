package qot

import (
	"slices"
	"testing"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetusersecurity"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetusersecuritygroup"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotmodifyusersecurity"
	"github.com/futugw/gateway/opend/envelope"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim/rawclient"
	"google.golang.org/protobuf/proto"
)

func groups(t *testing.T, c *rawclient.Client, typ int32) ([]string, envelope.Status) {
	t.Helper()
	var resp qotgetusersecuritygroup.Response
	st, err := c.Call(testCtx(t), protoid.QotGetUserSecurityGroup, &qotgetusersecuritygroup.Request{
		C2S: &qotgetusersecuritygroup.C2S{GroupType: proto.Int32(typ)}}, &resp)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, g := range resp.GetS2C().GetGroupList() {
		out = append(out, g.GetGroupName()+"/"+qotgetusersecuritygroup.GroupType(g.GetGroupType()).String()[len("GroupType_"):])
	}
	return out, st
}

func watched(t *testing.T, c *rawclient.Client, group string) ([]string, envelope.Status) {
	t.Helper()
	var resp qotgetusersecurity.Response
	st, err := c.Call(testCtx(t), protoid.QotGetUserSecurity, &qotgetusersecurity.Request{
		C2S: &qotgetusersecurity.C2S{GroupName: proto.String(group)}}, &resp)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, si := range resp.GetS2C().GetStaticInfoList() {
		b := si.GetBasic()
		if b.GetName() == "" || b.GetLotSize() <= 0 {
			t.Errorf("%s: incomplete static info %v", group, b)
		}
		out = append(out, keyOf(b.GetSecurity()))
	}
	return out, st
}

func modify(t *testing.T, c *rawclient.Client, group string, op int32, list []*qotcommon.Security) envelope.Status {
	t.Helper()
	var resp qotmodifyusersecurity.Response
	st, err := c.Call(testCtx(t), protoid.QotModifyUserSecurity, &qotmodifyusersecurity.Request{
		C2S: &qotmodifyusersecurity.C2S{GroupName: proto.String(group), Op: proto.Int32(op), SecurityList: list}}, &resp)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func wantKeys(t *testing.T, c *rawclient.Client, group string, want ...string) {
	t.Helper()
	got, st := watched(t, c, group)
	mustOK(t, st, "Qot_GetUserSecurity "+group)
	if !slices.Equal(got, want) {
		t.Errorf("group %q = %v, want %v", group, got, want)
	}
}

func TestWatchlistGroups(t *testing.T) {
	e := start(t, Config{})
	c := e.dial(t)
	tests := []struct {
		typ  int32
		want []string
	}{
		{groupAll, []string{"All/System", "Options/System", "Hong Kong/System", "US/System", "A-Shares/System",
			"Favourites/Custom", "Watching/Custom"}},
		{groupSystem, []string{"All/System", "Options/System", "Hong Kong/System", "US/System", "A-Shares/System"}},
		{groupCustom, []string{"Favourites/Custom", "Watching/Custom"}},
	}
	for _, tt := range tests {
		got, st := groups(t, c, tt.typ)
		mustOK(t, st, "Qot_GetUserSecurityGroup")
		if !slices.Equal(got, tt.want) {
			t.Errorf("groupType %d: %v, want %v", tt.typ, got, tt.want)
		}
	}
	_, st := groups(t, c, 0)
	mustFail(t, st, "groupType Unknown", codeInvalid)

	wantKeys(t, c, "Favourites", "HK.00700", "HK.09988", "US.AAPL", "US.MSFT")
	wantKeys(t, c, "Watching")
	wantKeys(t, c, "Hong Kong", "HK.00700", "HK.09988")
	wantKeys(t, c, "Options")
}

// TestWatchlistSharedAcrossConnections: the watchlist belongs to the user, so
// a change on one connection shows on another.
func TestWatchlistSharedAcrossConnections(t *testing.T) {
	e := start(t, Config{})
	a, b := e.dial(t), e.dial(t)

	mustOK(t, modify(t, a, "Watching", modifyAdd, secs("HK.00388", "US.AMD", "HK.00700")), "add")
	wantKeys(t, b, "Watching", "HK.00388", "US.AMD", "HK.00700")
	mustOK(t, modify(t, a, "Watching", modifyAdd, secs("US.NFLX", "US.AMD")), "add again")
	wantKeys(t, b, "Watching", "US.NFLX", "HK.00388", "US.AMD", "HK.00700")
	wantKeys(t, b, "All", "HK.00700", "HK.09988", "US.AAPL", "US.MSFT", "US.NFLX", "HK.00388", "US.AMD")
	wantKeys(t, b, "US", "US.AAPL", "US.MSFT", "US.NFLX", "US.AMD")

	// MoveOut leaves the other groups alone: HK.00700 stays in Favourites.
	mustOK(t, modify(t, b, "Watching", modifyMoveOut, secs("US.AMD", "HK.00700")), "move out")
	wantKeys(t, a, "Watching", "US.NFLX", "HK.00388")
	wantKeys(t, a, "Favourites", "HK.00700", "HK.09988", "US.AAPL", "US.MSFT")
	wantKeys(t, a, "US", "US.AAPL", "US.MSFT", "US.NFLX")

	// Del removes from the whole watchlist, whichever custom group it names.
	mustOK(t, modify(t, b, "Watching", modifyDel, secs("US.AAPL")), "delete")
	wantKeys(t, a, "Favourites", "HK.00700", "HK.09988", "US.MSFT")
	wantKeys(t, a, "All", "HK.00700", "HK.09988", "US.MSFT", "US.NFLX", "HK.00388")

	// The state outlives the connections that made it.
	a.Close()
	b.Close()
	wantKeys(t, e.dial(t), "Watching", "US.NFLX", "HK.00388")
}

func TestModifyUserSecurityRefusals(t *testing.T) {
	e := start(t, Config{})
	c := e.dial(t)
	tests := []struct {
		name  string
		group string
		op    int32
		list  []*qotcommon.Security
		code  int32
	}{
		{"system group All", "All", modifyAdd, secs("HK.00700"), codeGroup},
		{"system group US", "US", modifyDel, secs("US.AAPL"), codeGroup},
		{"unknown group", "Nope", modifyAdd, secs("HK.00700"), codeGroup},
		{"unknown op", "Watching", 0, secs("HK.00700"), codeInvalid},
		{"op out of range", "Watching", 4, secs("HK.00700"), codeInvalid},
		{"empty list", "Watching", modifyAdd, nil, codeInvalid},
		{"unknown security", "Watching", modifyAdd, secs("HK.99998"), codeUnknownSec},
	}
	for _, tt := range tests {
		mustFail(t, modify(t, c, tt.group, tt.op, tt.list), tt.name, tt.code)
	}
	wantKeys(t, c, "Watching") // nothing half-applied
	_, st := watched(t, c, "Nope")
	mustFail(t, st, "Qot_GetUserSecurity unknown group", codeGroup)
}
