package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
)

const goodKey = "fk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

func testEnv(vars map[string]string) Env {
	return Env{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{},
		Getenv: func(k string) string { return vars[k] },
		ReadFile: func(p string) ([]byte, error) {
			if p == "/keyfile" {
				return []byte(goodKey + "\n"), nil
			}
			return nil, os.ErrNotExist
		}}
}

func TestParse(t *testing.T) {
	k := "--key=" + goodKey
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		wantErr string // substring of a usage error; "" = ok
		check   func(t *testing.T, c *Command)
	}{
		{name: "gen-key full", args: []string{"gen-key", k, "--id", "bot1", "--scopes", "qot:read, acc:read,trade:real",
			"--allowed-markets", "HK,US", "--allowed-symbols", "HK.00700,US.AAPL", "--allowed-trd-sides", "BUY,SELL",
			"--allowed-acc-ids", "123,456", "--max-order-value", "50000", "--max-daily-value", "1e6",
			"--max-orders-per-minute", "10", "--hours-window", "22:00-02:00", "--expires", "8h", "--note", "desk bot", "--json"},
			check: func(t *testing.T, c *Command) {
				r := c.Issue
				if r.Id != "bot1" || len(r.Scopes) != 3 || r.Scopes[1] != "acc:read" || r.ExpiresIn != "8h" || r.Note != "desk bot" ||
					r.Limits.GetMaxOrderValue() != 50000 || r.Limits.GetMaxOrdersPerMinute() != 10 || r.Limits.GetHoursWindow() != "22:00-02:00" ||
					len(r.Limits.GetAllowedAccIds()) != 2 || !c.Common.JSON || c.Common.Key != goodKey {
					t.Errorf("request = %v", r)
				}
			}},
		{name: "gen-key single dash", args: []string{"gen-key", "-key", goodKey, "-scopes", "admin", "-expires", "30m"},
			check: func(t *testing.T, c *Command) {
				if c.Issue.Limits != nil || c.Issue.Scopes[0] != "admin" || c.Issue.ExpiresIn != "30m" {
					t.Errorf("request = %v", c.Issue)
				}
			}},
		{name: "no scopes", args: []string{"gen-key", k, "--expires", "1h"}, wantErr: "--scopes: at least one scope"},
		{name: "unknown scope", args: []string{"gen-key", k, "--expires", "1h", "--scopes", "trade"}, wantErr: "unknown scope"},
		{name: "bad market", args: []string{"gen-key", k, "--expires", "1h", "--scopes", "qot:read", "--allowed-markets", "EU"}, wantErr: "--allowed-markets: unknown market"},
		{name: "bad symbol", args: []string{"gen-key", k, "--expires", "1h", "--scopes", "qot:read", "--allowed-symbols", "HK.700"}, wantErr: "--allowed-symbols"},
		{name: "bad side", args: []string{"gen-key", k, "--expires", "1h", "--scopes", "qot:read", "--allowed-trd-sides", "LONG"}, wantErr: "unknown side"},
		{name: "bad acc", args: []string{"gen-key", k, "--expires", "1h", "--scopes", "qot:read", "--allowed-acc-ids", "x1"}, wantErr: "not numeric"},
		{name: "value not number", args: []string{"gen-key", k, "--expires", "1h", "--scopes", "qot:read", "--max-order-value", "lots"}, wantErr: "--max-order-value"},
		{name: "value NaN", args: []string{"gen-key", k, "--expires", "1h", "--scopes", "qot:read", "--max-daily-value", "NaN"}, wantErr: "not a number"},
		{name: "value zero", args: []string{"gen-key", k, "--expires", "1h", "--scopes", "qot:read", "--max-order-value", "0"}, wantErr: "greater than 0"},
		{name: "rate range", args: []string{"gen-key", k, "--expires", "1h", "--scopes", "qot:read", "--max-orders-per-minute", "0"}, wantErr: "outside 1..10000"},
		{name: "rate not int", args: []string{"gen-key", k, "--expires", "1h", "--scopes", "qot:read", "--max-orders-per-minute", "1.5"}, wantErr: "not an integer"},
		{name: "window", args: []string{"gen-key", k, "--expires", "1h", "--scopes", "qot:read", "--hours-window", "25:00-01:00"}, wantErr: "--hours-window"},
		{name: "expires bad", args: []string{"gen-key", k, "--scopes", "qot:read", "--expires", "soon"}, wantErr: "--expires"},
		{name: "real forever", args: []string{"gen-key", k, "--scopes", "trade:real", "--expires", "never"}, wantErr: "--allow-long-lived-real"},
		{name: "real beyond 24h", args: []string{"gen-key", k, "--scopes", "trade:real", "--expires", "25h"}, wantErr: "--allow-long-lived-real"},
		{name: "real override", args: []string{"gen-key", k, "--scopes", "trade:real", "--expires", "never", "--allow-long-lived-real"},
			check: func(t *testing.T, c *Command) {
				if !c.Issue.AllowLongLivedReal || c.Issue.ExpiresIn != "" {
					t.Errorf("request = %v", c.Issue)
				}
			}},
		// A key that never expires is asked for by name; no --expires is refused.
		{name: "expires missing", args: []string{"gen-key", k, "--scopes", "qot:read"},
			wantErr: "--expires is required: give the key a lifetime such as --expires 30m, or ask for a key that never expires with --expires never"},
		{name: "expires missing real", args: []string{"gen-key", k, "--scopes", "trade:real"}, wantErr: "--expires is required"},
		{name: "expires empty", args: []string{"gen-key", k, "--scopes", "qot:read", "--expires="}, wantErr: "--expires is required"},
		{name: "expires never", args: []string{"gen-key", k, "--scopes", "qot:read", "--expires", "never"},
			check: func(t *testing.T, c *Command) {
				if c.Issue.ExpiresIn != "" || c.Issue.Scopes[0] != "qot:read" {
					t.Errorf("request = %v, want no expires_in (the API's no expiry)", c.Issue)
				}
			}},
		{name: "expires never equals", args: []string{"gen-key", k, "--scopes", "qot:read", "--expires=never"},
			check: func(t *testing.T, c *Command) {
				if c.Issue.ExpiresIn != "" {
					t.Errorf("request = %v", c.Issue)
				}
			}},
		{name: "expires Never", args: []string{"gen-key", k, "--scopes", "qot:read", "--expires", "Never"}, wantErr: "nor never"},
		{name: "expires zero", args: []string{"gen-key", k, "--scopes", "qot:read", "--expires", "0s"}, wantErr: "positive duration"},
		{name: "expires negative", args: []string{"gen-key", k, "--scopes", "qot:read", "--expires", "-1h"}, wantErr: "positive duration"},
		{name: "expires too short", args: []string{"gen-key", k, "--scopes", "qot:read", "--expires", "500ms"}, wantErr: "--expires"},
		{name: "bad id", args: []string{"gen-key", k, "--expires", "1h", "--scopes", "admin", "--id", "a b"}, wantErr: "--id"},
		{name: "unknown flag", args: []string{"gen-key", k, "--colour", "red"}, wantErr: "flag provided but not defined"},
		{name: "unknown command", args: []string{"mint", k}, wantErr: "unknown command"},
		{name: "no command", args: nil, wantErr: "a command is required"},
		{name: "no key", args: []string{"whoami"}, wantErr: "no API key"},
		{name: "malformed key", args: []string{"whoami", "--key", "secret"}, wantErr: "malformed"},
		{name: "key from env", args: []string{"whoami"}, env: map[string]string{"FUTUGW_KEY": goodKey, "FUTUGW_AUTH_ADDR": "h:1"},
			check: func(t *testing.T, c *Command) {
				if c.Common.Key != goodKey || c.Common.AuthAddr != "h:1" {
					t.Errorf("common = %+v", c.Common)
				}
			}},
		{name: "key file flag", args: []string{"whoami", "--key-file", "/keyfile"},
			check: func(t *testing.T, c *Command) {
				if c.Common.Key != goodKey {
					t.Errorf("key = %q", c.Common.Key)
				}
			}},
		{name: "key file env", args: []string{"list-keys"}, env: map[string]string{"FUTUGW_KEY_FILE": "/keyfile"},
			check: func(t *testing.T, c *Command) {
				if c.Common.Key != goodKey || c.Common.AuthAddr != "127.0.0.1:50051" {
					t.Errorf("common = %+v", c.Common)
				}
			}},
		{name: "missing key file", args: []string{"whoami", "--key-file", "/nope"}, wantErr: "reading the key file"},
		{name: "show-key id first", args: []string{"show-key", "bot1", k, "--json"},
			check: func(t *testing.T, c *Command) {
				if c.ID != "bot1" || !c.Common.JSON {
					t.Errorf("cmd = %+v", c)
				}
			}},
		{name: "revoke-key flags first", args: []string{"revoke-key", k, "bot1"},
			check: func(t *testing.T, c *Command) {
				if c.ID != "bot1" {
					t.Errorf("id = %q", c.ID)
				}
			}},
		{name: "revoke-key no id", args: []string{"revoke-key", k}, wantErr: "usage: futucli revoke-key ID"},
		{name: "revoke-key bad id", args: []string{"revoke-key", k, "a/b"}, wantErr: "may only hold"},
		{name: "extra argument", args: []string{"whoami", k, "extra"}, wantErr: "unexpected argument"},
		{name: "session defaults", args: []string{"session", k},
			check: func(t *testing.T, c *Command) {
				if c.PanelURL != DefaultPanelURL || c.Session.ExpiresIn != "" || len(c.Session.Scopes) != 0 {
					t.Errorf("cmd = %+v", c)
				}
			}},
		{name: "session narrowed", args: []string{"session", k, "--scopes", "qot:read", "--expires", "10m", "--allowed-markets", "HK", "--panel-url", "https://p.example/"},
			check: func(t *testing.T, c *Command) {
				if c.Session.Scopes[0] != "qot:read" || c.Session.Limits.GetAllowedMarkets()[0] != "HK" || c.PanelURL != "https://p.example/" {
					t.Errorf("cmd = %+v", c)
				}
			}},
		{name: "session too long", args: []string{"session", k, "--expires", "1h"}, wantErr: "at most 30m"},
		{name: "session never", args: []string{"session", k, "--expires", "never"}, wantErr: "not a positive duration"},
		{name: "session bad scope", args: []string{"session", k, "--scopes", "root"}, wantErr: "unknown scope"},
		{name: "bad timeout", args: []string{"whoami", k, "--timeout", "0s"}, wantErr: "--timeout"},

		// The read commands.
		{name: "quote", args: []string{"quote", "HK.00700", k, "US.BRK.B", "--json", "SH.600519"},
			env: map[string]string{"FUTUGW_QUOTE_ADDR": "q:1", "FUTUGW_AUTH_ADDR": "a:1"},
			check: func(t *testing.T, c *Command) {
				s := c.Read.Securities
				if len(s) != 3 || s[0].Market != 1 || s[0].Code != "00700" || s[1].Market != 11 || s[1].Code != "BRK.B" ||
					s[2].Market != 21 || !c.Common.JSON || c.addr() != "q:1" {
					t.Errorf("cmd = %+v, addr %s", c.Read, c.addr())
				}
			}},
		{name: "quote default addr", args: []string{"quote", k, "hk.00700"},
			check: func(t *testing.T, c *Command) {
				if c.addr() != DefaultQuoteAddr || c.Read.Securities[0].Market != 1 {
					t.Errorf("addr %s, securities %v", c.addr(), c.Read.Securities)
				}
			}},
		{name: "quote nothing", args: []string{"quote", k}, wantErr: "usage: futucli quote SECURITY..."},
		{name: "quote not a security", args: []string{"quote", k, "00700"}, wantErr: "is not MARKET.CODE"},
		{name: "quote unknown market", args: []string{"quote", k, "EU.SAP"}, wantErr: `unknown market "EU"`},
		{name: "quote no code", args: []string{"quote", k, "HK."}, wantErr: "is not MARKET.CODE"},
		{name: "quote too long", args: []string{"quote", k, "US." + strings.Repeat("A", 40)}, wantErr: "longer than 32 characters"},
		{name: "quote too many", args: append([]string{"quote", k}, strings.Split(strings.Repeat("HK.00700 ", 51), " ")[:51]...), wantErr: "at most 50"},
		{name: "kline defaults", args: []string{"kline", k, "US.AAPL"},
			check: func(t *testing.T, c *Command) {
				r := c.Read
				if r.Period.String() != "KL_TYPE_DAY" || r.Count != 20 || r.Rehab.String() != "REHAB_TYPE_FORWARD" || r.Securities[0].Code != "AAPL" {
					t.Errorf("read = %+v", r)
				}
			}},
		{name: "kline flags", args: []string{"kline", "HK.00700", k, "--period", "5m", "--count", "300", "--rehab", "none"},
			check: func(t *testing.T, c *Command) {
				r := c.Read
				if r.Period.String() != "KL_TYPE_5_MIN" || r.Count != 300 || r.Rehab.String() != "REHAB_TYPE_NONE" {
					t.Errorf("read = %+v", r)
				}
			}},
		{name: "kline two securities", args: []string{"kline", k, "HK.00700", "US.AAPL"}, wantErr: "one security"},
		{name: "kline no security", args: []string{"kline", k}, wantErr: "usage: futucli kline SECURITY"},
		{name: "kline period", args: []string{"kline", k, "HK.00700", "--period", "year"}, wantErr: `--period "year": want one of day, week, month, 1m`},
		{name: "kline count zero", args: []string{"kline", k, "HK.00700", "--count", "0"}, wantErr: "--count 0: want 1..1000"},
		{name: "kline count big", args: []string{"kline", k, "HK.00700", "--count", "1001"}, wantErr: "want 1..1000"},
		{name: "kline rehab", args: []string{"kline", k, "HK.00700", "--rehab", "up"}, wantErr: "--rehab"},
		{name: "orders all", args: []string{"orders", k}, env: map[string]string{"FUTUGW_ORDER_ADDR": "o:1"},
			check: func(t *testing.T, c *Command) {
				if c.Read.AccID != 0 || c.Read.Env != nil || c.Read.Market != 0 || c.addr() != "o:1" {
					t.Errorf("read = %+v, addr %s", c.Read, c.addr())
				}
			}},
		{name: "orders one", args: []string{"orders", k, "--acc-id", "1001", "--env", "real", "--market", "us"},
			check: func(t *testing.T, c *Command) {
				if c.Read.AccID != 1001 || c.Read.Env.String() != "TRD_ENV_REAL" || c.Read.Market.String() != "TRD_MARKET_US" || c.addr() != DefaultOrderAddr {
					t.Errorf("read = %+v", c.Read)
				}
			}},
		{name: "orders bad acc", args: []string{"orders", k, "--acc-id", "x1"}, wantErr: `--acc-id "x1" is not an account id`},
		{name: "orders acc zero", args: []string{"orders", k, "--acc-id", "0"}, wantErr: "not an account id"},
		{name: "positions bad env", args: []string{"positions", k, "--env", "paper"}, wantErr: "--env"},
		{name: "funds bad market", args: []string{"funds", k, "--market", "EU"}, wantErr: "--market"},
		{name: "funds market unknown", args: []string{"funds", k, "--market", "UNKNOWN"}, wantErr: "--market"},
		{name: "orders argument", args: []string{"orders", k, "1001"}, wantErr: "unexpected argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(tt.args, testEnv(tt.env))
			if tt.wantErr != "" {
				var ue usageError
				if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want usage error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

// Bad flags exit 2 without dialling anything (the address is unroutable on purpose).
func TestRunBadFlagsExit2(t *testing.T) {
	env := testEnv(nil)
	code := Run(context.Background(), []string{"gen-key", "--key", goodKey, "--auth-addr", "192.0.2.1:1", "--scopes", "bogus", "--expires", "1h"}, env)
	if code != ExitUsage {
		t.Fatalf("exit = %d", code)
	}
	if s := env.Stderr.(*bytes.Buffer).String(); !strings.Contains(s, "unknown scope") {
		t.Errorf("stderr = %q", s)
	}
	if code := Run(context.Background(), []string{"help"}, env); code != ExitOK {
		t.Errorf("help exit = %d", code)
	}
}

func TestPanelURL(t *testing.T) {
	if got := PanelURL("http://localhost:22222/", "fk_x"); got != "http://localhost:22222/#session=fk_x" {
		t.Errorf("PanelURL = %q", got)
	}
}
