package catalog

import (
	"strings"
	"testing"

	"github.com/futugw/gateway/platform/testkit"
)

// TestReadmeTableListsEveryRoute: the README's route table (written by
// gen-catalog.mjs) has one row for each row of the catalog, with its route, its OpenD
// protocol and its scope, and no other.
func TestReadmeTableListsEveryRoute(t *testing.T) {
	table := testkit.MarkedSection(t, "../../README.md", "routes")
	lines := strings.Split(strings.TrimSpace(table), "\n")
	if len(lines) < 2 {
		t.Fatalf("README route table is empty: run `make catalog`")
	}
	rows := lines[2:] // the header and its rule
	if len(rows) != len(All()) {
		t.Errorf("README route table has %d rows for %d catalog rows: run `make catalog`", len(rows), len(All()))
	}
	for i, r := range All() {
		if i >= len(rows) {
			break
		}
		row := rows[i]
		route := "`" + r.Path + "` | "
		if r.HTTPMethod == "" {
			svc := r.FullMethod[strings.LastIndexByte(r.FullMethod[:strings.LastIndexByte(r.FullMethod, '/')], '.')+1:]
			route = "gRPC `" + strings.Replace(svc, "/", ".", 1) + "` | "
		}
		if r.Proto != "" {
			route += r.Proto + " ("
		}
		if !strings.Contains(row, route) {
			t.Errorf("README route table row %d is %q, want %s (%s): run `make catalog`", i+1, row, route, r.FullMethod)
		}
		for _, s := range r.Scopes {
			if !strings.Contains(row, "`"+s+"`") {
				t.Errorf("README route table row %d lacks scope %s of %s: run `make catalog`", i+1, s, r.FullMethod)
			}
		}
	}
}
