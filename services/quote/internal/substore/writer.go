package substore

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/futugw/gateway/platform/obs"
)

// ErrUnavailable: saves are failing (Redis unreachable); they are retried in the
// background, and Flush does not wait for them meanwhile.
var ErrUnavailable = errors.New("substore: Redis unavailable; session saves are retried in the background")

// WriterOptions configure a Writer. Store and Snapshot are required.
type WriterOptions struct {
	Store *Store
	// Snapshot returns session's current state; a record without pairs or keys
	// deletes the saved one. The writer holds no lock while calling it.
	Snapshot func(session string) Record
	// Batch bounds the records of one pipeline; 100 when zero.
	Batch int
	// Timeout bounds one write attempt; 2s when zero.
	Timeout time.Duration
	// MinRetry and MaxRetry space the retries after a failed write, doubling; 100ms
	// and 5s when zero.
	MinRetry, MaxRetry time.Duration
	// LogEvery is the least time between two logged failures; 30s when zero.
	LogEvery time.Duration
	Now      func() time.Time // time.Now when nil
	Logger   *slog.Logger     // the Store's when nil
}

// Writer writes sessions' changes through to the Store, off the caller's path: Changed
// marks a session (cheap; it suits callbacks run under the registry's lock), and Run
// writes the marked sessions' current state, coalescing changes that arrive before a
// write. A single goroutine writes, so a session's saves never overtake each other.
// A failed write is retried with backoff and logged at most once per LogEvery; the
// changes stay marked meanwhile, so the latest state is saved once Redis is back.
// Safe for concurrent use.
type Writer struct {
	o    WriterOptions
	wake chan struct{}

	mu       sync.Mutex
	seq      uint64            // numbers changes
	dirty    map[string]uint64 // session -> latest change not yet being written
	inflight map[string]uint64 // session -> change being written
	waiters  map[string][]*waiter
	failing  bool

	// Run's own: rate-limited failure logging.
	lastLog  time.Time
	failures int  // failed writes since the last logged failure
	logged   bool // a failure was logged and no recovery since
}

// waiter is a Flush waiting for session's change seq to be saved.
type waiter struct {
	seq  uint64
	done chan error // buffered; receives once
}

// NewWriter returns a Writer; nothing is written until Run.
func NewWriter(o WriterOptions) *Writer {
	o.Batch = cmp.Or(o.Batch, 100)
	o.Timeout = cmp.Or(o.Timeout, 2*time.Second)
	o.MinRetry = cmp.Or(o.MinRetry, 100*time.Millisecond)
	o.MaxRetry = cmp.Or(o.MaxRetry, 5*time.Second)
	o.LogEvery = cmp.Or(o.LogEvery, 30*time.Second)
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = o.Store.o.Logger
	}
	return &Writer{o: o, wake: make(chan struct{}, 1), dirty: make(map[string]uint64),
		inflight: make(map[string]uint64), waiters: make(map[string][]*waiter)}
}

// Changed marks session for a save of its current state. It never blocks on Redis.
func (w *Writer) Changed(session string) {
	w.mu.Lock()
	w.seq++
	w.dirty[session] = w.seq
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Discard forgets every pending save: after Restore, the marks come from loading
// what Redis holds already.
func (w *Writer) Discard() {
	w.mu.Lock()
	clear(w.dirty)
	w.mu.Unlock()
}

// Pending returns the number of sessions waiting to be saved.
func (w *Writer) Pending() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.dirty) + len(w.inflight)
}

// Flush waits until session's changes so far are saved, so a request that changed
// them answers once they would survive a restart. It returns at once when nothing is
// pending, and ErrUnavailable at once while saves are failing (the subscription
// itself stands; the save is retried in the background); otherwise it waits for the
// write, or for ctx.
func (w *Writer) Flush(ctx context.Context, session string) error {
	w.mu.Lock()
	seq, ok := w.dirty[session]
	if !ok {
		seq, ok = w.inflight[session]
	}
	if !ok {
		w.mu.Unlock()
		return nil
	}
	if w.failing {
		w.mu.Unlock()
		return ErrUnavailable
	}
	wt := &waiter{seq: seq, done: make(chan error, 1)}
	w.waiters[session] = append(w.waiters[session], wt)
	w.mu.Unlock()
	select {
	case err := <-wt.done:
		return err
	case <-ctx.Done():
		w.mu.Lock()
		w.waiters[session] = slices.DeleteFunc(w.waiters[session], func(x *waiter) bool { return x == wt })
		if len(w.waiters[session]) == 0 {
			delete(w.waiters, session)
		}
		w.mu.Unlock()
		return ctx.Err()
	}
}

