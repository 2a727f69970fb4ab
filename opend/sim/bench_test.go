package sim

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
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
	c := serveAndDial(b, s, rawclient.Options{PushBuffer: 1 << 20})
	ctx := context.Background()
	subscribeBasic(b, ctx, c, &qotcommon.Security{Market: proto.Int32(1), Code: proto.String("00700")})
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
			for len(c.Pushes()) > 0 {
				time.Sleep(50 * time.Microsecond) // the point: a benchmark's back-pressure, not a wait for an event
			}
		}
	}
	<-done
}
