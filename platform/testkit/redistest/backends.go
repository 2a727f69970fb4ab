package redistest

import "testing"

// Backend is a Redis deployment a test suite runs against.
type Backend struct {
	Name string
	// Start runs the deployment for the test and returns the addresses to join with
	// commas into REDIS_ADDR (redisx.Options.Addrs): one for a single server, several
	// for a Cluster.
	Start func(testing.TB) []string
}

// Backends are the deployments every Redis user's tests run against: a single server
// (miniredis without the binary) and a three-primary Cluster (skipped without it), so
// code that is not cluster-safe (cross-slot scripts or commands, SCAN on one node)
// fails in tests.
func Backends() []Backend {
	return []Backend{
		{Name: "single", Start: func(t testing.TB) []string { return []string{Start(t)} }},
		{Name: "cluster", Start: StartCluster},
	}
}
