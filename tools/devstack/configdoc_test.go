package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// flagDoc is one flag as a binary's -h describes it.
type flagDoc struct{ Name, Env, Default, Usage string }

// parseHelp reads Go's flag usage format: "  -name type" then an indented usage line
// that ends with "(env NAME)" and "(default X)" where they apply.
func parseHelp(out string) []flagDoc {
	flagRe := regexp.MustCompile(`^\s+-([a-z0-9-]+)`)
	envRe := regexp.MustCompile(`\s*\((?:env )?([A-Z][A-Z0-9_]+)\)`)
	defRe := regexp.MustCompile(`\s*\(default (.*)\)$`)
	var docs []flagDoc
	for _, line := range strings.Split(out, "\n") {
		if m := flagRe.FindStringSubmatch(line); m != nil && strings.HasPrefix(strings.TrimLeft(line, " "), "-") {
			docs = append(docs, flagDoc{Name: m[1]})
			continue
		}
		if len(docs) == 0 || strings.TrimSpace(line) == "" || strings.Contains(line, "flag: help requested") {
			continue
		}
		d := &docs[len(docs)-1]
		text := strings.TrimSpace(line)
		if m := defRe.FindStringSubmatch(text); m != nil {
			d.Default = strings.Trim(m[1], `"`)
			text = defRe.ReplaceAllString(text, "")
		}
		if m := envRe.FindStringSubmatch(text); m != nil {
			d.Env = m[1]
			text = envRe.ReplaceAllString(text, "")
		}
		d.Usage = strings.TrimSpace(strings.TrimSpace(d.Usage + " " + text))
	}
	return docs
}

// TestConfigurationDoc keeps docs/configuration.md equal to what the binaries say
// about their flags; FUTUGW_UPDATE_DOCS=1 rewrites it.
func TestConfigurationDoc(t *testing.T) {
	root := repoRoot(t)
	binDir := t.TempDir()
	var b strings.Builder
	b.WriteString("# Configuration reference\n\n")
	b.WriteString("Every flag of every binary, with the environment variable that sets its default\n")
	b.WriteString("(a flag given on the command line wins). Generated from each binary's `-h` by\n")
	b.WriteString("`FUTUGW_UPDATE_DOCS=1 go test ./tools/devstack/ -run TestConfigurationDoc`; a test\n")
	b.WriteString("keeps it current. The trade password is read from a file (or `ORDER_TRADE_PASSWORD`),\n")
	b.WriteString("never from a flag.\n")
	b.WriteString("\n")
	b.WriteString("**Secret files** (`-redis-password-file`, `-trade-password-file`, `-service-key-file`,\n")
	b.WriteString("the bootstrap key files, futucli's `--key-file`) are all read by `platform/secret`, by\n")
	b.WriteString("one rule: the file holds one line; one trailing line ending (`\\n` or `\\r\\n`) is\n")
	b.WriteString("removed and nothing else, so spaces and tabs are part of the secret. An empty file, or\n")
	b.WriteString("one with a line break anywhere else, is refused at start (auth rewrites such a\n")
	b.WriteString("bootstrap key file with a fresh key instead).\n")
	b.WriteString("\n")
	b.WriteString("**Shared flag groups.** The flags every service takes are defined once, by the package\n")
	b.WriteString("that uses them: `-redis-addr`, `-redis-master`, `-redis-password-file` by\n")
	b.WriteString("`platform/redisx`; `-grpc-addr`, `-admin-addr`, `-pprof` and `-shutdown-timeout` by\n")
	b.WriteString("`platform/run/runflags` (opend-sim takes `-admin-addr` and `-shutdown-timeout` alone); `-log-level`\n")
	b.WriteString("by `platform/obs`; `-gc-heap-floor-mib` by `platform/gcfloor`; `-auth-addr` by\n")
	b.WriteString("`platform/authn`; `-opend-addr` by `opend/client`.\n")
	for _, tg := range targets {
		bin := filepath.Join(binDir, tg.Name)
		build := exec.Command("go", "build", "-o", bin, tg.Pkg)
		build.Dir = root
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("build %s: %v\n%s", tg.Name, err, out)
		}
		out, _ := exec.Command(bin, "-h").CombinedOutput()
		docs := parseHelp(string(out))
		if len(docs) == 0 {
			continue // futucli documents its own commands (futucli help)
		}
		fmt.Fprintf(&b, "\n## %s\n\n| flag | env | default | meaning |\n| --- | --- | --- | --- |\n", tg.Name)
		for _, d := range docs {
			fmt.Fprintf(&b, "| `-%s` | %s | %s | %s |\n", d.Name, code(d.Env), code(d.Default), strings.ReplaceAll(d.Usage, "|", `\|`))
		}
	}
	path := filepath.Join(root, "docs", "configuration.md")
	if os.Getenv("FUTUGW_UPDATE_DOCS") == "1" {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	cur, err := os.ReadFile(path)
	if err != nil || string(cur) != b.String() {
		t.Fatalf("docs/configuration.md is stale; run FUTUGW_UPDATE_DOCS=1 go test ./tools/devstack/ -run TestConfigurationDoc")
	}
}

func code(s string) string {
	if s == "" {
		return ""
	}
	return "`" + s + "`"
}
