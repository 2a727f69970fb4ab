// Package cli is futucli: minting, listing, showing and revoking API keys, asking who
// a key is, and opening a browser session, all over the AuthService gRPC API; and
// reading quotes, K-lines, orders, positions and funds, and watching quote and
// trade pushes, over the quote and order services' gRPC APIs with the same keys. Flags are checked locally with the keys
// package before any RPC, so a bad invocation changes nothing and exits with status 2.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/futugw/gateway/platform/grpclink"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/errinfo"
)

// Exit codes.
const (
	ExitOK    = 0
	ExitError = 1 // the call failed
	ExitUsage = 2 // bad command or flags; nothing was sent
)

// Env is the process environment the CLI runs in.
type Env struct {
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	ReadFile       func(string) ([]byte, error)
}

// OSEnv is the real environment.
func OSEnv() Env {
	return Env{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, ReadFile: os.ReadFile}
}

// usageError marks a mistake of the caller (exit 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// usage is the list of commands ("futucli help"). No line starts with blanks and a
// dash: the configuration doc's generator reads such lines of "futucli -h" as flags,
// and futucli's flags are per command ("futucli help CMD").
var usage = func() string {
	var b strings.Builder
	b.WriteString("usage: futucli <command> [flags]\n\ncommands:\n")
	for _, sc := range subcommands {
		fmt.Fprintf(&b, "  %-11s %s\n", sc.name, sc.summary)
	}
	b.WriteString("\n\"futucli help <command>\" or \"futucli <command> --help\" prints a command's usage and flags.\n" +
		"Every command takes --key (env FUTUGW_KEY) or --key-file (env FUTUGW_KEY_FILE), --json and\n" +
		"--timeout, and the address of the service it calls: the key commands --auth-addr\n" +
		"(env FUTUGW_AUTH_ADDR, default " + DefaultAuthAddr + "), quote, kline and watch --quote-addr\n" +
		"(env FUTUGW_QUOTE_ADDR, default " + DefaultQuoteAddr + "), orders, positions, funds and trades\n" +
		"--order-addr (env FUTUGW_ORDER_ADDR, default " + DefaultOrderAddr + "). watch and trades\n" +
		"run until --count pushes, --for or an interrupt; --timeout does not bound them.\n")
	return b.String()
}()

// Run executes one futucli invocation and returns its exit code.
func Run(ctx context.Context, args []string, env Env) int {
	cmd, err := Parse(args, env)
	if err != nil {
		fmt.Fprintf(env.Stderr, "futucli: %s\n", err)
		var ue usageError
		if !errors.As(err, &ue) {
			return ExitError
		}
		if strings.HasPrefix(ue.msg, "usage") || strings.HasPrefix(ue.msg, "unknown command") {
			fmt.Fprint(env.Stderr, usage)
		}
		return ExitUsage
	}
	if cmd.Help != "" {
		fmt.Fprint(env.Stdout, cmd.Help)
		return ExitOK
	}
	deadline := cmd.Common.Timeout
	if streams(cmd.Name) {
		deadline = cmd.Watch.For
	}
	if deadline > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, deadline)
		defer cancel()
	}
	cc, err := grpc.NewClient(cmd.addr(), grpclink.DialOptions()...)
	if err != nil {
		fmt.Fprintf(env.Stderr, "futucli: %s\n", err)
		return ExitUsage
	}
	defer cc.Close()
	ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+cmd.Common.Key)
	if streams(cmd.Name) {
		if err := cmd.stream(ctx, cc, env.Stdout); err != nil {
			fmt.Fprintf(env.Stderr, "futucli: %s\n", describe(err))
			return ExitError
		}
		return ExitOK
	}
	var out output
	if serviceOf(cmd.Name) == serviceAuth {
		out, err = cmd.call(ctx, gatewayv1.NewAuthServiceClient(cc))
	} else {
		out, err = cmd.read(ctx, cc)
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "futucli: %s\n", describe(err))
		return ExitError
	}
	if cmd.Common.JSON {
		b, err := jsonOf(out)
		if err != nil {
			fmt.Fprintf(env.Stderr, "futucli: %s\n", err)
			return ExitError
		}
		fmt.Fprintln(env.Stdout, string(b))
	} else {
		fmt.Fprint(env.Stdout, out.text)
	}
	return ExitOK
}

// output is a command's result: a message (or a document of messages) for --json
// and text for people.
type output struct {
	msg   proto.Message
	doc   any               // the JSON form when it is not one message (json.Marshal)
	extra map[string]string // fields added to the JSON form (session's panel_url)
	text  string
}

// jsonOf renders o.msg with proto field names, plus o.extra; or o.doc.
func jsonOf(o output) ([]byte, error) {
	if o.doc != nil {
		return json.Marshal(o.doc)
	}
	b, err := protoJSON.Marshal(o.msg)
	if err != nil || len(o.extra) == 0 {
		return b, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	for k, v := range o.extra {
		m[k] = v
	}
	return json.Marshal(m)
}

// protoJSON renders messages with the field names of the REST API.
var protoJSON = protojson.MarshalOptions{UseProtoNames: true}

// describe renders a gRPC error with its stable reason.
func describe(err error) string {
	st := status.Convert(err)
	s := st.Code().String() + ": " + st.Message()
	if r := errinfo.ReasonCode(err); r != "" {
		s += " (reason " + r + ")"
	}
	return s
}

// defaultTimeout bounds one invocation.
const defaultTimeout = 10 * time.Second
