package errinfo

import (
	"regexp"
	"strings"
	"testing"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/testkit"
)

// readmeRow is one row of the README's table of reasons: | `reason` | HTTP | meaning |.
var readmeRow = regexp.MustCompile("^\\| `([a-z_]+)` \\| ([1-5][0-9][0-9]) \\| (.+) \\|$")

// TestReadmeTableListsEveryReason keeps the README's table of reasons and the enum
// equal, both ways: every declared reason is documented, and every documented one exists.
func TestReadmeTableListsEveryReason(t *testing.T) {
	table := testkit.MarkedSection(t, "../../README.md", "reasons")
	documented := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(table), "\n")[2:] { // past header and rule
		m := readmeRow.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("README row %q is not | `reason` | HTTP | meaning |", line)
			continue
		}
		if documented[m[1]] {
			t.Errorf("README lists %s twice", m[1])
		}
		documented[m[1]] = true
		if Parse(m[1]) == gatewayv1.Reason_REASON_UNSPECIFIED {
			t.Errorf("README lists %s, which errors.proto does not declare", m[1])
		}
	}
	for _, r := range All() {
		if !documented[Code(r)] {
			t.Errorf("%s (%v) has no row in the README's table of reasons", Code(r), r)
		}
	}
}
