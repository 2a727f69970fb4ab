package testkit

import (
	"os"
	"strings"
	"testing"
)

// MarkedSection returns the text of file between the lines `<!-- name:start -->` and
// `<!-- name:end -->`, the markers tests use to read a documented table or example
// (the README's walkthrough, its table of reasons); it fails t when they are missing.
func MarkedSection(t testing.TB, file, name string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "<!-- "+name+":start -->\n")
	section, _, ok2 := strings.Cut(section, "<!-- "+name+":end -->")
	if !ok || !ok2 {
		t.Fatalf("%s has no <!-- %s:start --> ... <!-- %s:end --> section", file, name, name)
	}
	return section
}

// FencedCode returns the body of the first fenced code block of language lang in s
// (the lines between "```lang" and the next "```"); it fails t when there is none.
func FencedCode(t testing.TB, s, lang string) string {
	t.Helper()
	_, body, ok := strings.Cut(s, "```"+lang+"\n")
	body, _, ok2 := strings.Cut(body, "```")
	if !ok || !ok2 {
		t.Fatalf("no ```%s block", lang)
	}
	return body
}
