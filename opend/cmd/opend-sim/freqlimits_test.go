package main

import (
	"testing"

	"github.com/futugw/gateway/opend/freqlimit"
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
