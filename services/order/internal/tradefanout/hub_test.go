package tradefanout

import (
	"errors"
	"testing"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/opend/protoid"
)

func TestPublishReachesEverySubscriberInOrder(t *testing.T) {
	h := NewHub(8)
	a, b := h.Subscribe(), h.Subscribe()
	for i := range 5 {
		h.Publish(&gatewayv1.TradePush{ProtoId: protoid.TrdUpdateOrder, AccId: uint64(i)})
	}
	for _, s := range []*Sub{a, b} {
		for i := range 5 {
			if p := <-s.C; p.GetAccId() != uint64(i) {
				t.Fatalf("push %d: got acc %d", i, p.GetAccId())
			}
		}
	}
}

func TestSlowSubscriberIsClosedNotDropped(t *testing.T) {
	h := NewHub(2)
	slow, fast := h.Subscribe(), h.Subscribe()
	for i := range 3 {
		h.Publish(&gatewayv1.TradePush{AccId: uint64(i)})
		<-fast.C
	}
	select {
	case <-slow.Done():
	default:
		t.Fatal("slow subscriber still open")
	}
	if !errors.Is(slow.Err(), ErrSlow) {
		t.Fatalf("Err = %v", slow.Err())
	}
	if h.Len() != 1 {
		t.Fatalf("Len = %d, want 1", h.Len())
	}
	// What it did receive is a prefix, without gaps.
	if p := <-slow.C; p.GetAccId() != 0 {
		t.Fatalf("first = %d", p.GetAccId())
	}
	h.Unsubscribe(fast)
	h.Unsubscribe(fast)
	h.CloseAll(errors.New("bye"))
}
