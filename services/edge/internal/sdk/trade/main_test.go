package trade

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when a test leaves a goroutine behind (the fake
// services' server and client connections end with their tests).
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
