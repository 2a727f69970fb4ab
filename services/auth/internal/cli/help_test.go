package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// run calls Run in an environment without any key (help needs none) and unroutable
// service addresses, so anything that dials would fail.
func run(args ...string) (code int, stdout, stderr string) {
	env := testEnv(map[string]string{"FUTUGW_AUTH_ADDR": "192.0.2.1:1", "FUTUGW_QUOTE_ADDR": "192.0.2.1:2",
		"FUTUGW_ORDER_ADDR": "192.0.2.1:3"})
	code = Run(context.Background(), args, env)
	return code, env.Stdout.(*bytes.Buffer).String(), env.Stderr.(*bytes.Buffer).String()
}

var common = []string{"--key string", "--key-file string", "--json", "--timeout duration"}

// The address flags: each command takes the one of the service it calls, with the
// environment's value as its default.
var (
	authAddr  = []string{"--auth-addr string", `(default "192.0.2.1:1")`, "FUTUGW_AUTH_ADDR"}
	quoteAddr = []string{"--quote-addr string", `(default "192.0.2.1:2")`, "FUTUGW_QUOTE_ADDR"}
	orderAddr = []string{"--order-addr string", `(default "192.0.2.1:3")`, "FUTUGW_ORDER_ADDR"}
)

// Every subcommand answers --help, -h, -help and "futucli help CMD" with its usage
// line and its own flags with their defaults, on stdout, exit 0.
func TestSubcommandHelp(t *testing.T) {
	limits := []string{"--allowed-markets", "--allowed-symbols", "--allowed-trd-sides", "--allowed-acc-ids",
		"--max-order-value", "--max-daily-value", "--max-orders-per-minute", "--hours-window"}
	tests := []struct {
		cmd      string
		usage    string   // the usage line
		flags    []string // its own flags
		defaults []string // "(default ...)" texts that must appear
		absent   []string // flags of other commands
		addr     []string // the address flag, its default and its env
	}{
		{cmd: "gen-key", usage: "usage: futucli gen-key --scopes LIST --expires DURATION|never [flags]",
			flags:  append([]string{"--id string", "--scopes string", "--expires string", "--note string", "--allow-long-lived-real"}, limits...),
			absent: []string{"--panel-url"}},
		{cmd: "session", usage: "usage: futucli session [flags]",
			flags:    append([]string{"--scopes string", "--expires string", "--panel-url string"}, limits...),
			defaults: []string{`(default "` + DefaultPanelURL + `")`},
			absent:   []string{"--id", "--note", "--allow-long-lived-real"}},
		{cmd: "list-keys", usage: "usage: futucli list-keys [flags]", absent: []string{"--scopes", "--expires", "--id"}},
		{cmd: "show-key", usage: "usage: futucli show-key ID [flags]", absent: []string{"--scopes", "--expires"}},
		{cmd: "revoke-key", usage: "usage: futucli revoke-key ID [flags]", absent: []string{"--scopes", "--expires"}},
		{cmd: "whoami", usage: "usage: futucli whoami [flags]", absent: []string{"--scopes", "--expires"}},
		{cmd: "quote", usage: "usage: futucli quote SECURITY... [flags]", addr: quoteAddr,
			absent: []string{"--auth-addr", "--order-addr", "--period", "--acc-id"}},
		{cmd: "kline", usage: "usage: futucli kline SECURITY [flags]", addr: quoteAddr,
			flags:    []string{"--period string", "--count int", "--rehab string", "day|week|month|1m|5m|15m|30m|60m", "forward|backward|none"},
			defaults: []string{`(default "day")`, "(default 20)", `(default "forward")`},
			absent:   []string{"--auth-addr", "--order-addr", "--acc-id"}},
		{cmd: "orders", usage: "usage: futucli orders [flags]", addr: orderAddr,
			flags:  []string{"--acc-id string", "--env string", "--market string"},
			absent: []string{"--auth-addr", "--quote-addr", "--period"}},
		{cmd: "positions", usage: "usage: futucli positions [flags]", addr: orderAddr,
			flags:  []string{"--acc-id string", "--env string", "--market string"},
			absent: []string{"--auth-addr", "--quote-addr", "--period"}},
		{cmd: "funds", usage: "usage: futucli funds [flags]", addr: orderAddr,
			flags:  []string{"--acc-id string", "--env string", "--market string"},
			absent: []string{"--auth-addr", "--quote-addr", "--period"}},
		{cmd: "watch", usage: "usage: futucli watch SECURITY... [flags]", addr: quoteAddr,
			flags:    []string{"--sub string", "--count int", "--for duration"},
			defaults: []string{`(default "basic")`},
			absent:   []string{"--auth-addr", "--order-addr", "--period", "--acc-id"}},
		{cmd: "trades", usage: "usage: futucli trades [flags]", addr: orderAddr,
			flags:  []string{"--acc-id string", "--count int", "--for duration"},
			absent: []string{"--auth-addr", "--quote-addr", "--period", "--sub"}},
	}
	if len(tests) != len(subcommands) {
		t.Fatalf("%d commands tested, %d exist", len(tests), len(subcommands))
	}
	for _, tt := range tests {
		if tt.addr == nil {
			tt.addr = authAddr
			tt.absent = append(tt.absent, "--quote-addr", "--order-addr")
		}
		for _, args := range [][]string{
			{tt.cmd, "--help"}, {tt.cmd, "-h"}, {tt.cmd, "-help"}, {"help", tt.cmd}, {"--help", tt.cmd},
			{tt.cmd, "--json", "--help"}, // help wins over flags already read
		} {
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				code, out, errOut := run(args...)
				if code != ExitOK || errOut != "" {
					t.Fatalf("exit %d, stderr %q", code, errOut)
				}
				if !strings.HasPrefix(out, tt.usage+"\n") {
					t.Errorf("help does not start with %q:\n%s", tt.usage, out)
				}
				if strings.Contains(out, "help requested") {
					t.Errorf("flag package's message leaked:\n%s", out)
				}
				want := append(append(append([]string{}, tt.flags...), common...), tt.defaults...)
				want = append(append(want, tt.addr...), "(default 10s)")
				for _, w := range want {
					if !strings.Contains(out, w) {
						t.Errorf("help lacks %q:\n%s", w, out)
					}
				}
				for _, a := range tt.absent {
					if strings.Contains(out, a+" ") || strings.Contains(out, a+"\n") {
						t.Errorf("help names %s, not a flag of %s:\n%s", a, tt.cmd, out)
					}
				}
				if len(tt.flags) == 0 && strings.Contains(out, "\nflags:") {
					t.Errorf("a flags section without flags:\n%s", out)
				}
			})
		}
	}
}

