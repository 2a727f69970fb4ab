package cli

import (
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoregistry"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/opend/protoid"

	// The pushes watch and trades decode, found by name in the registry.
	_ "github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatebasicqot"
	_ "github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatebroker"
	_ "github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatekl"
	_ "github.com/futugw/gateway/api/gen/go/futu/opend/qotupdateorderbook"
	_ "github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatepricereminder"
	_ "github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatert"
	_ "github.com/futugw/gateway/api/gen/go/futu/opend/qotupdateticker"
	_ "github.com/futugw/gateway/api/gen/go/futu/opend/trdupdateorder"
	_ "github.com/futugw/gateway/api/gen/go/futu/opend/trdupdateorderfill"
)

// watchArgs are the arguments of the streaming commands, watch and trades.
type watchArgs struct {
	SubTypes []int32       // watch: Qot_Common.SubType of every security
	AccIDs   []uint64      // trades: narrow to these accounts
	Count    int           // stop after this many pushes; 0 = no limit
	For      time.Duration // stop after this long; 0 = until interrupted
}

// streams reports whether name is a streaming command: its deadline is --for, not
// --timeout.
func streams(name string) bool { return name == "watch" || name == "trades" }

// subTypeNames maps watch's --sub values to Qot_Common.SubType: the official names
// without "SubType_", in lower case (basic, orderbook, ticker, rt, broker, kl_day,
// kl_1min, ...).
var subTypeNames = func() map[string]int32 {
	m := map[string]int32{}
	for name, v := range qotcommon.SubType_value {
		if v > 0 {
			m[strings.ToLower(strings.TrimPrefix(name, "SubType_"))] = v
		}
	}
	return m
}()

func watchFlags(fs *flag.FlagSet, c *Command) func() error {
	var sub string
	fs.StringVar(&sub, "sub", "basic", "what to receive, comma-separated: basic, orderbook, ticker, rt, broker, kl_day, kl_1min, kl_5min, ...")
	streamFlags(fs, c)
	return func() error {
		if len(c.Read.symbols) == 0 {
			return usagef("usage: futucli watch SECURITY... [--sub basic,ticker] (e.g. futucli watch HK.00700)")
		}
		if len(c.Read.symbols) > maxQuoteSecurities {
			return usagef("watch: at most %d securities at once", maxQuoteSecurities)
		}
		for _, name := range strings.Split(sub, ",") {
			v, ok := subTypeNames[strings.ToLower(strings.TrimSpace(name))]
			if !ok {
				return usagef("watch: --sub %q: unknown (want basic, orderbook, ticker, rt, broker or kl_day, kl_1min, ...)", name)
			}
			c.Watch.SubTypes = append(c.Watch.SubTypes, v)
		}
		return c.Read.parseSecurities()
	}
}

func tradesFlags(fs *flag.FlagSet, c *Command) func() error {
	var accs string
	fs.StringVar(&accs, "acc-id", "", "only these accounts, comma-separated (default: every account the key sees)")
	streamFlags(fs, c)
	return func() error {
		for _, a := range strings.Split(accs, ",") {
			if a = strings.TrimSpace(a); a == "" {
				continue
			}
			id, err := strconv.ParseUint(a, 10, 64)
			if err != nil || id == 0 {
				return usagef("trades: --acc-id %q is not an account id (a positive number)", a)
			}
			c.Watch.AccIDs = append(c.Watch.AccIDs, id)
		}
		return nil
	}
}

func streamFlags(fs *flag.FlagSet, c *Command) {
	fs.IntVar(&c.Watch.Count, "count", 0, "stop after this many pushes (default: no limit)")
	fs.DurationVar(&c.Watch.For, "for", 0, "stop after this long, e.g. 30s (default: until interrupted)")
}

// stream runs watch or trades.
func (c *Command) stream(ctx context.Context, cc grpc.ClientConnInterface, out io.Writer) error {
	if c.Name == "trades" {
		return c.trades(ctx, cc, out)
	}
	return c.watch(ctx, cc, out)
}

