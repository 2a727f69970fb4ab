package audit

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/futugw/gateway/platform/config"
	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/platform/run"
)

// Writer defaults.
const (
	DefaultQueue = 4096 // entries waiting for the drainer
	maxBatch     = 128  // entries per pipelined write
	// linger is how long the drainer waits after an entry for others to join its
	// batch: under load, one Redis round trip per few orders instead of per order,
	// and none in the moments right after an order's answer leaves.
	linger       = 5 * time.Millisecond
	writeTimeout = 5 * time.Second
)

// retryDelays are the pauses before each retry of a failed batch write.
var retryDelays = []time.Duration{10 * time.Millisecond, 100 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second}

// Writer appends entries to a Log off the caller's path: Append queues the entry and
// one goroutine writes the queue to Redis in pipelined batches, each gathered for
// a few milliseconds. No entry is dropped
// for want of room: when the queue is full (or the Writer is closed) Append writes
// synchronously, as Log.Append does. Close writes out what is queued. A batch that
// Redis refuses is retried; an entry that still cannot be written is logged, as a
// failed synchronous Append is by its caller. A retried batch may write an entry
// twice (when Redis took it but its answer was lost): a duplicate, never a gap.
type Writer struct {
	log    *Log
	logger *slog.Logger
	queue  chan Entry

	mu     sync.RWMutex // held for reading while queueing, for writing by Close
	closed bool

	stop context.Context // cancelled when Close's deadline passes: give up retrying
	quit context.CancelFunc
	done chan struct{}
}

// NewWriter starts a Writer on l with room for queue entries (DefaultQueue when
// queue <= 0). logger receives entries that could not be written (discarded when
// nil). Close stops it.
func NewWriter(l *Log, queue int, logger *slog.Logger) *Writer {
	stop, quit := context.WithCancel(context.Background())
	w := &Writer{log: l, logger: obs.OrDiscard(logger), queue: make(chan Entry, config.OrDefault(queue, DefaultQueue)),
		stop: stop, quit: quit, done: make(chan struct{})}
	go w.drain()
	return w
}

// Append queues e (stamped with the current time when it has none) and returns at
// once; when the queue is full or the Writer closed, it writes e before returning.
func (w *Writer) Append(ctx context.Context, e Entry) error {
	if e.Action == "" {
		return errors.New("audit: entry without action")
	}
	if e.Time.IsZero() {
		e.Time = w.log.now()
	}
	w.mu.RLock()
	if !w.closed {
		select {
		case w.queue <- e:
			w.mu.RUnlock()
			return nil
		default: // full: fall through to a synchronous write
		}
	}
	w.mu.RUnlock()
	return w.log.Append(ctx, e)
}

// Close stops queueing (later Appends write synchronously) and waits until every
// queued entry is written. If ctx ends first, retries stop and the entries still
// unwritten are logged; Close then returns ctx's error.
func (w *Writer) Close(ctx context.Context) error {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.queue)
	}
	w.mu.Unlock()
	select {
	case <-w.done:
		w.quit()
		return nil
	case <-ctx.Done():
		w.quit()
		<-w.done
		return ctx.Err()
	}
}

// drain writes the queue in batches until Close closes it.
func (w *Writer) drain() {
	defer close(w.done)
	batch := make([]Entry, 0, maxBatch)
	for e := range w.queue {
		batch = append(batch[:0], e)
		run.Sleep(w.stop, linger)
	more:
		for len(batch) < maxBatch {
			select {
			case e, ok := <-w.queue:
				if !ok {
					break more
				}
				batch = append(batch, e)
			default:
				break more
			}
		}
		w.write(batch)
	}
}

// write appends batch in one pipeline, retrying the entries that failed.
func (w *Writer) write(batch []Entry) {
	for attempt := 0; ; attempt++ {
		failed, err := w.writeOnce(batch)
		if err == nil {
			return
		}
		if attempt == len(retryDelays) || !run.Sleep(w.stop, retryDelays[attempt]) {
			for _, e := range failed {
				w.logger.Error("audit entry lost", "action", e.Action, "key_id", e.KeyID, "time", e.Time, obs.Err(err))
			}
			return
		}
		batch = failed
	}
}

// writeOnce sends batch as one pipeline and returns the entries Redis did not take.
func (w *Writer) writeOnce(batch []Entry) ([]Entry, error) {
	ctx, cancel := context.WithTimeout(w.stop, writeTimeout)
	defer cancel()
	cmds := make([]*redis.StringCmd, len(batch))
	_, err := w.log.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, e := range batch {
			cmds[i] = p.XAdd(ctx, w.log.xaddArgs(e))
		}
		return nil
	})
	if err == nil {
		return nil, nil
	}
	var failed []Entry
	for i, c := range cmds {
		if c == nil || c.Err() != nil {
			failed = append(failed, batch[i])
		}
	}
	if len(failed) == 0 {
		return nil, nil
	}
	return failed, err
}
