package conformance

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/futugw/gateway/opend/protoid"
)

// walkSummary is the JSON walk.mjs writes.
type walkSummary struct {
	Counts map[string]int `json:"counts"`
	Protos []struct {
		ID     uint32 `json:"id"`
		Name   string `json:"name"`
		Class  string `json:"class"`
		RetMsg string `json:"retMsg"`
		Reason string `json:"reason"`
	} `json:"protos"`
}

// TestWalkEveryProtoAgainstSimulator starts opend-sim and runs walk.mjs, which calls
// every request protocol of the official table with a minimal request and decodes
// every answer with the official definitions. Which ids the simulator serves is not
// written down here (other work adds handlers all the time): walk.mjs infers it from
// the answers. What must hold: every id is asked once, nothing crashes or times out,
// and every answer of an id with a handler decodes and verifies officially.
func TestWalkEveryProtoAgainstSimulator(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts opend-sim; skipped with -short")
	}
	tool := findNodeTool(t)
	bin := buildSim(t)
	addr := freeAddr(t)
	pwFile := filepath.Join(t.TempDir(), "trade-password")
	writeFile(t, pwFile, []byte(simTradePassword+"\n"))
	logs := startSim(t, bin, simArgs(addr, pwFile))
	jsonOut := filepath.Join(t.TempDir(), "walk.json")
	out, code := tool.runEnv(t, []string{"FUTUGW_TRADE_PASSWORD=" + simTradePassword}, "walk.mjs", addr, "--json", jsonOut)
	t.Logf("walk.mjs:\n%s", out)
	if code != 0 {
		t.Fatalf("walk.mjs failed (exit %d); opend-sim log:\n%s", code, logs.String())
	}
	raw, err := os.ReadFile(jsonOut)
	if err != nil {
		t.Fatal(err)
	}
	var sum walkSummary
	if err := json.Unmarshal(raw, &sum); err != nil {
		t.Fatalf("walk summary: %v", err)
	}

	seen := map[uint32]string{}
	for _, p := range sum.Protos {
		if _, twice := seen[p.ID]; twice {
			t.Errorf("%d %s walked twice", p.ID, p.Name)
		}
		seen[p.ID] = p.Class
		switch p.Class {
		case "served", "refused", "unsupported":
		case "broken":
			t.Errorf("%d %s: broken: %s%s", p.ID, p.Name, p.Reason, p.RetMsg)
		default:
			t.Errorf("%d %s: unknown class %q", p.ID, p.Name, p.Class)
		}
	}
	for _, p := range protoid.All() {
		if p.Push || p.ID == protoid.InitConnect {
			continue
		}
		if _, ok := seen[p.ID]; !ok {
			t.Errorf("%d %s: not walked", p.ID, p.Name)
		}
	}
	// The walker must tell served from unsupported: these have always been served.
	for _, id := range []uint32{protoid.GetGlobalState, protoid.GetDelayStatistics, protoid.QotSub,
		protoid.TrdGetAccList, protoid.TrdPlaceOrder, protoid.TrdModifyOrder} {
		if seen[id] != "served" {
			p, _ := protoid.Lookup(id)
			t.Errorf("%s: %q, want served", p.Name, seen[id])
		}
	}
	// The system ids futu-api leaves out are asked too, and refused by name.
	for _, id := range []uint32{protoid.Verification, protoid.TestCmd, protoid.InitQuantMode} {
		if seen[id] != "refused" {
			t.Errorf("proto %d: %q, want refused", id, seen[id])
		}
	}
	t.Logf("walk counts: %v", sum.Counts)
}
