package testkit

import (
	"testing"
	"time"
)

// pollEvery is short next to any timeout a test uses, long enough not to spin a
// loaded two-core machine. Inside a testing/synctest bubble the sleep is on the fake
// clock, so Eventually works there too.
const pollEvery = 5 * time.Millisecond

// Eventually polls cond until it holds, and fails the test naming what it waited for
// once timeout has passed without it.
func Eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	if !Within(timeout, cond) {
		t.Fatalf("timed out after %v waiting for %s", timeout, what)
	}
}

// EventuallyNil polls f until it returns nil, and fails the test with f's last error
// once timeout has passed.
func EventuallyNil(t testing.TB, timeout time.Duration, what string, f func() error) {
	t.Helper()
	var err error
	if !Within(timeout, func() bool { err = f(); return err == nil }) {
		t.Fatalf("timed out after %v waiting for %s: %v", timeout, what, err)
	}
}

// Within polls cond until it holds (true) or timeout passes (false): for a test that
// has its own words for the failure, or for which the wait running out is the answer.
func Within(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(pollEvery)
	}
	return true
}
