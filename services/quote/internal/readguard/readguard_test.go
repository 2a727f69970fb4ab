package readguard

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"google.golang.org/protobuf/proto"

	catalogv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/catalog/v1"
	"github.com/futugw/gateway/platform/catalog"
)

// With Redis gone, a history read is a quick miss (the call asks OpenD), and keeping
// an answer fails silently.
func TestHistoryRedisDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	rdb := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	t.Cleanup(func() { _ = rdb.Close() })
	g, err := New(Options{Redis: rdb})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := catalog.ByMethod("/futu.gateway.catalog.v1.QuoteCatalogService/RequestHistoryKL")
	in := &catalogv1.RequestHistoryKLRequest{KlType: catalogv1.KLType_KL_TYPE_DAY.Enum(), RehabType: catalogv1.RehabType_REHAB_TYPE_NONE.Enum(),
		Security:  &catalogv1.Security{Market: proto.Int32(1), Code: proto.String("00700")},
		BeginTime: proto.String("2026-01-01"), EndTime: proto.String("2026-02-01")}
	key, _ := proto.Marshal(in)
	start := time.Now()
	if g.Cached(context.Background(), r, key, r.NewOut()) {
		t.Fatal("a hit without Redis")
	}
	g.Keep(context.Background(), r, in, key, &catalogv1.RequestHistoryKLResponse{})
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Redis down cost %v", d)
	}
}

// A pacing refusal says which interface and when to retry.
func TestAdmitRefuses(t *testing.T) {
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	g, err := New(Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := catalog.ByMethod("/futu.gateway.catalog.v1.QuoteCatalogService/GetPlateSet") // 10 per 30s, kept at 9 per 31s
	in := &catalogv1.GetPlateSetRequest{Market: catalogv1.QotMarket(1).Enum(), PlateSetType: catalogv1.PlateSetType(0).Enum()}
	req, err := r.ToOfficial(in)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 9 {
		if err := g.Admit(context.Background(), r, req); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	var rl *RateLimitedError
	if err := g.Admit(context.Background(), r, req); !errors.As(err, &rl) || rl.RetryAfter != 31*time.Second || rl.ProtoID != r.ProtoID {
		t.Fatalf("10th request: %v", err)
	}
}
