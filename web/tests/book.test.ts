// The order book's mapping: 10 levels a side, asks above bids, depth bars, own orders marked.
import { describe, expect, it } from 'vitest';
import { bookView, levelsFromJSON, ownResting } from '../src/lib/book';
import type { Order } from '../src/api/types';

const lv = (price: number, volume = 100, orders = 1) => ({ price, volume, orders });
const asks = Array.from({ length: 12 }, (_, i) => lv(100.2 + i * 0.2, 100 * (i + 1)));
const bids = Array.from({ length: 12 }, (_, i) => lv(100 - i * 0.2, 50 * (i + 1)));

function order(o: Partial<Order>): Order {
  return {
    order_id: '1', code: '00700', name: '', trd_side: 'TRD_SIDE_BUY', order_type: 'ORDER_TYPE_NORMAL', order_status: 'ORDER_STATUS_SUBMITTED',
    qty: 200, price: 100, fill_qty: 0, fill_avg_price: 0, create_time: '', update_time: '', last_err_msg: '', ...o,
  };
}

describe('order book levels', () => {
  it('shows 10 levels a side, the best ask just above the best bid', () => {
    const v = bookView(asks, bids);
    expect(v.asks).toHaveLength(10);
    expect(v.bids).toHaveLength(10);
    expect(v.asks[9]).toMatchObject({ price: 100.2, side: 'ask', level: 0 });
    expect(v.asks[0]).toMatchObject({ side: 'ask', level: 9 });
    expect(v.asks[0].price).toBeCloseTo(102);
    expect(v.bids[0]).toMatchObject({ price: 100, side: 'bid', level: 0 });
    expect(v.spread).toBeCloseTo(0.2);
  });

  it('scales depth bars to the largest level shown', () => {
    const v = bookView(asks, bids);
    expect(v.asks[0].depth).toBe(1); // 1000, the 10th ask
    expect(v.bids[9].depth).toBeCloseTo(0.5);
  });

  it('handles a thin or empty book', () => {
    expect(bookView([], [])).toEqual({ asks: [], bids: [], spread: null, beyond: [] });
    const v = bookView([lv(5)], []);
    expect(v.asks).toHaveLength(1);
    expect(v.spread).toBeNull();
  });

  it('marks own resting orders at their price and side', () => {
    const own = ownResting(
      [
        order({ order_id: 'b1', price: 99.6, qty: 300, fill_qty: 100 }),
        order({ order_id: 's1', trd_side: 'TRD_SIDE_SELL', price: 100.6 }),
        order({ order_id: 's2', trd_side: 2, order_status: 5, price: 100.6 }), // push form: numbers
        order({ order_id: 'done', price: 99.8, order_status: 'ORDER_STATUS_FILLED_ALL' }),
        order({ order_id: 'gone', price: 99.8, order_status: 15 }),
        order({ order_id: 'other', code: 'AAPL', price: 99.8 }),
        order({ order_id: 'mkt', price: 0 }),
      ],
      '00700',
    );
    expect(own.map((o) => o.orderId)).toEqual(['b1', 's1', 's2']);
    const v = bookView(asks, bids, own);
    const bid = v.bids.find((r) => Math.abs(r.price - 99.6) < 1e-9)!;
    expect(bid.own).toEqual([{ orderId: 'b1', side: 'BUY', qty: 200 }]);
    const ask = v.asks.find((r) => Math.abs(r.price - 100.6) < 1e-9)!;
    expect(ask.own.map((o) => o.orderId)).toEqual(['s1', 's2']);
    expect([...v.asks, ...v.bids].filter((r) => r.own.length)).toHaveLength(2);
    expect(v.beyond).toEqual([]);
  });

  it('lists own orders at prices the shown levels do not hold, highest first', () => {
    const own = ownResting(
      [order({ order_id: 'far', price: 90 }), order({ order_id: 'near', price: 99.8 }), order({ order_id: 'high', trd_side: 'TRD_SIDE_SELL', price: 120 })],
      '00700',
    );
    const v = bookView(asks, bids, own);
    expect(v.beyond.map((o) => [o.orderId, o.price])).toEqual([['high', 120], ['far', 90]]);
  });

  it('reads the REST form (Futu spells it oreder_count)', () => {
    expect(levelsFromJSON([{ price: 1.5, volume: '4500', oreder_count: 6 }])).toEqual([{ price: 1.5, volume: 4500, orders: 6 }]);
    expect(levelsFromJSON(undefined)).toEqual([]);
  });
});
