package main

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetmarketstate"
	"github.com/futugw/gateway/opend/freqlimit"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim/rawclient"
	"github.com/futugw/gateway/opend/testkit/simtest"
	"github.com/futugw/gateway/platform/obs"
)

func TestParseFlagsFreqLimits(t *testing.T) {
	if o, err := parseFlags(nil); err != nil || o.freqLimits != (freqlimit.Policy{}) || o.orderRateLimit != 0 {
		t.Errorf("defaults: %+v, order rate limit %d, %v; want the documented limits", o.freqLimits, o.orderRateLimit, err)
	}
	t.Setenv("OPEND_SIM_FREQ_LIMITS", "off")
	if o, err := parseFlags(nil); err != nil || !o.freqLimits.Off {
		t.Errorf("env off: %+v, %v", o.freqLimits, err)
	}
	if o, err := parseFlags([]string{"-freq-limits", "2"}); err != nil || o.freqLimits != (freqlimit.Policy{Scale: 2}) {
		t.Errorf("flag 2: %+v, %v", o.freqLimits, err)
	}
	if _, err := parseFlags([]string{"-freq-limits", "lots"}); err == nil {
		t.Error("-freq-limits lots accepted")
	}
	if _, err := parseFlags([]string{"-order-rate-limit", "-1"}); err == nil {
		t.Error("negative -order-rate-limit accepted")
	}
}

// TestFreqRefusalsCounted: futugw_opendsim_freq_refusals_total counts each
// frequency refusal under its proto id, and shows every limited proto id at 0
// before any.
func TestFreqRefusalsCounted(t *testing.T) {
	o, err := parseFlags(nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := simConfig(o, "", nil, obs.OrDiscard(nil))
	refusals := countFreqRefusals(&cfg)
	_, addr := simtest.Start(t, cfg)
	label := strconv.Itoa(int(protoid.QotGetMarketState))
	if n := testutil.CollectAndCount(refusals); n != len(freqlimit.All()) {
		t.Errorf("%d series before any refusal, want one per limited proto id (%d)", n, len(freqlimit.All()))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := rawclient.Dial(ctx, addr, rawclient.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	lim, _ := freqlimit.For(protoid.QotGetMarketState)
	req := &qotgetmarketstate.Request{C2S: &qotgetmarketstate.C2S{SecurityList: []*qotcommon.Security{
		{Market: proto.Int32(1), Code: proto.String("00700")}}}}
	refused := 0
	for range lim.N + 2 {
		st, err := c.Call(ctx, protoid.QotGetMarketState, req, &qotgetmarketstate.Response{})
		if err != nil {
			t.Fatal(err)
		}
		if !st.OK() {
			refused++
		}
	}
	if got := testutil.ToFloat64(refusals.WithLabelValues(label)); refused != 2 || got != 2 {
		t.Errorf("%d refused, counter %v; want 2 and 2", refused, got)
	}
}
