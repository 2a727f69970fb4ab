package qot

import (
	"testing"
	"time"
)

func TestRegistry(t *testing.T) {
	t0 := time.Unix(0, 0)
	r := newRegistry[int](3, time.Minute)
	a, b := pair{"HK.00700", SubBasic}, pair{"HK.00700", SubTicker}
	c := pair{"US.AAPL", SubBasic}

	if _, err := r.subscribe(1, []pair{a, b, a}, true, t0); err != nil {
		t.Fatal(err)
	}
	if got := r.used(1); got != 2 {
		t.Fatalf("used %d, want 2 (duplicates count once)", got)
	}
	if _, err := r.subscribe(1, []pair{c, {"US.MSFT", SubBasic}}, false, t0); err == nil {
		t.Fatal("over quota accepted")
	}
	if r.used(1) != 2 {
		t.Fatal("failed subscribe changed state")
	}
	if _, err := r.subscribe(2, []pair{c}, false, t0); err != nil {
		t.Fatal(err)
	}
	if got := r.keys(); len(got) != 2 {
		t.Fatalf("keys %v", got)
	}
	if tg := r.targets(nil, "HK.00700"); len(tg) != 1 || tg[0].mask != maskOf(SubBasic)|maskOf(SubTicker) {
		t.Fatalf("targets %v", tg)
	}
	if tg := r.targets(nil, "US.AAPL"); len(tg) != 0 {
		t.Fatalf("unregistered push has targets %v", tg)
	}

	tests := []struct {
		name    string
		at      time.Duration
		pairs   []pair
		wantErr bool
	}{
		{"too early", 30 * time.Second, []pair{a}, true},
		{"unknown pair ignored after hold", time.Minute, []pair{{"HK.00005", SubBasic}}, false},
		{"after hold", time.Minute, []pair{a}, false},
	}
	for _, tt := range tests {
		err := r.unsubscribe(1, tt.pairs, t0.Add(tt.at))
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: err = %v", tt.name, err)
		}
	}
	if tg := r.targets(nil, "HK.00700"); len(tg) != 1 || tg[0].mask != maskOf(SubTicker) {
		t.Fatalf("targets after unsub %v", tg)
	}
	r.drop(1, t0.Add(time.Minute))
	if got := r.keys(); len(got) != 1 || got[0] != "US.AAPL" {
		t.Fatalf("keys after drop %v", got)
	}
	if tg := r.targets(nil, "HK.00700"); len(tg) != 0 {
		t.Fatalf("targets after drop %v", tg)
	}
}

func TestBookLevelsOnGrid(t *testing.T) {
	tests := []struct {
		mkt  int32
		cur  float64
		ask1 float64
		bid2 float64
	}{
		{1, 10.00, 10.02, 9.99},
		{1, 9.99, 10.00, 9.98},
		{1, 20.00, 20.05, 19.98},
		{1, 480.2, 480.4, 480.0},
		{11, 230.01, 230.02, 230.00},
	}
	for _, tt := range tests {
		if got := nextUp(tt.mkt, tt.cur); got != tt.ask1 {
			t.Errorf("nextUp(%v) = %v, want %v", tt.cur, got, tt.ask1)
		}
		if got := nextDown(tt.mkt, tt.cur); got != tt.bid2 {
			t.Errorf("nextDown(%v) = %v, want %v", tt.cur, got, tt.bid2)
		}
	}
}
