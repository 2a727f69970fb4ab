package keypolicy

import (
	"strings"
	"testing"
	"time"
)

func TestParseHoursWindow(t *testing.T) {
	tests := []struct {
		in   string
		want HoursWindow
		ok   bool
	}{
		{"09:30-16:00", HoursWindow{570, 960}, true},
		{"22:00-02:00", HoursWindow{1320, 120}, true}, // crosses midnight
		{"00:00-23:59", HoursWindow{0, 1439}, true},
		{"23:59-00:00", HoursWindow{1439, 0}, true},
		// Whitespace around the value and around the dash is ignored...
		{" 09:30-16:00", HoursWindow{570, 960}, true},
		{"09:30-16:00 ", HoursWindow{570, 960}, true},
		{"09:30 - 16:00", HoursWindow{570, 960}, true},
		{"\t22:00 -02:00\n", HoursWindow{1320, 120}, true},
		// ...and refused anywhere else.
		{"09 :30-16:00", HoursWindow{}, false},
		{"09: 30-16:00", HoursWindow{}, false},
		{"09:30-16: 00", HoursWindow{}, false},
		{"0 9:30-16:00", HoursWindow{}, false},
		{"09:30 16:00", HoursWindow{}, false},
		// Malformed or out of range.
		{"09:30-09:30", HoursWindow{}, false},
		{"24:00-01:00", HoursWindow{}, false},
		{"09:60-10:00", HoursWindow{}, false},
		{"9:30-16:00", HoursWindow{}, false},
		{"1:00-02:00", HoursWindow{}, false},
		{"09:30--16:00", HoursWindow{}, false},
		{"09:30-16:00-17:00", HoursWindow{}, false},
		{"0930-1600xx", HoursWindow{}, false},
		{"ab:cd-ef:gh", HoursWindow{}, false},
		{"10:00", HoursWindow{}, false},
		{"9-5", HoursWindow{}, false},
		{"", HoursWindow{}, false},
		{" ", HoursWindow{}, false},
	}
	for _, tt := range tests {
		got, err := ParseHoursWindow(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseHoursWindow(%q) = %v, %v; want %v ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err == nil {
			if again, err := ParseHoursWindow(got.String()); err != nil || again != got {
				t.Errorf("String() %q does not parse back: %v, %v", got.String(), again, err)
			}
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

func TestContainsTimeAcrossMidnight(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tzdata")
	}
	w, err := ParseHoursWindow("22:00-02:30")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		h, m int
		in   bool
	}{{21, 59, false}, {22, 0, true}, {23, 59, true}, {0, 0, true}, {2, 29, true}, {2, 30, false}, {12, 0, false}} {
		at := time.Date(2026, 7, 1, tt.h, tt.m, 0, 0, ny)
		if got := w.ContainsTime(at.UTC(), ny); got != tt.in {
			t.Errorf("%02d:%02d in %v: got %v want %v", tt.h, tt.m, w, got, tt.in)
		}
	}
}

// FuzzParseHoursWindow: never panics; an accepted window is non-empty, in range, and
// its input is its canonical form up to whitespace around the value and the dash.
func FuzzParseHoursWindow(f *testing.F) {
	for _, s := range []string{"09:30-16:00", "22:00-02:00", " 09:30 - 16:00 ", "00:00-00:00", "99:99-99:99", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, err := ParseHoursWindow(s)
		if err != nil {
			return
		}
		a, b, _ := strings.Cut(s, "-")
		if w.String() != strings.TrimSpace(a)+"-"+strings.TrimSpace(b) ||
			w.Start == w.End || w.Start < 0 || w.End >= minutesPerDay || !w.Contains(w.Start) {
			t.Fatalf("ParseHoursWindow(%q) = %+v", s, w)
		}
	})
}
