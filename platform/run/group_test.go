package run

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// journal records what the steps did, in order.
type journal struct {
	mu  sync.Mutex
	got []string
}

func (j *journal) add(s string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.got = append(j.got, s)
}

func (j *journal) list() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return slices.Clone(j.got)
}

// task is a background task that records its start and its stop.
func (j *journal) task(name string, started *sync.WaitGroup) func(context.Context) error {
	started.Add(1)
	return func(ctx context.Context) error {
		j.add("start " + name)
		started.Done()
		<-ctx.Done()
		j.add("stop " + name)
		return ctx.Err() // an error after the stop is no failure
	}
}

func (j *journal) closer(name string) func(context.Context) error {
	return func(context.Context) error { j.add("close " + name); return nil }
}

func stopCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// Tasks and closers stop in reverse order of registration, interleaved: a task
// stops before the client it was built on closes.
func TestGroupStopsInReverseOrder(t *testing.T) {
	var j journal
	var started sync.WaitGroup
	g := NewGroup(nil)
	g.Defer("redis", j.closer("redis"))
	g.Go("watcher", j.task("watcher", &started))
	g.Defer("opend", j.closer("opend"))
	g.Go("sweeper", j.task("sweeper", &started))
	started.Wait()

	if err := g.Stop(stopCtx(t)); err != nil {
		t.Fatal(err)
	}
	got := j.list()[2:] // after the two starts, in either order
	want := []string{"stop sweeper", "close opend", "stop watcher", "close redis"}
	if !slices.Equal(got, want) {
		t.Fatalf("stop order = %q, want %q", got, want)
	}
	if err := g.Stop(stopCtx(t)); err != nil || len(j.list()) != 6 {
		t.Fatalf("second Stop = %v, did %q", err, j.list())
	}
	if g.Err() != nil {
		t.Fatalf("Err = %v after a clean stop", g.Err())
	}
}

// wire is a service's wiring in miniature: four steps, the one at failAt failing;
// StopOnError rolls back what was started before it.
func wire(g *Group, j *journal, failAt int) (err error) {
	defer g.StopOnError(&err)
	var started sync.WaitGroup
	defer started.Wait() // every started task recorded its start
	for i, name := range []string{"redis", "watcher", "opend", "sweeper"} {
		if i == failAt {
			return fmt.Errorf("build %s: refused", name)
		}
		if strings.HasSuffix(name, "er") {
			g.Go(name, j.task(name, &started))
		} else {
			g.Defer(name, j.closer(name))
		}
	}
	return nil
}

func TestGroupRollsBackOnlyWhatStarted(t *testing.T) {
	for _, tc := range []struct {
		failAt int
		undone []string
	}{
		{0, nil},
		{1, []string{"close redis"}},
		{2, []string{"stop watcher", "close redis"}},
		{3, []string{"close opend", "stop watcher", "close redis"}},
	} {
		t.Run(fmt.Sprint("fail at ", tc.failAt), func(t *testing.T) {
			var j journal
			g := NewGroup(nil)
			if err := wire(g, &j, tc.failAt); err == nil {
				t.Fatal("wiring did not fail")
			}
			var undone []string
			for _, s := range j.list() {
				if !strings.HasPrefix(s, "start ") {
					undone = append(undone, s)
				}
			}
			if !slices.Equal(undone, tc.undone) {
				t.Fatalf("rolled back %q, want %q", undone, tc.undone)
			}
		})
	}
	t.Run("success keeps everything", func(t *testing.T) {
		var j journal
		g := NewGroup(nil)
		if err := wire(g, &j, -1); err != nil {
			t.Fatal(err)
		}
		if got := len(j.list()); got != 2 {
			t.Fatalf("journal %q: something stopped after a successful wiring", j.list())
		}
		if err := g.Stop(stopCtx(t)); err != nil {
			t.Fatal(err)
		}
	})
}

