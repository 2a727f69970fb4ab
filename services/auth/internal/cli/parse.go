package cli

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/keypolicy"
	"github.com/futugw/gateway/platform/secret"
	"github.com/futugw/gateway/services/auth/internal/convert"
	"github.com/futugw/gateway/services/auth/internal/keys"
)

// Common are the flags every command takes. A command dials one service: the key
// commands auth, quote and kline the quote service, the account commands the order
// service; each registers that service's address flag alone.
type Common struct {
	AuthAddr  string
	QuoteAddr string
	OrderAddr string
	Key       string
	JSON      bool
	Timeout   time.Duration
}

// addr is the address of the service the command calls.
func (c *Command) addr() string {
	switch serviceOf(c.Name) {
	case serviceQuote:
		return c.Common.QuoteAddr
	case serviceOrder:
		return c.Common.OrderAddr
	}
	return c.Common.AuthAddr
}

// Command is a parsed invocation, ready to send, or a help text to print.
type Command struct {
	Name     string
	Help     string // set when help was asked for: print it and send nothing
	Common   Common
	Issue    *gatewayv1.IssueKeyRequest      // gen-key
	Session  *gatewayv1.CreateSessionRequest // session
	ID       string                          // show-key, revoke-key
	PanelURL string                          // session
	Read     readArgs                        // quote, kline, orders, positions, funds, watch
	Watch    watchArgs                       // watch, trades
}

// DefaultPanelURL is where `futucli session` points the browser.
const DefaultPanelURL = "http://localhost:22222"

// ExpiresNever is the --expires value of gen-key for a key that never expires (the
// API's empty expires_in): such a key must be asked for by name.
const ExpiresNever = "never"

// The services a command may call.
const (
	serviceAuth  = "auth"
	serviceQuote = "quote"
	serviceOrder = "order"
)

// subcommand is one futucli command as its help describes it, and the service it
// calls.
type subcommand struct {
	name, args, summary string
	service             string
}

func serviceOf(name string) string {
	for _, sc := range subcommands {
		if sc.name == name {
			return sc.service
		}
	}
	return serviceAuth
}

// subcommands lists every command in the order help shows them.
var subcommands = []subcommand{
	{"gen-key", "--scopes LIST --expires DURATION|never [flags]", "mint a key (admin); --expires is required: e.g. 30m, 8h, or never", serviceAuth},
	{"list-keys", "[flags]", "list keys (admin)", serviceAuth},
	{"show-key", "ID [flags]", "show one key (admin)", serviceAuth},
	{"revoke-key", "ID [flags]", "revoke a key and its sessions (admin)", serviceAuth},
	{"whoami", "[flags]", "describe the key in use", serviceAuth},
	{"session", "[flags]", "mint a 30-minute session key and print a panel URL", serviceAuth},
	{"quote", "SECURITY... [flags]", "current basic quotes, e.g. quote HK.00700 US.AAPL (qot:read)", serviceQuote},
	{"kline", "SECURITY [flags]", "the newest K-line bars from history, e.g. kline HK.00700 --period day --count 20 (qot:read)", serviceQuote},
	{"orders", "[flags]", "today's orders of every account the key sees, or of --acc-id (acc:read)", serviceOrder},
	{"positions", "[flags]", "positions of every account the key sees, or of --acc-id (acc:read)", serviceOrder},
	{"funds", "[flags]", "funds of every account the key sees, or of --acc-id (acc:read)", serviceOrder},
	{"watch", "SECURITY... [flags]", "subscribe the key's session and print its quote pushes, e.g. watch HK.00700 --sub basic,ticker (qot:read)", serviceQuote},
	{"trades", "[flags]", "print the order and fill pushes of the accounts the key sees (acc:read)", serviceOrder},
}

// Parse reads args (without the program name). It returns a Command with Help set
// when help was asked for ("help", "help CMD", "CMD -h", "CMD --help"), and a usage
// error for anything wrong, including limits that the keys policy refuses.
func Parse(args []string, env Env) (*Command, error) {
	if len(args) == 0 {
		return nil, usagef("usage: a command is required")
	}
	name, args := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		switch len(args) {
		case 0:
			return &Command{Name: "help", Help: usage}, nil
		case 1:
			fs, _, err := newFlagSet(args[0], env, &Command{Name: args[0]}, new(string), new(string))
			if err != nil {
				return nil, err
			}
			return &Command{Name: "help", Help: commandHelp(fs)}, nil
		}
		return nil, usagef("usage: futucli help [command]")
	}
	c := &Command{Name: name}
	var keyFlag, keyFile string
	fs, build, err := newFlagSet(name, env, c, &keyFlag, &keyFile)
	if err != nil {
		return nil, err
	}
	if err := parseFlags(fs, args, c); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return &Command{Name: name, Help: commandHelp(fs)}, nil
		}
		return nil, err
	}
	if err := build(); err != nil {
		return nil, err
	}
	key, err := resolveKey(keyFlag, keyFile, env)
	if err != nil {
		return nil, err
	}
	c.Common.Key = key
	if c.Common.Timeout <= 0 {
		return nil, usagef("--timeout must be positive")
	}
	return c, nil
}

