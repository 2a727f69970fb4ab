package main

import (
	"context"
	"testing"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/getuserinfo"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim/rawclient"
	"github.com/futugw/gateway/opend/testkit/simtest"
	"github.com/futugw/gateway/platform/obs"
)

func TestParseFlagsHistoryKLQuota(t *testing.T) {
	tests := []struct {
		name    string
		env     string
		args    []string
		want    int
		wantErr bool
	}{
		{"default: a basic account's 100", "", nil, 100, false},
		{"env", "300", nil, 300, false},
		{"flag wins", "300", []string{"-history-kl-quota", "3"}, 3, false},
		{"zero", "", []string{"-history-kl-quota", "0"}, 0, true},
		{"negative", "", []string{"-history-kl-quota", "-1"}, 0, true},
		{"malformed env", "many", nil, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.env != "" {
				t.Setenv("OPEND_SIM_HISTORY_KL_QUOTA", tt.env)
			}
			o, err := parseFlags(tt.args)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if err == nil && o.historyKLQuota != tt.want {
				t.Errorf("history-kl-quota %d, want %d", o.historyKLQuota, tt.want)
			}
		})
	}
}

// TestHistoryKLQuotaReachesSim: the flag's value is the quota the simulator
// reports in GetUserInfo.
func TestHistoryKLQuotaReachesSim(t *testing.T) {
	o, err := parseFlags([]string{"-history-kl-quota", "7"})
	if err != nil {
		t.Fatal(err)
	}
	_, addr := simtest.Start(t, simConfig(o, "", nil, obs.OrDiscard(nil)))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := rawclient.Dial(ctx, addr, rawclient.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var resp getuserinfo.Response
	st, err := c.Call(ctx, protoid.GetUserInfo, &getuserinfo.Request{C2S: &getuserinfo.C2S{}}, &resp)
	if err != nil || !st.OK() {
		t.Fatalf("GetUserInfo: %v %+v", err, st)
	}
	if got := resp.GetS2C().GetHistoryKLQuota(); got != 7 {
		t.Errorf("GetUserInfo historyKLQuota %d, want 7", got)
	}
}
