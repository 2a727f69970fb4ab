package seckey

import "testing"

func TestOf(t *testing.T) {
	for _, tc := range []struct {
		market int32
		code   string
		want   string
	}{
		{1, "00700", "HK.00700"},
		{11, "AAPL", "US.AAPL"},
		{21, "600519", "21.600519"},
	} {
		if got := Of(tc.market, tc.code); got != tc.want {
			t.Errorf("Of(%d, %q) = %q, want %q", tc.market, tc.code, got, tc.want)
		}
	}
}