// Help wins over everything else on the line: a bad flag value before it, or the id
// of show-key and revoke-key before it.
func TestHelpAfterOtherArgs(t *testing.T) {
	for _, args := range [][]string{
		{"gen-key", "--scopes", "bogus", "--help"},
		{"show-key", "bot1", "--help"},
		{"revoke-key", "bot1", "-h"},
		{"quote", "HK.00700", "--help"},
		{"kline", "HK.00700", "--period", "year", "-h"},
		{"orders", "--acc-id", "x", "--help"},
	} {
		code, out, errOut := run(args...)
		if code != ExitOK || errOut != "" || !strings.HasPrefix(out, "usage: futucli "+args[0]+" ") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
}

// futucli help, --help and -h list every command; a help about an unknown command
// is a usage error.
func TestTopLevelHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}, {"-help"}} {
		code, out, errOut := run(args...)
		if code != ExitOK || errOut != "" {
			t.Fatalf("%v: exit %d, stderr %q", args, code, errOut)
		}
		for _, sc := range subcommands {
			if !strings.Contains(out, "\n  "+sc.name+" ") {
				t.Errorf("%v does not list %s:\n%s", args, sc.name, out)
			}
		}
		if !strings.Contains(out, "futucli help <command>") {
			t.Errorf("%v does not say how to get a command's flags:\n%s", args, out)
		}
		for _, w := range []string{"FUTUGW_AUTH_ADDR", "FUTUGW_QUOTE_ADDR", "FUTUGW_ORDER_ADDR", DefaultQuoteAddr, DefaultOrderAddr} {
			if !strings.Contains(out, w) {
				t.Errorf("%v does not name %s:\n%s", args, w, out)
			}
		}
		// docs/configuration.md's generator reads "  -name" lines of `futucli -h` as
		// flags; futucli's flags are per command.
		for _, line := range strings.Split(out, "\n") {
			if strings.HasPrefix(strings.TrimLeft(line, " \t"), "-") && strings.TrimLeft(line, " \t") != line {
				t.Errorf("line %q looks like a flag to the configuration doc's generator", line)
			}
		}
	}
	for _, args := range [][]string{{"help", "mint"}, {"help", "gen-key", "extra"}} {
		code, out, errOut := run(args...)
		if code != ExitUsage || out != "" || errOut == "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
}

// gen-key without --expires exits 2 with the two ways to choose, and dials nothing.
func TestRunGenKeyWithoutExpires(t *testing.T) {
	code, out, errOut := run("gen-key", "--key", goodKey, "--scopes", "qot:read")
	if code != ExitUsage || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	for _, w := range []string{"--expires is required", "--expires 30m", "--expires never"} {
		if !strings.Contains(errOut, w) {
			t.Errorf("stderr %q lacks %q", errOut, w)
		}
	}
}