// commonFlags are the flags every command registers first (each command one of the
// three addresses).
var commonFlags = map[string]bool{"auth-addr": true, "quote-addr": true, "order-addr": true,
	"key": true, "key-file": true, "json": true, "timeout": true}

// The addresses make run's services listen on for tools.
const (
	DefaultAuthAddr  = "127.0.0.1:50051"
	DefaultQuoteAddr = "127.0.0.1:50052"
	DefaultOrderAddr = "127.0.0.1:50053"
)

// newFlagSet registers the common flags and those of command name, and returns the
// function that checks them once parsed.
func newFlagSet(name string, env Env, c *Command, keyFlag, keyFile *string) (*flag.FlagSet, func() error, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	switch serviceOf(name) {
	case serviceQuote:
		fs.StringVar(&c.Common.QuoteAddr, "quote-addr", envOr(env, "FUTUGW_QUOTE_ADDR", DefaultQuoteAddr), "quote service address, host:port or unix:PATH (env FUTUGW_QUOTE_ADDR)")
	case serviceOrder:
		fs.StringVar(&c.Common.OrderAddr, "order-addr", envOr(env, "FUTUGW_ORDER_ADDR", DefaultOrderAddr), "order service address, host:port or unix:PATH (env FUTUGW_ORDER_ADDR)")
	default:
		fs.StringVar(&c.Common.AuthAddr, "auth-addr", envOr(env, "FUTUGW_AUTH_ADDR", DefaultAuthAddr), "auth service address, host:port or unix:PATH (env FUTUGW_AUTH_ADDR)")
	}
	fs.StringVar(keyFlag, "key", "", "API key (env FUTUGW_KEY)")
	fs.StringVar(keyFile, "key-file", "", "file holding the API key (env FUTUGW_KEY_FILE)")
	fs.BoolVar(&c.Common.JSON, "json", false, "print JSON")
	fs.DurationVar(&c.Common.Timeout, "timeout", defaultTimeout, "deadline of the call")

	var build func() error
	switch name {
	case "gen-key":
		build = genKeyFlags(fs, c)
	case "session":
		build = sessionFlags(fs, c)
	case "list-keys", "whoami":
		build = func() error { return nil }
	case "quote":
		build = quoteFlags(c)
	case "kline":
		build = klineFlags(fs, c)
	case "orders", "positions", "funds":
		build = accountFlags(fs, c)
	case "watch":
		build = watchFlags(fs, c)
	case "trades":
		build = tradesFlags(fs, c)
	case "show-key", "revoke-key":
		build = func() error {
			if err := keys.CheckID(c.ID); err != nil {
				return usagef("%s: %v", name, err)
			}
			return nil
		}
	default:
		return nil, nil, usagef("unknown command %q", name)
	}
	return fs, build, nil
}

// commandHelp is the help of the command fs belongs to: its usage line, what it
// does, its own flags and then the common ones, each with its default.
func commandHelp(fs *flag.FlagSet) string {
	var b strings.Builder
	for _, sc := range subcommands {
		if sc.name == fs.Name() {
			fmt.Fprintf(&b, "usage: futucli %s %s\n\n%s\n", sc.name, sc.args, sc.summary)
		}
	}
	var own, common strings.Builder
	fs.VisitAll(func(f *flag.Flag) {
		w := &own
		if commonFlags[f.Name] {
			w = &common
		}
		typ, text := flag.UnquoteUsage(f)
		fmt.Fprintf(w, "  --%s", f.Name)
		if typ != "" {
			fmt.Fprintf(w, " %s", typ)
		}
		fmt.Fprintf(w, "\n        %s", text)
		if d := f.DefValue; d != "" && d != "false" {
			if typ == "string" {
				d = strconv.Quote(d)
			}
			fmt.Fprintf(w, " (default %s)", d)
		}
		w.WriteString("\n")
	})
	if own.Len() > 0 {
		fmt.Fprintf(&b, "\nflags:\n%s", own.String())
	}
	fmt.Fprintf(&b, "\ncommon flags:\n%s", common.String())
	return b.String()
}

