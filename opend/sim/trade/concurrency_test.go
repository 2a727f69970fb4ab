package trade

import (
	"sync"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/api/gen/go/futu/opend/common"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdmodifyorder"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdsubaccpush"
	"github.com/futugw/gateway/opend/sim/market"
)

// TestConcurrentTrading races placements, cancels, ticks and reads, then
// checks that cash, frozen cash and positions still add up.
func TestConcurrentTrading(t *testing.T) {
	f := newFixture(t, Config{})
	hk := hkSim()
	sub := &fakeSub{id: 9}
	subscribe(t, f.eng, sub, 1001)
	high, low := f.limitAt("HK.00700", 1.05), f.limitAt("HK.00700", 0.95)

	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() { // the market
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
				f.mkt.Step("HK.00700")
			}
		}
	}()
	var traders sync.WaitGroup
	for w := range 4 {
		traders.Add(1)
		go func() {
			defer traders.Done()
			for i := range 50 {
				pk := &common.PacketID{ConnID: proto.Uint64(uint64(100 + w)), SerialNo: proto.Uint32(uint32(2*i + 1))}
				price := low
				if i%3 == 0 {
					price = high
				}
				req := placeReq(hk, sideBuy, typeLimit, "00700", 100, price)
				req.PacketID = pk
				s2c, err := f.eng.placeOrder(req)
				if err != nil {
					continue // out of cash is fine here
				}
				if i%2 == 0 {
					cancelPK := &common.PacketID{ConnID: proto.Uint64(uint64(100 + w)), SerialNo: proto.Uint32(uint32(2*i + 2))}
					f.eng.modifyOrder(&trdmodifyorder.C2S{PacketID: cancelPK, Header: hk,
						OrderID: proto.Uint64(s2c.GetOrderID()), ModifyOrderOp: proto.Int32(opCancel)})
				}
				f.funds(hk)
			}
		}()
	}
	traders.Wait()
	close(stop)
	wg.Wait()

	// Invariants: frozen cash is exactly what open buys hold; cash moved by fills only.
	f.eng.mu.Lock()
	a := f.eng.accounts[1001]
	var frozen, spent, shares float64
	for _, o := range a.orders {
		if o.open() {
			frozen += o.frozen
			if !near(o.frozen, round6(o.remaining()*o.price)) {
				t.Errorf("order %d frozen %v, remaining %v @ %v", o.id, o.frozen, o.remaining(), o.price)
			}
		} else if o.frozen != 0 {
			t.Errorf("closed order %d still freezes %v", o.id, o.frozen)
		}
	}
	for _, fl := range a.fills {
		spent += fl.qty * fl.price
		shares += fl.qty
	}
	gotFrozen, gotCash := a.frozen, a.cash
	var held float64
	if p := a.positions[market.Key(market.MarketHK, "00700")]; p != nil {
		held = p.qty
	}
	f.eng.mu.Unlock()
	if !near(gotFrozen, frozen) || !near(gotCash, round6(1_000_000-spent)) || held != shares {
		t.Fatalf("frozen %v want %v; cash %v want %v; held %v want %v", gotFrozen, frozen, gotCash, 1_000_000-spent, held, shares)
	}
}

func BenchmarkPlaceMarketOrder(b *testing.B) {
	m := market.New(market.Config{Seed: 1})
	e := New(m, Config{Accounts: []AccountConfig{
		{ID: 1, Env: EnvSimulate, Markets: []int32{TrdMarketUS}, Currency: market.CurrencyUSD, Cash: 1e15}}})
	defer e.Close()
	sub := &discardSub{}
	if _, err := e.subAccPush(sub, nil, &trdsubaccpush.C2S{AccIDList: []uint64{1}}); err != nil {
		b.Fatal(err)
	}
	h := header(EnvSimulate, 1, TrdMarketUS)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		req := placeReq(h, sideBuy, typeMarket, "AAPL", 1, 0)
		req.PacketID = &common.PacketID{ConnID: proto.Uint64(1), SerialNo: proto.Uint32(uint32(i))}
		if _, err := e.placeOrder(req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTickWithOpenOrders measures one market tick re-checking 1000
// resting limit orders that do not fill.
func BenchmarkTickWithOpenOrders(b *testing.B) {
	m := market.New(market.Config{Seed: 1})
	e := New(m, Config{Accounts: []AccountConfig{
		{ID: 1, Env: EnvSimulate, Markets: []int32{TrdMarketUS}, Currency: market.CurrencyUSD, Cash: 1e15}}})
	defer e.Close()
	h := header(EnvSimulate, 1, TrdMarketUS)
	q, _ := m.Quote(market.MarketUS, "AAPL")
	low := market.Snap(market.MarketUS, q.Cur*0.5)
	for i := range 1000 {
		req := placeReq(h, sideBuy, typeLimit, "AAPL", 1, low)
		req.PacketID = &common.PacketID{ConnID: proto.Uint64(1), SerialNo: proto.Uint32(uint32(i))}
		if _, err := e.placeOrder(req); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		m.Step("US.AAPL")
	}
}

type discardSub struct{}

func (discardSub) ID() uint64                       { return 1 }
func (discardSub) Push(uint32, proto.Message) error { return nil }
