package outq

import (
	"fmt"
	"sync"
	"testing"

	"github.com/futugw/gateway/opend/protoid"
)

func item(s string) *Item { return &Item{Data: []byte(s)} }

func drain(q *Queue) []string {
	var out []string
	for {
		it, ok := q.Pop()
		if !ok {
			return out
		}
		out = append(out, string(it.Data))
	}
}

func TestConflationKeepsLatestInFirstArrivalOrder(t *testing.T) {
	q := New(10)
	a, b := Key{"HK.00700", protoid.QotUpdateBasicQot, 0}, Key{"US.AAPL", protoid.QotUpdateBasicQot, 0}
	q.PushQuote(a, item("a1"))
	q.PushQuote(b, item("b1"))
	if !q.PushQuote(a, item("a2")) {
		t.Fatal("second frame of a key did not conflate")
	}
	q.PushQuote(Key{"HK.00700", protoid.QotUpdateOrderBook, 0}, item("ob"))
	if !q.Push(item("trade")) {
		t.Fatal("push refused")
	}
	if q.Len() != 4 {
		t.Fatalf("Len = %d", q.Len())
	}
	got := fmt.Sprint(drain(q))
	if got != "[trade a2 b1 ob]" {
		t.Fatalf("order %s", got)
	}
	select {
	case <-q.Wake():
	default:
		t.Fatal("no wake-up after pushes")
	}
}

func TestBounds(t *testing.T) {
	q := New(3)
	for i := range 3 {
		if !q.Push(item(fmt.Sprint("t", i))) {
			t.Fatalf("push %d refused", i)
		}
	}
	if q.Push(item("t3")) {
		t.Fatal("push beyond the limit accepted")
	}
	// More distinct quote keys than the limit: the oldest waiting quote goes.
	for i := range 5 {
		q.PushQuote(Key{fmt.Sprint(i), protoid.QotUpdateBasicQot, 0}, item(fmt.Sprint("q", i)))
	}
	if got := fmt.Sprint(drain(q)); got != "[t0 t1 t2 q2 q3 q4]" {
		t.Fatalf("drained %s", got)
	}
	q.Close()
	if q.Push(item("x")) || q.PushQuote(Key{}, item("y")) || q.Len() != 0 {
		t.Fatal("closed queue accepts frames")
	}
}

// The key slice never grows beyond a small multiple of the limit however long the
// consumer lags behind a stream of distinct keys.
func TestKeySliceStaysBounded(t *testing.T) {
	q := New(4)
	for i := range 10_000 {
		q.PushQuote(Key{fmt.Sprint(i % 7), protoid.QotUpdateBasicQot, 0}, item("x"))
		if i%3 == 0 {
			q.Pop()
		}
		if cap(q.keys) > 64 || q.Len() > 4 {
			t.Fatalf("cap %d len %d at %d", cap(q.keys), q.Len(), i)
		}
	}
}

func TestConcurrentProducers(t *testing.T) {
	q := New(1000)
	var wg sync.WaitGroup
	for p := range 4 {
		wg.Go(func() {
			for i := range 1000 {
				q.PushQuote(Key{fmt.Sprint(p, i%50), protoid.QotUpdateBasicQot, 0}, item("q"))
			}
		})
	}
	done := make(chan int)
	go func() {
		n := 0
		for range 200 {
			if _, ok := q.Pop(); ok {
				n++
			}
		}
		done <- n
	}()
	wg.Wait()
	<-done
	if q.Len() > 200 {
		t.Fatalf("Len %d exceeds distinct keys", q.Len())
	}
}

func BenchmarkPushQuotePop(b *testing.B) {
	q := New(64)
	keys := make([]Key, 20)
	for i := range keys {
		keys[i] = Key{fmt.Sprint("HK.", i), protoid.QotUpdateBasicQot, 0}
	}
	it := item("frame")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		q.PushQuote(keys[i%len(keys)], it)
		q.Pop()
		i++
	}
}

// Ticks are never conflated; those that overflow the FIFO are counted per key and
// announced by a gap frame before that key's next tick, or once the FIFO drains.
func TestTicksOverflowIntoGapFrames(t *testing.T) {
	q := New(3)
	q.SetGap(func(k Key, n uint64) *Item { return item(fmt.Sprintf("gap %s %d", k.SecKey, n)) })
	tk, aapl := Key{"HK.00700", protoid.QotUpdateTicker, 0}, Key{"US.AAPL", protoid.QotUpdateTicker, 0}
	for i := range 3 {
		if q.PushTick(tk, item(fmt.Sprint("t", i))) {
			t.Fatalf("tick %d dropped below the limit", i)
		}
	}
	for i := 3; i < 8; i++ {
		if !q.PushTick(tk, item(fmt.Sprint("t", i))) {
			t.Fatalf("tick %d fit above the limit", i)
		}
	}
	if !q.PushTick(aapl, item("a0")) {
		t.Fatal("AAPL tick fit above the limit")
	}
	if it, _ := q.Pop(); string(it.Data) != "t0" {
		t.Fatalf("first = %s", it.Data)
	}
	// Room again: the next tick of HK.00700 comes after its gap frame.
	q.PushTick(tk, item("t8"))
	got := fmt.Sprint(drain(q))
	if want := "[t1 t2 gap HK.00700 5 t8 gap US.AAPL 1]"; got != want {
		t.Fatalf("drained %s, want %s", got, want)
	}
	if q.Len() != 0 {
		t.Fatalf("Len = %d after draining", q.Len())
	}
}

// Ticks and conflated quotes take turns, so a busy ticker does not starve quotes.
func TestTicksAndQuotesAlternate(t *testing.T) {
	q := New(10)
	for i := range 3 {
		q.PushTick(Key{"HK.00700", protoid.QotUpdateTicker, 0}, item(fmt.Sprint("t", i)))
	}
	q.PushQuote(Key{"HK.00700", protoid.QotUpdateKL, 6}, item("day"))
	q.PushQuote(Key{"HK.00700", protoid.QotUpdateKL, 11}, item("1m"))
	q.PushQuote(Key{"HK.00700", protoid.QotUpdateKL, 6}, item("day2"))
	if got := fmt.Sprint(drain(q)); got != "[t0 day2 t1 1m t2]" {
		t.Fatalf("drained %s", got)
	}
}