// parseFlags allows the id argument of show-key/revoke-key, and the securities of
// quote and kline, before, between or after flags.
func parseFlags(fs *flag.FlagSet, args []string, c *Command) error {
	if err := fs.Parse(args); err != nil {
		return flagError(fs, err)
	}
	rest := fs.Args()
	if fs.Name() == "quote" || fs.Name() == "kline" || fs.Name() == "watch" {
		for len(rest) > 0 {
			c.Read.symbols = append(c.Read.symbols, rest[0])
			if err := fs.Parse(rest[1:]); err != nil {
				return flagError(fs, err)
			}
			rest = fs.Args()
		}
		return nil
	}
	wantsID := fs.Name() == "show-key" || fs.Name() == "revoke-key"
	if wantsID {
		if len(rest) == 0 {
			return usagef("usage: futucli %s ID", fs.Name())
		}
		c.ID = rest[0]
		if err := fs.Parse(rest[1:]); err != nil {
			return flagError(fs, err)
		}
		rest = fs.Args()
	}
	if len(rest) > 0 {
		return usagef("%s: unexpected argument %q", fs.Name(), rest[0])
	}
	return nil
}

// flagError keeps flag.ErrHelp (help was asked for) and makes anything else a usage
// error.
func flagError(fs *flag.FlagSet, err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	return usagef("%s: %v", fs.Name(), err)
}

func resolveKey(keyFlag, keyFile string, env Env) (string, error) {
	key := keyFlag
	if key == "" && keyFile == "" {
		key = env.Getenv("FUTUGW_KEY")
		keyFile = env.Getenv("FUTUGW_KEY_FILE")
	}
	if key == "" && keyFile != "" {
		b, err := env.ReadFile(keyFile)
		if err != nil {
			return "", usagef("reading the key file: %v", err)
		}
		if key, err = secret.Parse(b); err != nil {
			return "", usagef("the key file %s: %v", keyFile, err)
		}
	}
	if key == "" {
		return "", usagef("no API key: pass --key or --key-file, or set FUTUGW_KEY or FUTUGW_KEY_FILE")
	}
	if !keys.WellFormed(key) {
		return "", usagef("the API key is malformed: expected fk_ followed by 43 base64url characters")
	}
	return key, nil
}

func envOr(env Env, name, def string) string { return cmp.Or(env.Getenv(name), def) }

// limitFlags are the limit flags shared by gen-key and session.
type limitFlags struct {
	markets, symbols, sides, accs, orderValue, dailyValue, perMinute, hours string
}

func (l *limitFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&l.markets, "allowed-markets", "", "comma-separated markets: HK,US,CN,HKCC,SG,JP,AU,MY,CA")
	fs.StringVar(&l.symbols, "allowed-symbols", "", "comma-separated symbols, e.g. HK.00700,US.AAPL")
	fs.StringVar(&l.sides, "allowed-trd-sides", "", "comma-separated sides: BUY,SELL,SELL_SHORT,BUY_BACK")
	fs.StringVar(&l.accs, "allowed-acc-ids", "", "comma-separated account ids")
	fs.StringVar(&l.orderValue, "max-order-value", "", "max qty x price per order")
	fs.StringVar(&l.dailyValue, "max-daily-value", "", "max traded value per UTC day")
	fs.StringVar(&l.perMinute, "max-orders-per-minute", "", "max orders in any 60 s (1..10000)")
	fs.StringVar(&l.hours, "hours-window", "", "HH:MM-HH:MM trading window (may cross midnight)")
}

func (l *limitFlags) limits() (keys.Limits, error) {
	out := keys.Limits{Markets: splitList(l.markets), Symbols: splitList(l.symbols),
		TrdSides: splitList(l.sides), AccIDs: splitList(l.accs), HoursWindow: l.hours}
	var err error
	if out.MaxOrderValue, err = parseFloat("--max-order-value", l.orderValue); err != nil {
		return out, err
	}
	if out.MaxDailyValue, err = parseFloat("--max-daily-value", l.dailyValue); err != nil {
		return out, err
	}
	if l.perMinute != "" {
		n, err := strconv.ParseInt(l.perMinute, 10, 32)
		if err != nil {
			return out, usagef("--max-orders-per-minute: %q is not an integer", l.perMinute)
		}
		v := int32(n)
		out.MaxOrdersPerMinute = &v
	}
	return out, nil
}

