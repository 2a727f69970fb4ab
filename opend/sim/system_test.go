package sim_test

import (
	"context"
	"testing"
	"time"

	"github.com/futugw/gateway/opend/envelope"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim"
	"github.com/futugw/gateway/opend/sim/rawclient"
	"github.com/futugw/gateway/opend/testkit/simtest"
)

// The system protocols the simulator does not support are refused as OpenD
// refuses: retType -1 and a retMsg naming the protocol and the reason, not the
// generic answer for an unknown id.
func TestUnsupportedSystemProtosRefused(t *testing.T) {
	_, addr := simtest.Start(t, sim.Config{PushInterval: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := rawclient.Dial(ctx, addr, rawclient.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, tc := range []struct {
		id  uint32
		msg string
	}{
		{protoid.Verification, "Verification: the simulator logs in without a verification code; there is nothing to request or enter"},
		{protoid.TestCmd, "TestCmd: Futu's internal test command is not supported by the simulator"},
		{protoid.InitQuantMode, "InitQuantMode: quant mode is not supported by the simulator"},
	} {
		f, err := c.CallRaw(ctx, tc.id, nil)
		if err != nil {
			t.Fatal(err)
		}
		st, err := envelope.Parse(f.Body)
		if err != nil {
			t.Fatal(err)
		}
		if st.RetType != envelope.RetFailed || st.RetMsg != tc.msg {
			t.Errorf("proto %d: %+v, want retType -1 and %q", tc.id, st, tc.msg)
		}
	}
}
