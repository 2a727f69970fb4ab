package catalog

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	catalogv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/catalog/v1"
)

// TestCoalescerSharesOneCall: identical concurrent calls of a Coalesce route make one
// upstream call; a different request, or a route without the policy, makes its own.
func TestCoalescerSharesOneCall(t *testing.T) {
	kl, _ := ByMethod("/futu.gateway.catalog.v1.QuoteCatalogService/GetKL")
	hist, _ := ByMethod("/futu.gateway.catalog.v1.QuoteCatalogService/RequestHistoryKLQuota")
	if kl.Policy != Coalesce || hist.Policy != NoPolicy {
		t.Fatalf("policies %v %v", kl.Policy, hist.Policy)
	}
	var c Coalescer
	var calls atomic.Int32
	release := make(chan struct{})
	fn := func() (proto.Message, error) {
		calls.Add(1)
		<-release
		return &catalogv1.GetKLResponse{Name: proto.String("Tencent")}, nil
	}
	req := func(code string) proto.Message {
		return &catalogv1.GetKLRequest{Security: &catalogv1.Security{Market: proto.Int32(1), Code: proto.String(code)}}
	}

	var wg sync.WaitGroup
	results := make(chan proto.Message, 8)
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, in := kl, req("00700")
			switch i {
			case 4:
				in = req("09988") // another request
			case 5:
				r = hist // no policy
			}
			out, err := c.Do(context.Background(), r, in, fn)
			if err != nil {
				t.Error(err)
			}
			results <- out
		}()
	}
	deadline := time.Now().Add(5 * time.Second)
	for calls.Load() < 3 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond) // a fourth call would start now
	close(release)
	wg.Wait()
	close(results)
	if n := calls.Load(); n != 3 {
		t.Errorf("%d upstream calls, want 3 (one shared by four callers)", n)
	}
	for out := range results {
		if out.(*catalogv1.GetKLResponse).GetName() != "Tencent" {
			t.Errorf("answer %v", out)
		}
	}
}

// TestCoalescerWaiterLeaves: a waiting caller whose context ends stops waiting.
func TestCoalescerWaiterLeaves(t *testing.T) {
	kl, _ := ByMethod("/futu.gateway.catalog.v1.QuoteCatalogService/GetKL")
	var c Coalescer
	release, started := make(chan struct{}), make(chan struct{})
	in := &catalogv1.GetKLRequest{ReqNum: proto.Int32(1)}
	go func() {
		_, _ = c.Do(context.Background(), kl, in, func() (proto.Message, error) {
			close(started)
			<-release
			return &catalogv1.GetKLResponse{}, nil
		})
	}()
	<-started
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Do(ctx, kl, in, func() (proto.Message, error) { t.Error("second call ran"); return nil, nil }); err != context.Canceled {
		t.Errorf("err %v, want context.Canceled", err)
	}
	close(release)
}
