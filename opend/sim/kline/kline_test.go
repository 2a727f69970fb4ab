package kline

import "testing"

// The values of Qot_Common.KLType and RehabType in futu-api's Qot_Common.proto.
func TestEnumValues(t *testing.T) {
	for _, c := range []struct {
		got, want int32
		name      string
	}{
		{int32(KL1Min), 1, "1Min"}, {int32(KLDay), 2, "Day"}, {int32(KLWeek), 3, "Week"},
		{int32(KLMonth), 4, "Month"}, {int32(KLYear), 5, "Year"}, {int32(KL5Min), 6, "5Min"},
		{int32(KL15Min), 7, "15Min"}, {int32(KL30Min), 8, "30Min"}, {int32(KL60Min), 9, "60Min"},
		{int32(KL3Min), 10, "3Min"}, {int32(KLQuarter), 11, "Quarter"}, {int32(KL10Min), 12, "10Min"},
		{int32(KL120Min), 13, "120Min"}, {int32(KL180Min), 14, "180Min"}, {int32(KL240Min), 15, "240Min"},
		{int32(RehabNone), 0, "RehabNone"}, {int32(RehabForward), 1, "RehabForward"}, {int32(RehabBackward), 2, "RehabBackward"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
}