// watch subscribes the key's session to the securities and prints the quote
// pushes of its own stream (QuoteService.WatchQuotes), one line each, until
// --count, --for or an interrupt. The subscriptions stay with the session.
func (c *Command) watch(ctx context.Context, cc grpc.ClientConnInterface, out io.Writer) error {
	qc := gatewayv1.NewQuoteServiceClient(cc)
	if _, err := qc.Subscribe(ctx, &gatewayv1.SubscribeRequest{SecurityList: c.Read.Securities, SubTypeList: c.Watch.SubTypes}); err != nil {
		return err
	}
	st, err := qc.WatchQuotes(ctx, &gatewayv1.WatchQuotesRequest{})
	if err != nil {
		return err
	}
	return c.print(ctx, out, func() (pushLine, bool, error) {
		m, err := st.Recv()
		if err != nil || m.GetProtoId() == 0 {
			// Notifications and subscription changes are not pushes: skip them.
			return pushLine{}, false, err
		}
		return pushLine{ProtoID: m.GetProtoId(), SecKey: m.GetSecKey(), body: m.GetBody()}, true, nil
	})
}

// trades prints the order and fill pushes of the key's accounts
// (OrderService.WatchTrades).
func (c *Command) trades(ctx context.Context, cc grpc.ClientConnInterface, out io.Writer) error {
	st, err := gatewayv1.NewOrderServiceClient(cc).WatchTrades(ctx, &gatewayv1.WatchTradesRequest{AccIds: c.Watch.AccIDs})
	if err != nil {
		return err
	}
	return c.print(ctx, out, func() (pushLine, bool, error) {
		m, err := st.Recv()
		if err != nil {
			return pushLine{}, false, err
		}
		return pushLine{ProtoID: m.GetProtoId(), AccID: strconv.FormatUint(m.GetAccId(), 10), body: m.GetBody()}, true, nil
	})
}

// pushLine is one printed push: its OpenD body decoded to s2c.
type pushLine struct {
	ProtoID uint32          `json:"proto_id"`
	Name    string          `json:"name"`
	SecKey  string          `json:"sec_key,omitempty"`
	AccID   string          `json:"acc_id,omitempty"`
	S2C     json.RawMessage `json:"s2c"`
	body    []byte
}

// print writes the lines next returns (skipping those it marks false) until
// --count is reached or the stream ends; the end of --for or an interrupt is a
// normal end.
func (c *Command) print(ctx context.Context, out io.Writer, next func() (pushLine, bool, error)) error {
	for n := 0; c.Watch.Count == 0 || n < c.Watch.Count; {
		l, ok, err := next()
		if err != nil {
			if ctx.Err() != nil || status.Code(err) == codes.Canceled || status.Code(err) == codes.DeadlineExceeded && c.Watch.For > 0 {
				return nil
			}
			return err
		}
		if !ok {
			continue
		}
		if err := decodePush(&l); err != nil {
			return err
		}
		if c.Common.JSON {
			b, err := json.Marshal(l)
			if err != nil {
				return err
			}
			fmt.Fprintln(out, string(b))
		} else {
			fmt.Fprintf(out, "%s %s %s %s\n", time.Now().Format(time.TimeOnly), cmp.Or(l.SecKey, l.AccID), l.Name, l.S2C)
		}
		n++
	}
	return nil
}

// decodePush names l's protocol and decodes its body's s2c with the official
// definitions.
func decodePush(l *pushLine) error {
	p, ok := protoid.Lookup(l.ProtoID)
	if !ok {
		return fmt.Errorf("push of unknown protocol %d", l.ProtoID)
	}
	l.Name = p.Name
	mt, err := protoregistry.GlobalTypes.FindMessageByName(protoid.MessageName(p.Response))
	if err != nil {
		return fmt.Errorf("%s: %w", p.Name, err)
	}
	m := mt.New()
	if err := proto.Unmarshal(l.body, m.Interface()); err != nil {
		return fmt.Errorf("%s: %w", p.Name, err)
	}
	s2c := m.Get(m.Descriptor().Fields().ByName("s2c")).Message().Interface()
	b, err := protoJSON.Marshal(s2c)
	if err != nil {
		return err
	}
	l.S2C = b
	return nil
}
