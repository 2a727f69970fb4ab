package cli

import (
	"strings"
	"testing"
)

// watch and trades refuse bad arguments locally (exit 2, nothing sent).
func TestStreamCommandUsage(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"watch"}, "usage: futucli watch SECURITY..."},
		{[]string{"watch", "HK.00700", "--sub", "basic,candles"}, `--sub "candles": unknown`},
		{[]string{"watch", "HK.700x", "--sub", "kl_day", "--for", "soon"}, "invalid value"},
		{[]string{"watch", "HKX.00700"}, "unknown market"},
		{[]string{"trades", "--acc-id", "1002,abc"}, `--acc-id "abc" is not an account id`},
		{[]string{"trades", "--count", "-"}, "invalid value"},
	} {
		code, out, errOut := run(append(tt.args, "--key", goodKey)...)
		if code != ExitUsage || out != "" || !strings.Contains(errOut, tt.want) {
			t.Errorf("futucli %v: exit %d, stdout %q, stderr %q; want exit 2 with %q", tt.args, code, out, errOut, tt.want)
		}
	}
	c, err := Parse([]string{"watch", "HK.00700", "US.AAPL", "--sub", "Basic, ticker,KL_1Min", "--count", "3", "--key", goodKey}, testEnv(nil))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Watch.SubTypes; len(got) != 3 || got[0] != 1 || got[1] != 4 || got[2] != 11 {
		t.Errorf("sub types %v, want [1 4 11] (Basic, Ticker, KL_1Min)", got)
	}
	if len(c.Read.Securities) != 2 || c.Watch.Count != 3 {
		t.Errorf("parsed %+v", c)
	}
}
