package conformance

import "testing"

// TestProtoIDTablesCurrent fails when opend/protoid/table_gen.go or
// tools/conformance/lib/protoids.mjs differs from what gen-protoids.mjs makes of the
// pinned futu-api: the table must be regenerated (`make protoids`) and committed.
func TestProtoIDTablesCurrent(t *testing.T) {
	tool := findNodeTool(t)
	out, code := tool.run(t, "gen-protoids.mjs", "--check")
	if code != 0 {
		t.Fatalf("gen-protoids.mjs --check exited %d:\n%s", code, out)
	}
}

// TestOpenDProtosCurrent fails when api/proto/futu/opend/*.proto or
// opend/conformance/imports_gen_test.go differs from what gen-opend-protos.mjs makes
// of the pinned futu-api: they must be regenerated (`make opend-protos`, then
// `make proto`) and committed.
func TestOpenDProtosCurrent(t *testing.T) {
	tool := findNodeTool(t)
	out, code := tool.run(t, "gen-opend-protos.mjs", "--check")
	if code != 0 {
		t.Fatalf("gen-opend-protos.mjs --check exited %d:\n%s", code, out)
	}
}

// TestCatalogCurrent fails when what gen-catalog.mjs makes of api/catalog.json and the
// pinned futu-api (the mirrored catalog.proto, api/gateway.yaml's catalog section,
// platform/catalog/routes_gen.go, the README's route table) differs from the
// committed files: run `make catalog` and commit.
func TestCatalogCurrent(t *testing.T) {
	tool := findNodeTool(t)
	out, code := tool.run(t, "gen-catalog.mjs", "--check")
	if code != 0 {
		t.Fatalf("gen-catalog.mjs --check exited %d:\n%s", code, out)
	}
}
