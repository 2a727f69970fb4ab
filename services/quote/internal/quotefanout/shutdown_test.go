package quotefanout

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestStreamOpenedAfterCloseAllEnds: a StreamPushes handler that reaches Hub.Open just
// after the shutdown drain (CloseAll) gets a stream that ends at once, rather than one
// nothing ends, which GracefulStop would wait for its whole grace period.
func TestStreamOpenedAfterCloseAllEnds(t *testing.T) {
	h := New(Options{})
	old := h.Open()
	h.CloseAll()
	if _, err := old.Next(context.Background()); !errors.Is(err, ErrShuttingDown) {
		t.Fatalf("old stream: %v", err)
	}
	late := h.Open() // the handler that raced the drainer
	defer late.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := late.Next(ctx)
	if !errors.Is(err, ErrShuttingDown) {
		t.Fatalf("a stream opened after CloseAll is still live (Next: %v); shutdown waits for it for the whole grace period", err)
	}
}
