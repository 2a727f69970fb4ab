package sim

import (
	"slices"
	"testing"
)

func TestDelaySegments(t *testing.T) {
	def, _ := segments(nil)
	if len(def) != 51+4 || def[0] != 0 || def[50] != 100 || !slices.Equal(def[51:], []int32{500, 1000, 2000, -1}) {
		t.Errorf("default segments %v", def)
	}
	for _, c := range []struct {
		in   []int32
		want []int32 // nil = refused
	}{
		{[]int32{10, 20}, []int32{0, 10, 20, -1}},
		{[]int32{0, 1, 2, -1}, []int32{0, 1, 2, -1}},
		{[]int32{100, 150, 1000, 1500, 5000}, []int32{0, 100, 150, 1000, 1500, 5000, -1}},
		{[]int32{100, 120}, nil},   // 50 ms minimum above 100 ms
		{[]int32{1000, 1200}, nil}, // 500 ms minimum above 1000 ms
		{[]int32{20, 10}, nil},     // not ascending
		{[]int32{5000, 6000}, nil}, // nothing settable past 5000 ms
	} {
		got, err := segments(c.in)
		if c.want == nil {
			if err == nil {
				t.Errorf("segments(%v) = %v, want a refusal", c.in, got)
			}
			continue
		}
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("segments(%v) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
}

// Bucket counts come from the cumulative curve, so they add up to the total
// and the last cumulative ratio is 100%.
func TestDelayBucketsAddUp(t *testing.T) {
	bounds, _ := segments(nil)
	for _, total := range []int64{0, 1, 7, 1000, 123457} {
		items := buckets(bounds, 13.2, total)
		var sum int64
		for _, it := range items {
			sum += int64(it.GetCount())
		}
		if sum != total {
			t.Errorf("total %d: buckets sum to %d", total, sum)
		}
		if last := items[len(items)-1].GetCumulativeRatio(); total > 0 && last != 100 {
			t.Errorf("total %d: last cumulative ratio %g", total, last)
		}
	}
}
