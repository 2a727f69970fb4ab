package trade

import (
	"testing"
)

func TestRestingOrders(t *testing.T) {
	f := newFixture(t, Config{})
	key := "HK.00700"
	if got := f.eng.RestingOrders(key); len(got) != 0 {
		t.Fatalf("resting before any order: %v", got)
	}
	buy := f.limitAt(key, 0.9)
	sell := f.limitAt(key, 1.1)
	f.mustPlace(placeReq(hkSim(), sideBuy, typeLimit, "00700", 200, buy))
	id := f.mustPlace(placeReq(hkSim(), sideBuy, typeLimit, "00700", 300, buy))
	f.mustPlace(placeReq(hkSim(), sideBuy, typeMarket, "00700", 100, 0)) // fills at once: never rests
	f.mustPlace(placeReq(hkSim(), sideSell, typeLimit, "00700", 100, sell))

	got := f.eng.RestingOrders(key)
	want := []RestingOrder{
		{EnvSimulate, true, buy, 200},
		{EnvSimulate, true, buy, 300},
		{EnvSimulate, false, sell, 100},
	}
	if len(got) != len(want) {
		t.Fatalf("resting %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("resting[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
	if err := f.modify(hkSim(), id, opCancel, 0, 0); err != nil {
		t.Fatal(err)
	}
	if got := f.eng.RestingOrders(key); len(got) != 2 {
		t.Errorf("after cancel: %v", got)
	}
	if got := f.eng.RestingOrders("US.AAPL"); len(got) != 0 {
		t.Errorf("other security: %v", got)
	}
}
