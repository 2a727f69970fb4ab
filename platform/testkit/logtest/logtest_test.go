package logtest

import (
	"strings"
	"sync"
	"testing"
)

func TestBufferTakesConcurrentWrites(t *testing.T) {
	var b Buffer
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() { _, _ = b.Write([]byte("x\n")) })
	}
	wg.Wait()
	if n := strings.Count(b.String(), "x\n"); n != 50 {
		t.Fatalf("%d lines, want 50", n)
	}
}
