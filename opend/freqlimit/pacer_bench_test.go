package freqlimit

import (
	"context"
	"testing"
	"time"

	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/platform/ratewindow"
	"github.com/futugw/gateway/platform/testkit/redistest"
	"github.com/redis/go-redis/v9"
)

// BenchmarkReserve is one pacing decision: in process (Limiter.Reserve, what each
// replica did alone), and in the window shared in Redis (a Pacer on ratewindow,
// one script round trip to a local redis-server), from one goroutine and from
// many. The limit is scaled out of reach so that every call reserves.
//
//	go test -run '^$' -bench Reserve -benchmem ./freqlimit/   (in opend)
func BenchmarkReserve(b *testing.B) {
	pol := Policy{Scale: 1e6, Margin: time.Second}
	body := snapshotBody(b)
	b.Run("in-process", func(b *testing.B) {
		l := New(pol, nil)
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := l.Reserve(protoid.QotGetSecuritySnapshot, body, 0); !ok {
				b.Fatal("refused")
			}
		}
	})
	rdb := redis.NewClient(&redis.Options{Addr: redistest.Start(b)})
	b.Cleanup(func() { _ = rdb.Close() })
	newPacer := func(prefix string) *Pacer {
		return NewPacer(PacerOptions{Limits: pol, Local: pol,
			Shared:     ratewindow.New(rdb, ratewindow.Options{Prefix: prefix}),
			OnFallback: func(uint32) { b.Fatal("fell back") }})
	}
	b.Run("redis", func(b *testing.B) {
		p := newPacer("bench:serial:")
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := p.Reserve(context.Background(), protoid.QotGetSecuritySnapshot, body, 0); !ok {
				b.Fatal("refused")
			}
		}
	})
	b.Run("redis-parallel", func(b *testing.B) {
		p := newPacer("bench:parallel:")
		b.ReportAllocs()
		b.SetParallelism(8)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, ok := p.Reserve(context.Background(), protoid.QotGetSecuritySnapshot, body, 0); !ok {
					b.Error("refused")
					return
				}
			}
		})
	})
}