// Run writes marked sessions until ctx ends, then makes one last attempt (bounded by
// Timeout) to save what is still pending.
func (w *Writer) Run(ctx context.Context) {
	retry := w.o.MinRetry
	for {
		if w.writeAll(ctx) {
			retry = w.o.MinRetry
			select {
			case <-ctx.Done():
				w.final()
				return
			case <-w.wake:
			}
			continue
		}
		t := time.NewTimer(retry)
		select {
		case <-ctx.Done():
			t.Stop()
			w.final()
			return
		case <-t.C:
		}
		retry = min(2*retry, w.o.MaxRetry)
	}
}

// final is the last attempt after Run's context ended.
func (w *Writer) final() {
	ctx, cancel := context.WithTimeout(context.Background(), w.o.Timeout)
	defer cancel()
	if !w.writeAll(ctx) {
		w.o.Logger.Warn("session subscription saves still pending at shutdown are lost", "sessions", w.Pending())
	}
}

// writeAll writes batches until nothing is marked; false when a write failed.
func (w *Writer) writeAll(ctx context.Context) bool {
	for {
		batch := w.take()
		if len(batch) == 0 {
			return true
		}
		if !w.write(ctx, batch) {
			return false
		}
	}
}

// take moves up to Batch marked sessions in flight.
func (w *Writer) take() map[string]uint64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	batch := make(map[string]uint64, min(len(w.dirty), w.o.Batch))
	for s, seq := range w.dirty {
		if len(batch) == w.o.Batch {
			break
		}
		batch[s] = seq
		w.inflight[s] = seq
		delete(w.dirty, s)
	}
	return batch
}

// write saves batch's sessions' current state; false when any write failed (those
// sessions are marked again).
func (w *Writer) write(ctx context.Context, batch map[string]uint64) bool {
	recs := make([]Record, 0, len(batch))
	for s := range batch {
		r := w.o.Snapshot(s)
		r.Session = s
		recs = append(recs, r)
	}
	ctx, cancel := context.WithTimeout(ctx, w.o.Timeout)
	errs := w.o.Store.Write(ctx, recs)
	cancel()

	var firstErr error
	failed := 0
	w.mu.Lock()
	for i, r := range recs {
		seq := batch[r.Session]
		delete(w.inflight, r.Session)
		err := errs[i]
		if err != nil {
			failed++
			if firstErr == nil {
				firstErr = err
			}
			if _, again := w.dirty[r.Session]; !again {
				w.dirty[r.Session] = seq
			}
			err = ErrUnavailable
		}
		w.releaseLocked(r.Session, seq, err)
	}
	w.failing = failed > 0
	pending := len(w.dirty)
	w.mu.Unlock()

	w.logOutcome(firstErr, failed, pending)
	return failed == 0
}

// releaseLocked answers the Flushes of session waiting for a change up to seq.
func (w *Writer) releaseLocked(session string, seq uint64, err error) {
	ws := w.waiters[session]
	if len(ws) == 0 {
		return
	}
	ws = slices.DeleteFunc(ws, func(x *waiter) bool {
		if x.seq > seq {
			return false
		}
		x.done <- err
		return true
	})
	if len(ws) == 0 {
		delete(w.waiters, session)
	} else {
		w.waiters[session] = ws
	}
}

// logOutcome logs failures at most once per LogEvery, and the recovery after a
// logged failure.
func (w *Writer) logOutcome(err error, failed, pending int) {
	if err == nil {
		if w.logged {
			w.logged = false
			w.o.Logger.Info("session subscription saves to Redis work again")
		}
		return
	}
	w.failures += failed
	now := w.o.Now()
	if !w.lastLog.IsZero() && now.Sub(w.lastLog) < w.o.LogEvery {
		return
	}
	w.o.Logger.Warn("saving session subscriptions to Redis failed; retrying in the background "+
		"(subscriptions work, but a restart of the quote service would lose these changes)",
		obs.Err(err), "failed_writes", w.failures, "pending_sessions", pending)
	w.lastLog, w.failures, w.logged = now, 0, true
}
