package keys

import (
	"testing"

	"github.com/futugw/gateway/platform/keypolicy"
)

func TestParseSymbol(t *testing.T) {
	tests := []struct {
		in   string
		want Symbol
		ok   bool
	}{
		{"HK.00700", Symbol{"HK", "00700"}, true},
		{"US.AAPL", Symbol{"US", "AAPL"}, true},
		{"US.BRK.B", Symbol{"US", "BRK.B"}, true},
		{"US.BF-B", Symbol{"US", "BF-B"}, true},
		{"US.ABCDEFGHIJ", Symbol{"US", "ABCDEFGHIJ"}, true},
		{"CN.600519", Symbol{"CN", "600519"}, true},
		{"HKCC.600519", Symbol{"HKCC", "600519"}, true},
		{"SG.D05", Symbol{"SG", "D05"}, true},
		{"JP.7203", Symbol{"JP", "7203"}, true},
		{"US.ABCDEFGHIJK", Symbol{}, false}, // 11 chars
		{"US.aapl", Symbol{}, false},
		{"US.1AB", Symbol{}, false},
		{"US.", Symbol{}, false},
		{"HK.700", Symbol{}, false},
		{"HK.007000", Symbol{}, false},
		{"HK.0070A", Symbol{}, false},
		{"CN.60051", Symbol{}, false},
		{"hk.00700", Symbol{}, false},
		{"XX.00700", Symbol{}, false},
		{"00700", Symbol{}, false},
		{".00700", Symbol{}, false},
		{"", Symbol{}, false},
		{"SG.ABCDEFGHIJKLM", Symbol{}, false},
		{"US.AAPL\x00", Symbol{}, false},
	}
	for _, tt := range tests {
		got, err := ParseSymbol(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseSymbol(%q) = %v, %v; want %v ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err == nil && got.String() != tt.in {
			t.Errorf("String() = %q, want %q", got.String(), tt.in)
		}
	}
}

// FuzzParseSymbol: never panics, and an accepted symbol prints back to its input.
func FuzzParseSymbol(f *testing.F) {
	for _, s := range []string{"HK.00700", "US.BRK.B", "CN.600519", "X.", "..", "US.\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sym, err := ParseSymbol(s)
		if err != nil {
			return
		}
		if sym.String() != s || !keypolicy.KnownMarket(sym.Market) {
			t.Fatalf("ParseSymbol(%q) = %+v", s, sym)
		}
	})
}
