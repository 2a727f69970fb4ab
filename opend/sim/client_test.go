package sim

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetbasicqot"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotsub"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatebasicqot"
	"github.com/futugw/gateway/opend/client"
	"github.com/futugw/gateway/opend/envelope"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/platform/testkit"
)

// simAt runs a simulator on addr ("127.0.0.1:0" for any port) until the returned stop
// is called; it returns the address it listens on.
func simAt(t testing.TB, addr string) (string, func()) {
	t.Helper()
	s, err := New(Config{Seed: 3, PushInterval: 5 * time.Millisecond, MinSubHold: time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	var ln net.Listener
	// The same port right after a stop can take a moment to free.
	testkit.EventuallyNil(t, time.Second, "listening on "+addr, func() (err error) { ln, err = net.Listen("tcp", addr); return err })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Serve: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return ln.Addr().String(), stop
}

var watched = []*qotcommon.Security{
	{Market: proto.Int32(1), Code: proto.String("00700")},
	{Market: proto.Int32(11), Code: proto.String("AAPL")},
}

func subscribeReq() *qotsub.Request {
	return &qotsub.Request{C2S: &qotsub.C2S{
		SecurityList: watched, SubTypeList: []int32{1},
		IsSubOrUnSub: proto.Bool(true), IsRegOrUnRegPush: proto.Bool(true), IsFirstPush: proto.Bool(true),
	}}
}

// TestClientAgainstSimulator drives the OpenD client against the simulator over real
// TCP: concurrent calls, pushes, and a simulator restart that the client survives by
// reconnecting and resubscribing in OnConnect.
func TestClientAgainstSimulator(t *testing.T) {
	addr, stop := simAt(t, "127.0.0.1:0")

	var pushes atomic.Int64
	var connects atomic.Int32
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, client.Config{
		Addr: addr, MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Push: map[uint32]client.PushHandler{protoid.QotUpdateBasicQot: func(_ uint32, body []byte) {
			var r qotupdatebasicqot.Response
			if proto.Unmarshal(body, &r) == nil && r.GetRetType() == 0 && len(r.GetS2C().GetBasicQotList()) > 0 {
				pushes.Add(1)
			}
		}},
		OnConnect: func(ctx context.Context, c *client.Conn) error {
			connects.Add(1)
			return c.Call(ctx, protoid.QotSub, subscribeReq(), &qotsub.Response{})
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	testkit.Eventually(t, 15*time.Second, "first pushes", func() bool { return pushes.Load() >= 4 })

	// Many calls in flight at once, each answered with its own securities.
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				sec := watched[(g+i)%2]
				var resp qotgetbasicqot.Response
				err := c.Call(ctx, protoid.QotGetBasicQot, &qotgetbasicqot.Request{C2S: &qotgetbasicqot.C2S{SecurityList: []*qotcommon.Security{sec}}}, &resp)
				if err != nil {
					errs <- err
					return
				}
				if got := resp.GetS2C().GetBasicQotList(); len(got) != 1 || got[0].GetSecurity().GetCode() != sec.GetCode() || got[0].GetCurPrice() <= 0 {
					errs <- errors.New("wrong quote for " + sec.GetCode())
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	// The simulator refuses a quote for something not subscribed: a typed error.
	err = c.Call(ctx, protoid.QotGetBasicQot, &qotgetbasicqot.Request{C2S: &qotgetbasicqot.C2S{
		SecurityList: []*qotcommon.Security{{Market: proto.Int32(1), Code: proto.String("00005")}}}}, &qotgetbasicqot.Response{})
	var ee *envelope.Error
	if !errors.As(err, &ee) || ee.RetType >= 0 || ee.RetMsg == "" {
		t.Fatalf("unsubscribed GetBasicQot: err = %v, want an envelope error with a message", err)
	}

	// Restart the simulator on the same port: the client reconnects, OnConnect
	// resubscribes, and pushes resume.
	stop()
	testkit.Eventually(t, 15*time.Second, "disconnect seen", func() bool { return c.State() != client.StateConnected })
	simAt(t, addr)
	before := pushes.Load()
	testkit.Eventually(t, 15*time.Second, "pushes after the restart", func() bool {
		return connects.Load() >= 2 && c.State() == client.StateConnected && pushes.Load() >= before+4
	})
}
