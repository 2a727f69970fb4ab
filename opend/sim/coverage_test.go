package sim_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim"
)

const coverageDoc = "../../docs/opend-sim-coverage.md"

// TestCoverageDoc checks that every official protocol is served, pushed or has a
// reason, and that docs/opend-sim-coverage.md says so; FUTUGW_UPDATE_DOCS=1 rewrites it.
func TestCoverageDoc(t *testing.T) {
	s, err := sim.New(sim.Config{})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("# opend-sim: coverage of OpenD's protocols\n\n")
	b.WriteString("Every protocol of Futu's official definitions (the futu-api package the proto id table\n")
	b.WriteString("is generated from) with its status in the simulator. Written by\n")
	b.WriteString("`FUTUGW_UPDATE_DOCS=1 go test ./sim/ -run TestCoverageDoc` in the opend module; the test\n")
	b.WriteString("fails when this file is stale or a protocol has no status.\n\n")
	served, pushed, missing := 0, 0, 0
	var rows strings.Builder
	for _, p := range protoid.All() {
		status := ""
		switch {
		case !p.Push && s.Serves(p.ID):
			status, served = "served", served+1
		case p.Push && sim.PushTrigger(p.ID) != "":
			status, pushed = "pushed: "+sim.PushTrigger(p.ID), pushed+1
		case sim.WhyNotServed(p.ID) != "":
			status, missing = "not served: "+sim.WhyNotServed(p.ID), missing+1
		default:
			t.Errorf("proto %d %s is neither served nor pushed and has no reason in opend/sim/coverage.go", p.ID, p.Name)
			continue
		}
		kind := "request"
		if p.Push {
			kind = "push"
		}
		fmt.Fprintf(&rows, "| %d | %s | %s | %s |\n", p.ID, p.Name, kind, status)
	}
	fmt.Fprintf(&b, "%d protocols: %d requests served, %d pushes sent, %d not served.\n\n", served+pushed+missing, served, pushed, missing)
	b.WriteString("| id | protocol | kind | status |\n|---|---|---|---|\n")
	b.WriteString(rows.String())
	want := b.String()
	path := filepath.FromSlash(coverageDoc)
	if os.Getenv("FUTUGW_UPDATE_DOCS") == "1" {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != want {
		t.Fatalf("docs/opend-sim-coverage.md is stale; run FUTUGW_UPDATE_DOCS=1 go test ./sim/ -run TestCoverageDoc (in opend)")
	}
}
