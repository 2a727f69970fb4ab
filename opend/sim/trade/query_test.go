package trade

import (
	"testing"

	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/opend/sim/market"
)

// TestMatchFilter: codeList takes a bare code or a market key, idList an id, both
// must match, and an empty list (or no filter) lets everything through.
func TestMatchFilter(t *testing.T) {
	inst := market.Instrument{Market: 1, Code: "00700"}
	for _, tc := range []struct {
		name string
		f    *trdcommon.TrdFilterConditions
		id   uint64
		want bool
	}{
		{"no filter", nil, 7, true},
		{"empty lists", &trdcommon.TrdFilterConditions{}, 7, true},
		{"bare code", &trdcommon.TrdFilterConditions{CodeList: []string{"00700"}}, 7, true},
		{"market key", &trdcommon.TrdFilterConditions{CodeList: []string{inst.Key()}}, 7, true},
		{"other code", &trdcommon.TrdFilterConditions{CodeList: []string{"00005"}}, 7, false},
		{"id", &trdcommon.TrdFilterConditions{IdList: []uint64{3, 7}}, 7, true},
		{"other id", &trdcommon.TrdFilterConditions{IdList: []uint64{3}}, 7, false},
		{"code and other id", &trdcommon.TrdFilterConditions{CodeList: []string{"00700"}, IdList: []uint64{3}}, 7, false},
	} {
		if got := matchFilter(tc.f, inst, tc.id); got != tc.want {
			t.Errorf("%s: matchFilter = %v, want %v", tc.name, got, tc.want)
		}
	}
}
