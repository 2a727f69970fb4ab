package catalog

import (
	"strings"
	"testing"

	"github.com/futugw/gateway/platform/testkit"
)

// TestReadmeTableListsEveryRoute: the README's route table (written by
// gen-catalog.mjs) has a row for each route, with its scope, and no other.
func TestReadmeTableListsEveryRoute(t *testing.T) {
	table := testkit.MarkedSection(t, "../../README.md", "routes")
	rows := 0
	for _, line := range strings.Split(table, "\n") {
		if strings.HasPrefix(line, "| GET") || strings.HasPrefix(line, "| POST") {
			rows++
		}
	}
	for _, r := range Routes() {
		if !strings.Contains(table, "`"+r.Path+"` | "+r.Proto+" (") || !strings.Contains(table, "`"+r.Scope+"`") {
			t.Errorf("README route table lacks %s (%s, %s): run `make catalog`", r.Path, r.Proto, r.Scope)
		}
	}
	if rows != len(Routes()) {
		t.Errorf("README route table has %d rows for %d routes: run `make catalog`", rows, len(Routes()))
	}
}