// A failing task marks the group failed; the other tasks run until Stop.
func TestGroupTaskFailure(t *testing.T) {
	var j journal
	var started sync.WaitGroup
	g := NewGroup(nil)
	g.Go("watcher", j.task("watcher", &started))
	boom := errors.New("boom")
	g.Go("loader", func(context.Context) error { return boom })
	g.Go("done early", func(context.Context) error { return nil }) // no failure
	started.Wait()

	select {
	case <-g.Failed():
	case <-time.After(10 * time.Second):
		t.Fatal("Failed not closed")
	}
	if err := g.Err(); !errors.Is(err, boom) || !strings.Contains(err.Error(), "loader") {
		t.Fatalf("Err = %v, want the loader's boom", err)
	}
	if err := g.Stop(stopCtx(t)); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(j.list(), "stop watcher") {
		t.Fatalf("watcher not stopped: %q", j.list())
	}
}

// Every step runs even when one fails, and a task that ignores its stop is
// reported at the deadline, not waited for forever.
func TestGroupStopErrors(t *testing.T) {
	var j journal
	g := NewGroup(nil)
	g.Defer("redis", j.closer("redis"))
	release := make(chan struct{})
	exited := make(chan struct{})
	g.Go("stuck", func(context.Context) error { defer close(exited); <-release; return nil })
	g.Defer("audit", func(context.Context) error { return errors.New("flush failed") })

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := g.Stop(ctx)
	close(release)
	<-exited
	if err == nil || !strings.Contains(err.Error(), "close audit: flush failed") ||
		!strings.Contains(err.Error(), "task stuck: still running") ||
		strings.Index(err.Error(), "audit") > strings.Index(err.Error(), "stuck") {
		t.Fatalf("Stop = %v, want audit's error, then stuck's", err)
	}
	if !slices.Equal(j.list(), []string{"close redis"}) {
		t.Fatalf("redis not closed after the failures: %q", j.list())
	}
}

// A step registered after Stop (a race with shutdown) is undone at once.
func TestGroupStepAfterStop(t *testing.T) {
	var j journal
	g := NewGroup(nil)
	if err := g.Stop(stopCtx(t)); err != nil {
		t.Fatal(err)
	}
	g.Defer("late", j.closer("late"))
	var started sync.WaitGroup
	g.Go("late task", j.task("late task", &started))
	started.Wait()
	if got := j.list(); !slices.Equal(got, []string{"close late", "start late task", "stop late task"}) {
		t.Fatalf("journal %q", got)
	}
}

// A task failing shuts the whole service down: Run returns its error after
// stopping the other tasks and running the closers.
func TestServiceStopsWhenATaskFails(t *testing.T) {
	var j journal
	var started sync.WaitGroup
	svc := New(Options{Name: "x", AdminAddr: "127.0.0.1:0"})
	svc.Defer("redis", j.closer("redis"))
	svc.Go("watcher", j.task("watcher", &started))
	started.Wait()
	boom := errors.New("boom")
	svc.Go("loader", func(context.Context) error { return boom })

	done := make(chan error, 1)
	go func() { done <- svc.Run(context.Background()) }()
	select {
	case err := <-done:
		if !errors.Is(err, boom) {
			t.Fatalf("Run = %v, want the loader's boom", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return after a task failed")
	}
	if got := j.list(); !slices.Equal(got, []string{"start watcher", "stop watcher", "close redis"}) {
		t.Fatalf("journal %q", got)
	}
}

// When Run cannot bind, what the wiring started is stopped all the same.
func TestServiceStopsGroupWhenListenFails(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	var j journal
	var started sync.WaitGroup
	g := NewGroup(nil)
	g.Defer("redis", j.closer("redis"))
	g.Go("watcher", j.task("watcher", &started))
	started.Wait()
	svc := New(Options{Name: "x", AdminAddr: busy.Addr().String(), Group: g})
	if err := svc.Run(context.Background()); err == nil {
		t.Fatal("Run on a taken port succeeded")
	}
	if got := j.list(); !slices.Equal(got, []string{"start watcher", "stop watcher", "close redis"}) {
		t.Fatalf("journal %q", got)
	}
}
