package calendar

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// MaxSpeed bounds a Clock's speed: a year of simulated time per 30 wall seconds.
const MaxSpeed = 1_000_000

// Clock is the simulator's notion of now: Start when it was made, then running
// Speed times as fast as the wall clock. It never jumps backwards. It is
// immutable and safe for concurrent use; pass its Now method where a
// func() time.Time clock is wanted.
type Clock struct {
	start     time.Time // simulated time at wallStart; zero = real time
	wallStart time.Time
	speed     float64
}

// NewClock returns a clock that reads start now and then advances speed
// simulated seconds per wall second. A zero start starts at the wall clock's
// now; speed 0 means 1. With both unset the clock is the wall clock.
func NewClock(start time.Time, speed float64) (*Clock, error) {
	if err := checkSpeed(speed); err != nil {
		return nil, err
	}
	if speed == 0 {
		speed = 1
	}
	wall := time.Now()
	if start.IsZero() && speed == 1 {
		return &Clock{speed: 1, wallStart: wall}, nil
	}
	if start.IsZero() {
		start = wall.Round(0) // drop the monotonic reading: simulated times are plain instants
	}
	return &Clock{start: start, wallStart: wall, speed: speed}, nil
}

// Now returns the simulated time.
func (c *Clock) Now() time.Time {
	if c == nil || c.start.IsZero() {
		return time.Now()
	}
	elapsed := float64(time.Since(c.wallStart)) * c.speed
	if elapsed >= math.MaxInt64 { // after 292 simulated years
		return c.start.Add(math.MaxInt64)
	}
	return c.start.Add(time.Duration(elapsed))
}

// Simulated reports whether the clock differs from the wall clock.
func (c *Clock) Simulated() bool { return c != nil && !c.start.IsZero() }

// Speed returns simulated seconds per wall second.
func (c *Clock) Speed() float64 {
	if c == nil {
		return 1
	}
	return c.speed
}

// ParseClockStart reads a -clock-start value: an RFC 3339 instant with its
// offset, such as 2026-12-07T09:29:50+08:00 or 2026-12-07T01:29:50Z. An empty
// value is the zero time (start at the wall clock's now).
func ParseClockStart(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("clock start %q: want an RFC 3339 time with offset, such as 2026-12-07T09:29:50+08:00", s)
	}
	if t.IsZero() {
		return time.Time{}, fmt.Errorf("clock start %q: the zero time means unset; pick a real instant", s)
	}
	return t, nil
}

// ParseClockSpeed reads a -clock-speed value: simulated seconds per wall
// second, a number from 0 to MaxSpeed. Empty and 0 mean 1 (real time).
func ParseClockSpeed(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("clock speed %q: not a number", s)
	}
	if err := checkSpeed(f); err != nil {
		return 0, err
	}
	return f, nil
}

var errSpeed = errors.New("clock speed: want a number from 0 (real time) to 1000000")

func checkSpeed(f float64) error {
	if math.IsNaN(f) || f < 0 || f > MaxSpeed {
		return errSpeed
	}
	return nil
}
