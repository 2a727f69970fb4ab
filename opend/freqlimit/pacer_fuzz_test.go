package freqlimit

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetfunds"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/platform/ratewindow"
	"github.com/futugw/gateway/platform/testkit/redistest"
	"github.com/redis/go-redis/v9"
	"google.golang.org/protobuf/proto"
)

// FuzzPacerOnRedisMatchesLimiter reads the input as calls, three bytes each (which
// request, how far the clock moves, how long the caller may wait), and checks that
// the Pacer reserving in Redis answers each exactly as Limiter.Reserve does.
//
//	go test -run '^$' -fuzz FuzzPacerOnRedis -fuzztime 60s ./freqlimit/   (in opend)
func FuzzPacerOnRedisMatchesLimiter(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{0, 10, 0, 0, 10, 0, 0, 10, 0, 0, 10, 0, 0, 10, 0, 0, 10, 0, 0, 0, 255, 0, 0, 255, 0, 0, 255})
	f.Add([]byte{2, 0, 0, 2, 0, 0, 2, 0, 0, 3, 0, 0, 3, 0, 0, 3, 0, 0, 2, 255, 1, 2, 255, 2})
	f.Add([]byte{4, 0, 0, 4, 0, 0, 5, 0, 0, 6, 0, 0, 6, 1, 0, 6, 0, 0, 6, 200, 3, 1, 0, 0, 1, 3, 3})
	rdb := redis.NewClient(&redis.Options{Addr: redistest.Start(f)})
	f.Cleanup(func() { _ = rdb.Close() })
	snap := snapshotBody(f)
	funds := func(refresh bool) []byte {
		return marshal(f, &trdgetfunds.Request{C2S: &trdgetfunds.C2S{
			Header:       &trdcommon.TrdHeader{TrdEnv: proto.Int32(0), AccID: proto.Uint64(7), TrdMarket: proto.Int32(1)},
			RefreshCache: proto.Bool(refresh),
		}})
	}
	kinds := []struct {
		id   uint32
		body []byte
	}{
		{protoid.QotGetSecuritySnapshot, snap}, {protoid.QotGetMarketState, nil},
		{protoid.TrdPlaceOrder, placeBody(f, 1)}, {protoid.TrdPlaceOrder, placeBody(f, 2)},
		{protoid.TrdGetFunds, funds(true)}, {protoid.TrdGetFunds, funds(false)},
		{protoid.QotRequestHistoryKL, historyBody(f, nil)}, {protoid.QotGetBasicQot, nil},
	}
	waits := []time.Duration{0, 200 * time.Millisecond, time.Second, 10 * time.Second}
	pol := Policy{Scale: 0.1, Margin: time.Second}
	var run atomic.Int64
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) > 3*200 {
			in = in[:3*200]
		}
		c := newClock()
		want := New(pol, c.Now)
		p := NewPacer(PacerOptions{Limits: pol, Local: pol, Now: c.Now, Timeout: 5 * time.Second,
			OnFallback: func(uint32) { t.Fatal("fell back with Redis up") },
			Shared:     ratewindow.New(rdb, ratewindow.Options{Prefix: "fuzz:" + strconv.FormatInt(run.Add(1), 10) + ":", Now: c.Now})})
		for i := 0; i+3 <= len(in); i += 3 {
			k := kinds[int(in[i])%len(kinds)]
			c.Advance(time.Duration(in[i+1]) * 50 * time.Millisecond) // up to 12.75 s
			maxWait := waits[int(in[i+2])%len(waits)]
			ww, wok := want.Reserve(k.id, k.body, maxWait)
			gw, gok := p.Reserve(context.Background(), k.id, k.body, maxWait)
			if gw != ww || gok != wok {
				t.Fatalf("call %d (proto %d, max wait %v): Redis %v, %v; in process %v, %v", i/3, k.id, maxWait, gw, gok, ww, wok)
			}
		}
	})
}
