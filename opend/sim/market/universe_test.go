package market

import (
	"strconv"
	"testing"
)

func TestGeneratedSecurities(t *testing.T) {
	const n = 180
	m := New(Config{Seed: 1, ExtraSecurities: n, Now: fixedClock})
	builtinN := len(DefaultUniverse())
	insts := m.Instruments()
	if len(insts) != builtinN+n {
		t.Fatalf("%d instruments, want %d built-in + %d generated", len(insts), builtinN, n)
	}
	for i, in := range DefaultUniverse() {
		if insts[i] != in {
			t.Errorf("instrument %d = %+v, want the built-in %+v first", i, insts[i], in)
		}
	}
	seen := map[string]bool{}
	for _, in := range insts {
		if seen[in.Key()] {
			t.Errorf("duplicate %s", in.Key())
		}
		seen[in.Key()] = true
	}
	for i, in := range insts[builtinN:] {
		code := strconv.Itoa(FirstGeneratedCode + i)
		want := Instrument{Market: MarketHK, Code: code, Name: "SIM " + code, LotSize: 100,
			SecType: SecTypeEqty, Currency: CurrencyHKD, ListTime: "2020-01-02"}
		if in != want {
			t.Errorf("generated %d = %+v, want %+v", i, in, want)
		}
		q, ok := m.QuoteByKey(in.Key())
		if !ok {
			t.Fatalf("%s: no quote", in.Key())
		}
		if q.LastClose < 10 || q.LastClose > 200 || !ValidPrice(MarketHK, q.LastClose) || !ValidPrice(MarketHK, q.Cur) {
			t.Errorf("%s: last close %v, open %v: want on the tick grid within 10-200", in.Key(), q.LastClose, q.Cur)
		}
		if q, ok = m.Step(in.Key()); !ok || !ValidPrice(MarketHK, q.Cur) || q.Volume%100 != 0 {
			t.Errorf("%s: step gave %+v (%v)", in.Key(), q, ok)
		}
	}
}

func TestGeneratedPricesSpread(t *testing.T) {
	ls := generated(MaxGenerated + 10) // clamped
	if len(ls) != MaxGenerated {
		t.Fatalf("%d generated, want the cap %d", len(ls), MaxGenerated)
	}
	if got := ls[len(ls)-1].inst.Code; got != "99999" {
		t.Errorf("last generated code %q, want 99999", got)
	}
	lo, hi := 1e9, 0.0
	for _, l := range ls[:200] {
		if !ValidPrice(MarketHK, l.price) {
			t.Errorf("%s: reference %v off the tick grid", l.inst.Key(), l.price)
		}
		lo, hi = min(lo, l.price), max(hi, l.price)
	}
	if lo > 20 || hi < 190 {
		t.Errorf("200 generated prices span %v-%v, want most of 10-200", lo, hi)
	}
	again := generated(200)
	for i := range again {
		if again[i] != ls[i] {
			t.Fatalf("generated %d differs between calls: %+v vs %+v", i, again[i], ls[i])
		}
	}
	if len(generated(-1)) != 0 {
		t.Error("negative count generated securities")
	}
}

func TestNoExtraKeepsDefaultUniverse(t *testing.T) {
	a := New(Config{Seed: 3, Now: fixedClock})
	b := New(Config{Seed: 3, ExtraSecurities: 0, Now: fixedClock})
	ia, ib := a.Instruments(), b.Instruments()
	if len(ia) != len(DefaultUniverse()) || len(ib) != len(ia) {
		t.Fatalf("%d and %d instruments, want %d", len(ia), len(ib), len(DefaultUniverse()))
	}
	for _, in := range ia {
		qa, _ := a.QuoteByKey(in.Key())
		qb, _ := b.QuoteByKey(in.Key())
		if qa != qb {
			t.Errorf("%s: %+v vs %+v", in.Key(), qa, qb)
		}
	}
	if q, _ := a.Quote(MarketHK, "00700"); q.LastClose != 480 {
		t.Errorf("HK.00700 last close %v, want the built-in 480", q.LastClose)
	}
	if _, ok := a.Quote(MarketHK, "80000"); ok {
		t.Error("HK.80000 exists without extra securities")
	}
}
