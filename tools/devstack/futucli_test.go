package main

import (
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// futucliRun is one futucli invocation's outcome.
type futucliRun struct {
	code           int
	stdout, stderr string
}

func runFutucli(t *testing.T, ctx context.Context, bin string, env []string, args ...string) futucliRun {
	t.Helper()
	cmd := exec.CommandContext(ctx, filepath.Join(bin, "futucli"), args...)
	cmd.Env = env
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("futucli %v: %v", args, err)
	}
	return futucliRun{code: cmd.ProcessState.ExitCode(), stdout: out.String(), stderr: errOut.String()}
}

// checkFutucliReads runs futucli's read commands against the walk-through's stack
// (env names its services): their JSON answers, and the gateway's reason when a key
// lacks the scope or the account.
func checkFutucliReads(t *testing.T, ctx context.Context, bin, adminKeyFile string, env []string) {
	t.Helper()
	mint := func(id string, args ...string) string {
		r := runFutucli(t, ctx, bin, env, append([]string{"gen-key", "--key-file", adminKeyFile, "--id", id, "--expires", "1h", "--json"}, args...)...)
		var got struct{ Key string }
		if r.code != 0 || json.Unmarshal([]byte(r.stdout), &got) != nil || got.Key == "" {
			t.Fatalf("gen-key %s: %+v", id, r)
		}
		return got.Key
	}
	reader := mint("cli-reader", "--scopes", "qot:read,acc:read")
	qotOnly := mint("cli-qot", "--scopes", "qot:read")
	accOnly := mint("cli-acc", "--scopes", "acc:read", "--allowed-acc-ids", "1002")

	// quote --json is GetBasicQuote's answer; kline --json the newest bars.
	r := runFutucli(t, ctx, bin, env, "quote", "HK.00700", "US.AAPL", "--json", "--key", reader)
	var quotes struct {
		Quotes []struct {
			SecKey   string  `json:"sec_key"`
			CurPrice float64 `json:"cur_price"`
		}
	}
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &quotes) != nil || len(quotes.Quotes) != 2 ||
		quotes.Quotes[0].SecKey != "HK.00700" || quotes.Quotes[1].SecKey != "US.AAPL" || quotes.Quotes[0].CurPrice <= 0 {
		t.Errorf("quote --json: %+v", r)
	}
	for _, period := range []string{"day", "week", "5m"} {
		r = runFutucli(t, ctx, bin, env, "kline", "HK.00700", "--period", period, "--count", "7", "--json", "--key", reader)
		var kl struct {
			KLList []struct {
				Time       string  `json:"time"`
				ClosePrice float64 `json:"close_price"`
			} `json:"kl_list"`
		}
		if r.code != 0 || json.Unmarshal([]byte(r.stdout), &kl) != nil || len(kl.KLList) != 7 || kl.KLList[6].ClosePrice <= 0 ||
			kl.KLList[6].Time <= kl.KLList[0].Time {
			t.Errorf("kline --period %s --json: %+v", period, r)
		}
	}
	// orders --json: every account the key sees, each with its list.
	r = runFutucli(t, ctx, bin, env, "orders", "--json", "--key", reader)
	var orders struct {
		Accounts []struct {
			AccID     string `json:"acc_id"`
			TrdMarket string `json:"trd_market"`
			Orders    []struct {
				OrderID string `json:"order_id"`
				Code    string `json:"code"`
			}
		}
	}
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &orders) != nil || len(orders.Accounts) < 2 {
		t.Fatalf("orders --json: %+v", r)
	}
	if a := orders.Accounts[0]; a.AccID != "1001" || a.TrdMarket != "TRD_MARKET_HK" || len(a.Orders) == 0 || a.Orders[0].Code != "00700" {
		t.Errorf("orders --json: account 1001 lacks the walk-through's order: %s", r.stdout)
	}
	for _, cmd := range []string{"positions", "funds"} {
		if r := runFutucli(t, ctx, bin, env, cmd, "--acc-id", "1001", "--key", reader); r.code != 0 || !strings.Contains(r.stdout, "1001") {
			t.Errorf("%s: %+v", cmd, r)
		}
	}

	// watch --json: the key's own quote stream, one decoded push per line.
	r = runFutucli(t, ctx, bin, env, "watch", "US.AAPL", "--sub", "basic,ticker", "--count", "3", "--for", "30s", "--json", "--key", reader)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code != 0 || len(lines) != 3 {
		t.Errorf("watch --count 3 --json: %+v", r)
	}
	for _, l := range lines {
		var push struct {
			Name   string         `json:"name"`
			SecKey string         `json:"sec_key"`
			S2C    map[string]any `json:"s2c"`
		}
		if err := json.Unmarshal([]byte(l), &push); err != nil || push.SecKey != "US.AAPL" || len(push.S2C) == 0 ||
			push.Name != "Qot_UpdateBasicQot" && push.Name != "Qot_UpdateTicker" {
			t.Errorf("watch line %q: %+v %v", l, push, err)
		}
	}

	// Refusals: exit 1 with the gateway's reason.
	for _, tc := range []struct {
		key  string
		args []string
		want string
	}{
		{qotOnly, []string{"orders"}, "(reason scope_denied)"},
		{qotOnly, []string{"funds", "--acc-id", "1001"}, "(reason scope_denied)"},
		{accOnly, []string{"quote", "HK.00700"}, "(reason scope_denied)"},
		{accOnly, []string{"kline", "HK.00700"}, "(reason scope_denied)"},
		{accOnly, []string{"orders", "--acc-id", "1001"}, "(reason account_not_allowed)"},
		{reader, []string{"quote", "HK.700"}, "(reason invalid_argument)"}, // futucli leaves codes to the gateway
		{accOnly, []string{"watch", "HK.00700", "--for", "10s"}, "(reason scope_denied)"},
		{qotOnly, []string{"trades", "--for", "10s"}, "(reason scope_denied)"},
		{accOnly, []string{"trades", "--acc-id", "1001", "--for", "10s"}, "(reason account_not_allowed)"},
	} {
		r := runFutucli(t, ctx, bin, env, append(tc.args, "--key", tc.key)...)
		if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("futucli %v: %+v, want exit 1 with %q", tc.args, r, tc.want)
		}
	}
	// A key limited to account 1002 sees only it.
	r = runFutucli(t, ctx, bin, env, "orders", "--key", accOnly)
	if r.code != 0 || strings.Contains(r.stdout, "1001") {
		t.Errorf("orders with a key for 1002: %+v", r)
	}
}
