package calendar

import (
	"math"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

func TestClockSpeed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start, err := ParseClockStart("2026-12-07T09:29:50+08:00")
		if err != nil {
			t.Fatal(err)
		}
		c, err := NewClock(start, 60)
		if err != nil {
			t.Fatal(err)
		}
		if !c.Simulated() || c.Speed() != 60 {
			t.Fatalf("Simulated %v, Speed %v", c.Simulated(), c.Speed())
		}
		if got := c.Now(); !got.Equal(start) {
			t.Fatalf("Now at start = %v, want %v", got, start)
		}
		if got := State(HK, c.Now()); got != StateWaitingOpen {
			t.Errorf("state at 09:29:50 = %d", got)
		}
		time.Sleep(10 * time.Second) // ten simulated minutes
		if got, want := c.Now(), start.Add(10*time.Minute); !got.Equal(want) {
			t.Errorf("Now after 10s at speed 60 = %v, want %v", got, want)
		}
		if got := State(HK, c.Now()); got != StateMorning {
			t.Errorf("state at 09:39:50 = %d", got)
		}
		time.Sleep(500 * time.Millisecond)
		if got, want := c.Now(), start.Add(10*time.Minute+30*time.Second); !got.Equal(want) {
			t.Errorf("Now after 10.5s = %v, want %v", got, want)
		}
	})
}

func TestClockDefaults(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		wallClock, err := NewClock(time.Time{}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if wallClock.Simulated() || wallClock.Speed() != 1 {
			t.Errorf("zero clock: Simulated %v, Speed %v", wallClock.Simulated(), wallClock.Speed())
		}
		if got := wallClock.Now(); !got.Equal(time.Now()) {
			t.Errorf("zero clock Now = %v, want the wall clock", got)
		}

		wall := time.Now()
		fast, err := NewClock(time.Time{}, 3600) // from now, an hour per second
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Second)
		if got, want := fast.Now(), wall.Add(2*time.Hour); !got.Equal(want) {
			t.Errorf("Now = %v, want %v", got, want)
		}

		start := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
		slow, _ := NewClock(start, 0) // speed 0 = real time from start
		time.Sleep(time.Second)
		if got, want := slow.Now(), start.Add(time.Second); !got.Equal(want) {
			t.Errorf("Now = %v, want %v", got, want)
		}

		huge, _ := NewClock(start, MaxSpeed)
		time.Sleep(1000 * time.Hour) // past time.Duration's range of simulated time
		if got := huge.Now(); got.Before(start) {
			t.Errorf("Now overflowed to %v", got)
		}
	})
	var nilClock *Clock
	if nilClock.Simulated() || nilClock.Now().IsZero() || nilClock.Speed() != 1 {
		t.Error("a nil *Clock should read the wall clock")
	}
}

func TestClockConcurrent(t *testing.T) {
	c, err := NewClock(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC), 60)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			prev := c.Now()
			for range 1000 {
				now := c.Now()
				if now.Before(prev) {
					t.Error("clock went backwards")
					return
				}
				prev = now
			}
		})
	}
	wg.Wait()
}

func TestParseClockStart(t *testing.T) {
	hk := time.Date(2026, 12, 7, 1, 29, 50, 0, time.UTC)
	tests := []struct {
		in      string
		want    time.Time
		wantErr bool
	}{
		{in: "2026-12-07T09:29:50+08:00", want: hk},
		{in: "2026-12-07T01:29:50Z", want: hk},
		{in: "  2026-12-06T20:29:50-05:00\n", want: hk},
		{in: "2026-12-07T09:29:50.5+08:00", want: hk.Add(500 * time.Millisecond)},
		{in: "", want: time.Time{}},
		{in: "2026-12-07T09:29:50", wantErr: true}, // no offset
		{in: "2026-12-07", wantErr: true},
		{in: "2026-12-07 09:29:50+08:00", wantErr: true},
		{in: "2026-13-07T09:29:50+08:00", wantErr: true},
		{in: "2026-12-07T25:00:00+08:00", wantErr: true},
		{in: "0001-01-01T00:00:00Z", wantErr: true}, // the zero time
		{in: "tomorrow", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseClockStart(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseClockStart(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if !got.Equal(tt.want) {
			t.Errorf("ParseClockStart(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestParseClockSpeed(t *testing.T) {
	tests := []struct {
		in      string
		want    float64
		wantErr bool
	}{
		{in: "60", want: 60},
		{in: " 0.5 ", want: 0.5},
		{in: "1", want: 1},
		{in: "1e6", want: MaxSpeed},
		{in: "", want: 0},
		{in: "0", want: 0},
		{in: "-1", wantErr: true},
		{in: "1000001", wantErr: true},
		{in: "NaN", wantErr: true},
		{in: "+Inf", wantErr: true},
		{in: "60x", wantErr: true},
		{in: "fast", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseClockSpeed(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseClockSpeed(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
	if _, err := NewClock(time.Time{}, -1); err == nil {
		t.Error("NewClock accepted a negative speed")
	}
	if _, err := NewClock(time.Time{}, math.NaN()); err == nil {
		t.Error("NewClock accepted NaN")
	}
}

// FuzzParseClock checks the flag parsers never panic, and that what they
// accept is usable: a start formats back to the same instant, a speed builds
// a clock.
func FuzzParseClock(f *testing.F) {
	for _, s := range []string{
		"2026-12-07T09:29:50+08:00", "2026-12-07T01:29:50Z", "2026-12-07T09:29:50.123456789-05:00",
		"", "60", "0.5", "1e6", "-1", "NaN", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59+23:59",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if start, err := ParseClockStart(s); err == nil && !start.IsZero() {
			again, err := ParseClockStart(start.Format(time.RFC3339Nano))
			if err != nil || !again.Equal(start) {
				t.Fatalf("%q -> %v does not round-trip: %v, %v", s, start, again, err)
			}
			if _, err := NewClock(start, 60); err != nil {
				t.Fatal(err)
			}
		}
		if speed, err := ParseClockSpeed(s); err == nil {
			c, err := NewClock(time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC), speed)
			if err != nil {
				t.Fatalf("speed %v accepted by the parser, refused by NewClock: %v", speed, err)
			}
			_ = c.Now()
		}
	})
}
