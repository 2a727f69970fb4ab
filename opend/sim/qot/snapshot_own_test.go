package qot

import "testing"

// TestOwnOrdersInSnapshot: the snapshot's best bid and ask are the order
// book's first levels, the user's own resting orders included.
func TestOwnOrdersInSnapshot(t *testing.T) {
	const key = "HK.00700"
	var own []OwnOrder
	e := start(t, Config{OwnOrders: func(k string) []OwnOrder {
		if k != key {
			return nil
		}
		return own
	}})
	ctx := testCtx(t)
	c := e.dial(t)
	mustOK(t, doSub(ctx, t, c, subReq{keys: []string{key}, types: []int32{SubOrderBook}}), "sub")
	plain, st := getBook(ctx, t, c, key, 10, bookNormal)
	mustOK(t, st, "plain book")
	bid1, ask1 := plain.GetOrderBookBidList()[0], plain.GetOrderBookAskList()[0]
	// Set before any step reads it: the push loop only steps on e.mkt.Step.
	own = []OwnOrder{
		{Buy: true, Price: bid1.GetPrice(), Qty: 300},
		{Buy: false, Price: ask1.GetPrice(), Qty: 200},
		{Buy: false, Price: ask1.GetPrice(), Qty: 100},
	}
	book, st := getBook(ctx, t, c, key, 10, bookNormal)
	mustOK(t, st, "book with own orders")
	snap := snapshots(t, c, key)[0].GetBasic()
	tests := []struct {
		name           string
		price          float64
		vol, bookVol   int64
		wantVol        int64
		bookPrice, was float64
	}{
		{"bid", snap.GetBidPrice(), snap.GetBidVol(), book.GetOrderBookBidList()[0].GetVolume(), bid1.GetVolume() + 300,
			book.GetOrderBookBidList()[0].GetPrice(), bid1.GetPrice()},
		{"ask", snap.GetAskPrice(), snap.GetAskVol(), book.GetOrderBookAskList()[0].GetVolume(), ask1.GetVolume() + 300,
			book.GetOrderBookAskList()[0].GetPrice(), ask1.GetPrice()},
	}
	for _, tt := range tests {
		if tt.price != tt.bookPrice || tt.price != tt.was || tt.vol != tt.bookVol || tt.vol != tt.wantVol {
			t.Errorf("best %s: snapshot %v x %d, book %v x %d; want %v x %d",
				tt.name, tt.price, tt.vol, tt.bookPrice, tt.bookVol, tt.was, tt.wantVol)
		}
	}
}