func parseFloat(name, s string) (*float64, error) {
	if s == "" {
		return nil, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return nil, usagef("%s: %q is not a number", name, s)
	}
	return &v, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func genKeyFlags(fs *flag.FlagSet, c *Command) func() error {
	var id, scopes, expires, note string
	var longLived bool
	var lf limitFlags
	fs.StringVar(&id, "id", "", "key id (generated when empty)")
	fs.StringVar(&scopes, "scopes", "", "comma-separated: "+strings.Join(keypolicy.Scopes(), ","))
	fs.StringVar(&expires, "expires", "", "required: the key's lifetime, e.g. 30m, 8h, 720h, or never (trade:real keys at most 24h without --allow-long-lived-real)")
	fs.StringVar(&note, "note", "", "free text shown in list-keys")
	fs.BoolVar(&longLived, "allow-long-lived-real", false, "allow a trade:real key beyond 24h (audited)")
	lf.register(fs)
	return func() error {
		var ttl time.Duration
		switch expires {
		case "":
			return usagef("gen-key: --expires is required: give the key a lifetime such as --expires 30m, "+
				"or ask for a key that never expires with --expires %s", ExpiresNever)
		case ExpiresNever:
			expires = "" // the API's "no expiry"
		default:
			d, err := time.ParseDuration(expires)
			if err != nil || d <= 0 {
				return usagef("--expires: %q is neither a positive duration (e.g. 30m, 8h) nor %s", expires, ExpiresNever)
			}
			ttl = d
		}
		lim, err := lf.limits()
		if err != nil {
			return err
		}
		spec := keys.IssueSpec{ID: id, Scopes: splitList(scopes), Limits: lim, ExpiresIn: ttl, Note: note, AllowLongLivedReal: longLived}
		if err := keys.DefaultPolicy().CheckIssue(spec); err != nil {
			return usagef("gen-key: %s", flagNames(err.Error()))
		}
		c.Issue = &gatewayv1.IssueKeyRequest{Id: id, Scopes: spec.Scopes, Limits: convert.LimitsToProto(lim),
			ExpiresIn: expires, Note: note, AllowLongLivedReal: longLived}
		return nil
	}
}

func sessionFlags(fs *flag.FlagSet, c *Command) func() error {
	var scopes, expires string
	var lf limitFlags
	fs.StringVar(&scopes, "scopes", "", "narrower scopes than the key's (default: the key's)")
	fs.StringVar(&expires, "expires", "", "session lifetime, at most 30m (default 30m)")
	fs.StringVar(&c.PanelURL, "panel-url", DefaultPanelURL, "the web panel's base URL")
	lf.register(fs)
	return func() error {
		ttl, err := parseExpires(expires)
		if err != nil {
			return err
		}
		if ttl > keys.DefaultPolicy().SessionTTL {
			return usagef("--expires: a session lives at most %v", keys.DefaultPolicy().SessionTTL)
		}
		lim, err := lf.limits()
		if err != nil {
			return err
		}
		sc := splitList(scopes)
		for _, s := range sc {
			if !keypolicy.KnownScope(s) {
				return usagef("--scopes: unknown scope %q", s)
			}
		}
		if err := lim.Check("limits"); err != nil {
			return usagef("session: %s", flagNames(err.Error()))
		}
		c.Session = &gatewayv1.CreateSessionRequest{Scopes: sc, Limits: convert.LimitsToProto(lim), ExpiresIn: expires}
		return nil
	}
}

// parseExpires reads a positive Go duration; "" is 0 (the operation's default).
func parseExpires(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, usagef("--expires: %q is not a positive duration (e.g. 30m, 8h)", s)
	}
	return d, nil
}

// flagNames rewrites the domain's field names into the flags a user typed.
func flagNames(msg string) string {
	return strings.NewReplacer(
		"limits.allowed_markets", "--allowed-markets", "limits.allowed_symbols", "--allowed-symbols",
		"limits.allowed_trd_sides", "--allowed-trd-sides", "limits.allowed_acc_ids", "--allowed-acc-ids",
		"limits.max_order_value", "--max-order-value", "limits.max_daily_value", "--max-daily-value",
		"limits.max_orders_per_minute", "--max-orders-per-minute", "limits.hours_window", "--hours-window",
		"expires_in", "--expires", "scopes:", "--scopes:", "id:", "--id:", "note:", "--note:",
		"allow_long_lived_real", "--allow-long-lived-real",
	).Replace(msg)
}
