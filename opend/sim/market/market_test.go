package market

import (
	"sync"
	"testing"
	"time"
)

func fixedClock() time.Time { return time.Date(2025, 1, 2, 10, 0, 0, 0, time.UTC) }

func TestDefaultUniverse(t *testing.T) {
	u := DefaultUniverse()
	if len(u) < 18 {
		t.Fatalf("universe has %d instruments", len(u))
	}
	seen := map[string]bool{}
	for _, i := range u {
		if seen[i.Key()] {
			t.Errorf("duplicate %s", i.Key())
		}
		seen[i.Key()] = true
		if i.LotSize <= 0 || i.Name == "" || i.ListTime == "" || i.SecType != SecTypeEqty {
			t.Errorf("incomplete instrument %+v", i)
		}
		if (i.Market == MarketHK) != (i.Currency == CurrencyHKD) {
			t.Errorf("%s: currency %d", i.Key(), i.Currency)
		}
	}
	m := New(Config{Seed: 1, Now: fixedClock})
	for code, lot := range map[string]int32{"00700": 100, "00005": 400, "00941": 500, "00883": 1000} {
		in, ok := m.Instrument(MarketHK, code)
		if !ok || in.LotSize != lot {
			t.Errorf("HK.%s lot = %d (%v), want %d", code, in.LotSize, ok, lot)
		}
	}
	if _, ok := m.Instrument(MarketUS, "NOPE"); ok {
		t.Error("unknown code found")
	}
	if got := (Instrument{Market: MarketUS, Code: "AAPL"}).Key(); got != "US.AAPL" {
		t.Errorf("Key = %q", got)
	}
}

func TestStepStaysValid(t *testing.T) {
	m := New(Config{Seed: 7, Volatility: 0.01, Now: fixedClock})
	for _, in := range m.Instruments() {
		key := in.Key()
		before, _ := m.QuoteByKey(key)
		for range 2000 {
			q, ok := m.Step(key)
			if !ok {
				t.Fatalf("Step(%s) failed", key)
			}
			if !ValidPrice(q.Market, q.Cur) {
				t.Fatalf("%s: price %v off grid", key, q.Cur)
			}
			if q.High < q.Cur || q.Low > q.Cur || q.Low > q.Open || q.High < q.Open {
				t.Fatalf("%s: inconsistent range %+v", key, q)
			}
		}
		after, _ := m.QuoteByKey(key)
		if after.Seq != before.Seq+2000 || after.Volume <= before.Volume || after.Turnover <= 0 {
			t.Errorf("%s: counters not updated: %+v", key, after)
		}
		if after.Volume%int64(in.LotSize) != 0 {
			t.Errorf("%s: volume %d not in lots of %d", key, after.Volume, in.LotSize)
		}
	}
	if _, ok := m.Step("HK.99999"); ok {
		t.Error("unknown key stepped")
	}
}

func TestDeterministic(t *testing.T) {
	run := func(seed int64) []Quote {
		m := New(Config{Seed: seed, Now: fixedClock})
		var out []Quote
		for range 200 {
			for _, in := range m.Instruments() {
				q, _ := m.Step(in.Key())
				out = append(out, q)
			}
		}
		return out
	}
	a, b, c := run(42), run(42), run(43)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("same seed diverged at %d: %+v vs %+v", i, a[i], b[i])
		}
	}
	same := true
	for i := range a {
		if a[i].Cur != c[i].Cur {
			same = false
			break
		}
	}
	if same {
		t.Error("different seeds produced identical paths")
	}
}

func TestCustomUniverseAndOnTick(t *testing.T) {
	in := Instrument{Market: MarketUS, Code: "XYZ", Name: "X", LotSize: 1, SecType: SecTypeEqty, Currency: CurrencyUSD}
	m := New(Config{Seed: 1, Universe: []Instrument{in}, Prices: map[string]float64{"US.XYZ": 12.345}, Now: fixedClock})
	q, ok := m.Quote(MarketUS, "XYZ")
	if !ok || q.LastClose != 12.35 && q.LastClose != 12.34 {
		t.Fatalf("quote = %+v, %v", q, ok)
	}
	var mu sync.Mutex
	got := 0
	cancel := m.OnTick(func(q Quote) {
		mu.Lock()
		got++
		mu.Unlock()
	})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 100 {
				m.Step("US.XYZ")
			}
		})
	}
	wg.Wait()
	cancel()
	m.Step("US.XYZ")
	if got != 400 {
		t.Errorf("OnTick called %d times, want 400", got)
	}
}

// TestStepOnlyWhileTrading: with Config.Trading a closed market's securities
// stay still and notify no one; an open one's walk as before.
func TestStepOnlyWhileTrading(t *testing.T) {
	m := New(Config{Seed: 1, Now: fixedClock, Trading: func(market int32, now time.Time) bool {
		return market == MarketUS && now.Equal(fixedClock())
	}})
	ticks := 0
	defer m.OnTick(func(Quote) { ticks++ })()
	tests := []struct {
		key    string
		stepOK bool
	}{
		{"HK.00700", false},
		{"US.AAPL", true},
	}
	for _, tt := range tests {
		before, _ := m.QuoteByKey(tt.key)
		ticks = 0
		q, ok := m.Step(tt.key)
		if ok != tt.stepOK {
			t.Errorf("Step(%s) ok = %v, want %v", tt.key, ok, tt.stepOK)
		}
		if moved := q.Seq != 0; moved != tt.stepOK || (ticks == 1) != tt.stepOK {
			t.Errorf("Step(%s): seq %d, %d ticks; want a step %v", tt.key, q.Seq, ticks, tt.stepOK)
		}
		if !tt.stepOK && q != before {
			t.Errorf("Step(%s) changed a closed quote: %+v -> %+v", tt.key, before, q)
		}
	}
}
