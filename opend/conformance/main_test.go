package conformance

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain checks that the simulator's waiter and output-copying goroutines end.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
