package keys

import (
	"testing"
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

func TestParseHoursWindow(t *testing.T) {
	tests := []struct {
		in   string
		want HoursWindow
		ok   bool
	}{
		{"09:30-16:00", HoursWindow{570, 960}, true},
		{"22:00-02:00", HoursWindow{1320, 120}, true},
		{"00:00-23:59", HoursWindow{0, 1439}, true},
		{"23:59-00:00", HoursWindow{1439, 0}, true},
		{"09:30-09:30", HoursWindow{}, false},
		{"24:00-01:00", HoursWindow{}, false},
		{"09:60-10:00", HoursWindow{}, false},
		{"9:30-16:00", HoursWindow{}, false},
		{"09:30 16:00", HoursWindow{}, false},
		{"09:30-16:00 ", HoursWindow{}, false},
		{"0930-1600xx", HoursWindow{}, false},
		{"ab:cd-ef:gh", HoursWindow{}, false},
		{"", HoursWindow{}, false},
	}
	for _, tt := range tests {
		got, err := ParseHoursWindow(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseHoursWindow(%q) = %v, %v; want %v ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err == nil && got.String() != tt.in {
			t.Errorf("String() = %q", got.String())
		}
	}
}

func TestHoursWindowContainsAndWithin(t *testing.T) {
	day := HoursWindow{9 * 60, 17 * 60}
	night := HoursWindow{22 * 60, 2 * 60}
	tests := []struct {
		w      HoursWindow
		minute int
		want   bool
	}{
		{day, 9 * 60, true}, {day, 17*60 - 1, true}, {day, 17 * 60, false}, {day, 0, false},
		{night, 22 * 60, true}, {night, 23*60 + 59, true}, {night, 0, true}, {night, 119, true},
		{night, 120, false}, {night, 12 * 60, false},
	}
	for _, tt := range tests {
		if got := tt.w.Contains(tt.minute); got != tt.want {
			t.Errorf("%v.Contains(%d) = %v", tt.w, tt.minute, got)
		}
	}
	within := []struct {
		inner, outer HoursWindow
		want         bool
	}{
		{HoursWindow{10 * 60, 12 * 60}, day, true},
		{day, day, true},
		{HoursWindow{8 * 60, 12 * 60}, day, false},
		{HoursWindow{23 * 60, 1 * 60}, night, true},
		{HoursWindow{21 * 60, 1 * 60}, night, false},
		{day, night, false},
	}
	for _, tt := range within {
		if got := tt.inner.Within(tt.outer); got != tt.want {
			t.Errorf("%v.Within(%v) = %v", tt.inner, tt.outer, got)
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
		if sym.String() != s || !KnownMarket(sym.Market) {
			t.Fatalf("ParseSymbol(%q) = %+v", s, sym)
		}
	})
}

// FuzzParseHoursWindow: never panics; accepted windows round-trip and are non-empty.
func FuzzParseHoursWindow(f *testing.F) {
	for _, s := range []string{"09:30-16:00", "22:00-02:00", "00:00-00:00", "99:99-99:99", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, err := ParseHoursWindow(s)
		if err != nil {
			return
		}
		if w.String() != s || w.Start == w.End || w.Start < 0 || w.End >= minutesPerDay || !w.Contains(w.Start) {
			t.Fatalf("ParseHoursWindow(%q) = %+v", s, w)
		}
	})
}
