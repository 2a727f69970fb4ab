package sim

import (
	"context"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotsub"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim/rawclient"
	"google.golang.org/protobuf/proto"
)

// BenchmarkPushOverTCP measures end to end cost of one Qot_UpdateBasicQot push:
// market step, encode, queue, socket write, client read.
func BenchmarkPushOverTCP(b *testing.B) {
	s, err := New(Config{PushInterval: time.Hour, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln) }()
	defer func() { cancel(); <-served }()

	c, err := rawclient.Dial(ctx, ln.Addr().String(), rawclient.Options{PushBuffer: 1 << 20})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	var resp qotsub.Response
	st, err := c.Call(ctx, protoid.QotSub, &qotsub.Request{C2S: &qotsub.C2S{
		SecurityList:     []*qotcommon.Security{{Market: proto.Int32(1), Code: proto.String("00700")}},
		SubTypeList:      []int32{1},
		IsSubOrUnSub:     proto.Bool(true),
		IsRegOrUnRegPush: proto.Bool(true),
	}}, &resp)
	if err != nil || !st.OK() {
		b.Fatalf("sub: %v %+v", err, st)
	}
	b.ReportAllocs()
	b.ResetTimer()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range b.N {
			if _, err := c.NextPush(ctx, protoid.QotUpdateBasicQot); err != nil {
				return
			}
		}
	}()
	for i := range b.N {
		s.Market().Step("HK.00700")
		if i%1000 == 999 { // stay well under the server's 4096-frame queue
			for len(c.Pushes()) > 0 && ctx.Err() == nil {
				time.Sleep(50 * time.Microsecond) // the point: a benchmark's back-pressure, not a wait for an event
			}
		}
	}
	<-done
}
