package app

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/platform/grpclink"
	"github.com/futugw/gateway/platform/testkit/proctest"
)

// TestWatchStreamsForTools opens the internal tools' push streams on the quote and
// order services with the tools' own keys (gRPC, no edge in between): each sees its
// own session's quotes and its own accounts' trades, nothing else; scopes and
// accounts are refused as for the WebSocket; revocation and expiry end a stream.
func TestWatchStreamsForTools(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs five binaries")
	}
	s := startTradeStack(t)
	const reader = `"qot:read","acc:read"`
	tool := s.issueWith(t, "tool", reader, `{"allowed_acc_ids":["1002"]}`)
	otherAcc := s.issueWith(t, "tool-1001", reader, `{"allowed_acc_ids":["1001"]}`)
	neighbour := s.issueWith(t, "neighbour", `"qot:read"`, "")
	trader := s.issueWith(t, "trader", `"trade:simulate","acc:read","qot:read"`, "")

	qcc := dial(t, s.quote)
	occ := dial(t, s.order)
	quotes := gatewayv1.NewQuoteServiceClient(qcc)
	trades := gatewayv1.NewOrderServiceClient(occ)

	// Quotes: the tool's session holds AAPL, a neighbour's holds MSFT.
	sub := func(key, code string) {
		t.Helper()
		_, err := quotes.Subscribe(as(t, key), &gatewayv1.SubscribeRequest{
			SecurityList: []*gatewayv1.Security{{Market: 11, Code: code}}, SubTypeList: []int32{1}})
		if err != nil {
			t.Fatalf("subscribe %s: %v", code, err)
		}
	}
	sub(tool, "AAPL")
	sub(neighbour, "MSFT")
	qs, err := quotes.WatchQuotes(as(t, tool), &gatewayv1.WatchQuotesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	basics := 0
	for basics < 5 {
		m, err := qs.Recv()
		if err != nil {
			t.Fatalf("watch quotes after %d basic quotes: %v", basics, err)
		}
		switch {
		case m.GetSessionSubs() != nil:
			if got := m.GetSessionSubs().GetSubscriptions(); len(got) != 1 || got[0].GetSecKey() != "US.AAPL" {
				t.Fatalf("session subscriptions: %v, want US.AAPL only", got)
			}
		case m.GetProtoId() == 3005:
			if m.GetSecKey() != "US.AAPL" {
				t.Fatalf("the tool received %s's quote, which only its neighbour subscribed to", m.GetSecKey())
			}
			basics++
		}
	}

	// Trades: an order on account 1002 reaches the tool allowed 1002, not the one
	// allowed 1001.
	mine, err := trades.WatchTrades(as(t, tool), &gatewayv1.WatchTradesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	notMine, err := trades.WatchTrades(as(t, otherAcc), &gatewayv1.WatchTradesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	// futucli trades is the same stream for a shell.
	cli := exec.CommandContext(t.Context(), proctest.Build(t, "../../../auth/cmd/futucli"), "trades",
		"--order-addr", s.order, "--count", "1", "--for", "30s", "--json")
	cli.Env = append(os.Environ(), "FUTUGW_KEY="+tool)
	var cliOut, cliErr strings.Builder
	cli.Stdout, cli.Stderr = &cliOut, &cliErr
	if err := cli.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second) // let the streams subscribe before the order
	cur := s.lastPrice(t, trader)
	if code, b := s.call(t, "POST", "/api/order", trader, usOrder("TRD_SIDE_BUY", "ORDER_TYPE_NORMAL", "1",
		`"price":`+cents(cur*0.8))); code != 200 {
		t.Fatalf("place: %d %v", code, b)
	}
	push, err := mine.Recv()
	if err != nil {
		t.Fatal(err)
	}
	if push.GetAccId() != 1002 || push.GetProtoId() != 2208 {
		t.Fatalf("tool's trade push: acc %d proto %d, want 1002's order update", push.GetAccId(), push.GetProtoId())
	}
	if err := cli.Wait(); err != nil {
		t.Fatalf("futucli trades: %v: %s", err, cliErr.String())
	}
	var line struct {
		Name  string         `json:"name"`
		AccID string         `json:"acc_id"`
		S2C   map[string]any `json:"s2c"`
	}
	if err := json.Unmarshal([]byte(cliOut.String()), &line); err != nil || line.Name != "Trd_UpdateOrder" ||
		line.AccID != "1002" || line.S2C["order"] == nil {
		t.Errorf("futucli trades --json: %q (%v), want account 1002's Trd_UpdateOrder", cliOut.String(), err)
	}
	leak := make(chan *gatewayv1.TradePush, 1)
	go func() {
		if p, err := notMine.Recv(); err == nil {
			leak <- p
		}
	}()
	select {
	case p := <-leak:
		t.Fatalf("a key allowed only 1001 received account %d's push", p.GetAccId())
	case <-time.After(time.Second):
	}

	// Refusals: an account the key may not see, a key without acc:read, a key without
	// qot:read. A stream's refusal arrives with its first Recv.
	refused := func(name string, st grpc.ServerStreamingClient[gatewayv1.TradePush], openErr error, want gatewayv1.Reason) {
		t.Helper()
		err := openErr
		if err == nil {
			_, err = st.Recv()
		}
		if status.Code(err) != codes.PermissionDenied || errinfo.ReasonCode(err) != errinfo.Code(want) {
			t.Errorf("%s: %v, want PermissionDenied %s", name, err, errinfo.Code(want))
		}
	}
	st, err := trades.WatchTrades(as(t, tool), &gatewayv1.WatchTradesRequest{AccIds: []uint64{1001}})
	refused("acc_ids outside allowed_acc_ids", st, err, gatewayv1.Reason_REASON_ACCOUNT_NOT_ALLOWED)
	st, err = trades.WatchTrades(as(t, neighbour), &gatewayv1.WatchTradesRequest{})
	refused("no acc:read", st, err, gatewayv1.Reason_REASON_SCOPE_DENIED)
	noQot := s.issueWith(t, "acc-only", `"acc:read"`, "")
	qst, err := quotes.WatchQuotes(as(t, noQot), &gatewayv1.WatchQuotesRequest{})
	if err == nil {
		_, err = qst.Recv()
	}
	if status.Code(err) != codes.PermissionDenied {
		t.Errorf("watch quotes without qot:read: %v, want PermissionDenied", err)
	}

	// Revoking the tool's key ends both of its streams.
	revoked := time.Now()
	if code, b := s.call(t, "DELETE", "/api/admin/keys/tool", s.adminKey, ""); code != 200 {
		t.Fatalf("revoke: %d %v", code, b)
	}
	for name, recv := range map[string]func() error{
		"quotes": func() error { _, err := qs.Recv(); return err },
		"trades": func() error { _, err := mine.Recv(); return err },
	} {
		err := drain(t, recv)
		if status.Code(err) != codes.Unauthenticated || errinfo.ReasonCode(err) != "revoked_key" {
			t.Errorf("%s stream after revocation: %v, want Unauthenticated revoked_key", name, err)
		}
	}
	t.Logf("both streams ended %v after the revocation", time.Since(revoked).Round(time.Millisecond))

	// A key that expires ends its stream too.
	code, b := s.call(t, "POST", "/api/admin/keys", s.adminKey, `{"id":"short","scopes":["qot:read"],"expires_in":"2s"}`)
	if code != 200 {
		t.Fatalf("issue short key: %d %v", code, b)
	}
	es, err := quotes.WatchQuotes(as(t, b["key"].(string)), &gatewayv1.WatchQuotesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	err = drain(t, func() error { _, err := es.Recv(); return err })
	if status.Code(err) != codes.Unauthenticated || errinfo.ReasonCode(err) != "expired_key" {
		t.Errorf("stream of an expired key: %v, want Unauthenticated expired_key", err)
	}
}

// drain receives until recv fails, and returns that error; it gives up after 10 s.
func drain(t *testing.T, recv func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		for {
			if err := recv(); err != nil {
				done <- err
				return
			}
		}
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		return errors.New("the stream is still open after 10 s")
	}
}

func dial(t *testing.T, addr string) *grpc.ClientConn {
	t.Helper()
	cc, err := grpc.NewClient(addr, grpclink.DialOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cc.Close() })
	return cc
}

// as is a context carrying key as the bearer, ended with the test.
func as(t *testing.T, key string) context.Context {
	return metadata.AppendToOutgoingContext(t.Context(), "authorization", "Bearer "+key)
}
