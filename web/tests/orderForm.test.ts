import { describe, expect, it } from 'vitest';
import {
  buildOrderRequest,
  describeOrder,
  hasTrigger,
  modifiable,
  modifyRequest,
  modifyInputOf,
  modifyNext,
  modifyProblems,
  trailTypeName,
  hasLimitPrice,
  orderTypeName,
  maxQtyFor,
  maxQtyRequest,
  ORDER_TYPE_LIST,
  ORDER_TYPES,
  orderValue,
  outsideRthAllowed,
  pruneStamps,
  ticketProblems,
  tifAllowed,
  valuePrice,
  windowLeft,
  type TicketInput,
} from '../src/lib/orderForm';

const base: TicketInput = {
  side: 'TRD_SIDE_BUY',
  type: 'ORDER_TYPE_NORMAL',
  price: '100',
  aux: '',
  qty: '200',
  trailType: 'TRAIL_TYPE_RATIO',
  trailValue: '1',
  trailSpread: '0',
  tif: 'TIME_IN_FORCE_DAY',
  outsideRth: false,
};
const hk = { market: 'TRD_MARKET_HK', lastPrice: 100, lotSize: 100 };
const acc = { trd_env: 'TRD_ENV_SIMULATE', acc_id: '1001' };

describe('order types', () => {
  it('offers every type POST /api/order takes, each with its fields', () => {
    expect(ORDER_TYPE_LIST).toEqual([
      'ORDER_TYPE_NORMAL', 'ORDER_TYPE_MARKET', 'ORDER_TYPE_STOP', 'ORDER_TYPE_STOP_LIMIT',
      'ORDER_TYPE_MARKET_IF_TOUCHED', 'ORDER_TYPE_LIMIT_IF_TOUCHED', 'ORDER_TYPE_TRAILING_STOP', 'ORDER_TYPE_TRAILING_STOP_LIMIT',
    ]);
    const f = (t: keyof typeof ORDER_TYPES) => ORDER_TYPES[t];
    expect(f('ORDER_TYPE_STOP')).toMatchObject({ price: false, aux: true, trail: false });
    expect(f('ORDER_TYPE_STOP_LIMIT')).toMatchObject({ price: true, aux: true });
    expect(f('ORDER_TYPE_LIMIT_IF_TOUCHED')).toMatchObject({ price: true, aux: true });
    expect(f('ORDER_TYPE_MARKET_IF_TOUCHED')).toMatchObject({ price: false, aux: true });
    expect(f('ORDER_TYPE_TRAILING_STOP')).toMatchObject({ price: false, aux: false, trail: true, spread: false });
    expect(f('ORDER_TYPE_TRAILING_STOP_LIMIT')).toMatchObject({ price: false, trail: true, spread: true });
  });

  it('builds a request with only the fields the type takes', () => {
    expect(buildOrderRequest(acc, 'TRD_MARKET_HK', '00700', base)).toEqual({
      trd_env: 'TRD_ENV_SIMULATE', acc_id: '1001', trd_market: 'TRD_MARKET_HK', code: '00700', trd_side: 'TRD_SIDE_BUY',
      order_type: 'ORDER_TYPE_NORMAL', qty: 200, price: 100, time_in_force: 'TIME_IN_FORCE_DAY', remark: 'futugw panel',
    });
    const stop = buildOrderRequest(acc, 'TRD_MARKET_HK', '00700', { ...base, type: 'ORDER_TYPE_STOP', aux: '101' });
    expect(stop.aux_price).toBe(101);
    expect(stop).not.toHaveProperty('price');
    expect(stop).not.toHaveProperty('trail_type');
    const sl = buildOrderRequest(acc, 'TRD_MARKET_HK', '00700', { ...base, type: 'ORDER_TYPE_STOP_LIMIT', aux: '101', price: '102' });
    expect(sl).toMatchObject({ price: 102, aux_price: 101 });
    const ts = buildOrderRequest(acc, 'TRD_MARKET_HK', '00700', { ...base, type: 'ORDER_TYPE_TRAILING_STOP', trailType: 'TRAIL_TYPE_AMOUNT', trailValue: '2' });
    expect(ts).toMatchObject({ trail_type: 'TRAIL_TYPE_AMOUNT', trail_value: 2 });
    expect(ts).not.toHaveProperty('trail_spread');
    expect(ts).not.toHaveProperty('price');
    const tsl = buildOrderRequest(acc, 'TRD_MARKET_HK', '00700', { ...base, type: 'ORDER_TYPE_TRAILING_STOP_LIMIT', trailValue: '3', trailSpread: '0.4', tif: 'TIME_IN_FORCE_GTC' });
    expect(tsl).toMatchObject({ trail_type: 'TRAIL_TYPE_RATIO', trail_value: 3, trail_spread: 0.4, time_in_force: 'TIME_IN_FORCE_GTC' });
    const mkt = buildOrderRequest(acc, 'TRD_MARKET_HK', '00700', { ...base, type: 'ORDER_TYPE_MARKET' });
    expect(mkt).not.toHaveProperty('price');
  });

  it('reads order types by name or push number', () => {
    expect(orderTypeName(11)).toBe('ORDER_TYPE_STOP_LIMIT');
    expect(orderTypeName('ORDER_TYPE_STOP')).toBe('ORDER_TYPE_STOP');
    expect(orderTypeName(99)).toBeNull();
    expect(hasLimitPrice(1)).toBe(true);
    expect(hasLimitPrice('ORDER_TYPE_LIMIT_IF_TOUCHED')).toBe(true);
    expect(hasLimitPrice(10)).toBe(false);
    expect(hasLimitPrice('ORDER_TYPE_TRAILING_STOP_LIMIT')).toBe(false);
  });

  it('sends fill_outside_rth for US securities only', () => {
    expect(outsideRthAllowed('TRD_MARKET_US')).toBe(true);
    expect(outsideRthAllowed('TRD_MARKET_HK')).toBe(false);
    expect(buildOrderRequest(acc, 'TRD_MARKET_US', 'AAPL', { ...base, outsideRth: true }).fill_outside_rth).toBe(true);
    expect(buildOrderRequest(acc, 'TRD_MARKET_HK', '00700', { ...base, outsideRth: true })).not.toHaveProperty('fill_outside_rth');
  });

  it('market orders are Day only', () => {
    expect(tifAllowed('ORDER_TYPE_MARKET', 'TIME_IN_FORCE_GTC')).toBe(false);
    expect(tifAllowed('ORDER_TYPE_STOP', 'TIME_IN_FORCE_GTC')).toBe(true);
    expect(ticketProblems({ ...base, type: 'ORDER_TYPE_MARKET', tif: 'TIME_IN_FORCE_GTC' }, hk)).toContain('market orders are Day orders only');
  });

  it('checks each type\'s fields and the trigger side', () => {
    expect(ticketProblems(base, hk)).toEqual([]);
    expect(ticketProblems({ ...base, qty: '150' }, hk)).toEqual(['quantity must be a multiple of the lot size 100']);
    expect(ticketProblems({ ...base, type: 'ORDER_TYPE_STOP', aux: '' }, hk)).toEqual(['trigger price must be positive']);
    // A buy stop fires when the price rises to it: it must be above the market.
    expect(ticketProblems({ ...base, type: 'ORDER_TYPE_STOP', aux: '99' }, hk)).toEqual(['trigger must be above the current price 100']);
    expect(ticketProblems({ ...base, type: 'ORDER_TYPE_STOP', aux: '101' }, hk)).toEqual([]);
    // A sell stop below; touched orders the other way round.
    expect(ticketProblems({ ...base, side: 'TRD_SIDE_SELL', type: 'ORDER_TYPE_STOP', aux: '101' }, hk)).toEqual(['trigger must be below the current price 100']);
    expect(ticketProblems({ ...base, type: 'ORDER_TYPE_MARKET_IF_TOUCHED', aux: '99' }, hk)).toEqual([]);
    expect(ticketProblems({ ...base, side: 'TRD_SIDE_SELL', type: 'ORDER_TYPE_LIMIT_IF_TOUCHED', aux: '99', price: '99' }, hk)).toEqual(['trigger must be above the current price 100']);
    expect(ticketProblems({ ...base, type: 'ORDER_TYPE_STOP_LIMIT', aux: '101', price: '' }, hk)).toEqual(['limit price must be positive']);
    expect(ticketProblems({ ...base, type: 'ORDER_TYPE_TRAILING_STOP', trailValue: '100' }, hk)).toEqual(['trail ratio must be a percentage above 0 and below 100']);
    expect(ticketProblems({ ...base, type: 'ORDER_TYPE_TRAILING_STOP', trailType: 'TRAIL_TYPE_AMOUNT', trailValue: '150' }, hk)).toEqual([]);
    expect(ticketProblems({ ...base, type: 'ORDER_TYPE_TRAILING_STOP_LIMIT', trailSpread: '-1' }, hk)).toEqual(['trail spread must be zero or more']);
    expect(ticketProblems({ ...base, type: 'ORDER_TYPE_TRAILING_STOP' }, { ...hk, lastPrice: undefined })).toEqual(['no live price yet to trail']);
  });

  it('values orders as the order service does for max_order_value', () => {
    expect(valuePrice(base, hk)).toBe(100);
    expect(valuePrice({ ...base, type: 'ORDER_TYPE_MARKET' }, { ...hk, lastPrice: 98 })).toBe(98);
    // STOP and MIT: the higher of the trigger and the live price.
    expect(valuePrice({ ...base, type: 'ORDER_TYPE_STOP', aux: '105' }, hk)).toBe(105);
    expect(valuePrice({ ...base, type: 'ORDER_TYPE_MARKET_IF_TOUCHED', aux: '95' }, hk)).toBe(100);
    expect(valuePrice({ ...base, type: 'ORDER_TYPE_STOP', aux: '105' }, { ...hk, lastPrice: undefined })).toBe(105);
    // Limit types at their limit.
    expect(valuePrice({ ...base, type: 'ORDER_TYPE_STOP_LIMIT', aux: '101', price: '103' }, hk)).toBe(103);
    // Trailing: live price plus the trail (a ratio is a percentage), plus the spread.
    expect(valuePrice({ ...base, type: 'ORDER_TYPE_TRAILING_STOP', trailValue: '5' }, hk)).toBe(105);
    expect(valuePrice({ ...base, type: 'ORDER_TYPE_TRAILING_STOP', trailType: 'TRAIL_TYPE_AMOUNT', trailValue: '2' }, hk)).toBe(102);
    expect(valuePrice({ ...base, type: 'ORDER_TYPE_TRAILING_STOP_LIMIT', trailValue: '5', trailSpread: '1' }, hk)).toBe(106);
    expect(orderValue({ ...base, type: 'ORDER_TYPE_STOP', aux: '105' }, hk)).toBe(21000);
    expect(orderValue({ ...base, qty: 'x' }, hk)).toBe(0);
  });

  it('describes the order for the confirmation', () => {
    expect(describeOrder('HK.00700', base)).toBe('BUY 200 HK.00700 limit 100');
    expect(describeOrder('HK.00700', { ...base, type: 'ORDER_TYPE_MARKET' })).toBe('BUY 200 HK.00700 at market');
    expect(describeOrder('HK.00700', { ...base, side: 'TRD_SIDE_SELL', type: 'ORDER_TYPE_STOP_LIMIT', aux: '99', price: '98.8' })).toBe(
      'SELL 200 HK.00700 stop limit trigger 99 limit 98.8',
    );
    expect(describeOrder('US.AAPL', { ...base, type: 'ORDER_TYPE_TRAILING_STOP_LIMIT', trailValue: '2', trailSpread: '0.1' })).toBe(
      'BUY 200 US.AAPL trailing stop limit trail 2% spread 0.1',
    );
  });
});

describe('max tradable quantity', () => {
  it('asks at the limit price for limit types, at the market otherwise', () => {
    expect(maxQtyRequest(acc, 'TRD_MARKET_HK', '00700', base, 99)).toEqual({
      header: { trd_env: 'TRD_ENV_SIMULATE', acc_id: '1001', trd_market: 'TRD_MARKET_HK' }, order_type: 'ORDER_TYPE_NORMAL', code: '00700', price: 100,
    });
    expect(maxQtyRequest(acc, 'TRD_MARKET_HK', '00700', { ...base, type: 'ORDER_TYPE_STOP', aux: '101' }, 99)?.price).toBe(99);
    expect(maxQtyRequest(acc, 'TRD_MARKET_HK', '00700', { ...base, type: 'ORDER_TYPE_MARKET' }, undefined)).toBeNull();
    expect(maxQtyRequest(acc, 'TRD_MARKET_HK', '00700', { ...base, price: '' }, 99)).toBeNull();
  });
  it('picks the side\'s quantity', () => {
    const q = { max_cash_buy: 300, max_cash_and_margin_buy: 900, max_position_sell: 100 };
    expect(maxQtyFor('TRD_SIDE_BUY', q)).toEqual({ qty: 300, margin: 900 });
    expect(maxQtyFor('TRD_SIDE_SELL', q)).toEqual({ qty: 100 });
    expect(maxQtyFor('TRD_SIDE_SELL', {})).toEqual({ qty: 0 });
    expect(maxQtyFor('TRD_SIDE_BUY', null)).toBeNull();
  });
});

describe("the key's per-minute window", () => {
  it('counts the last 60 seconds against max_orders_per_minute', () => {
    const now = 1_000_000;
    expect(windowLeft([], now, 5)).toEqual({ used: 0, left: 5, nextInMs: undefined });
    expect(windowLeft([now - 61_000, now - 30_000, now - 1_000], now, 5)).toEqual({ used: 2, left: 3, nextInMs: 30_000 });
    expect(windowLeft([now - 10_000, now - 5_000, now - 1_000], now, 2)).toEqual({ used: 3, left: 0, nextInMs: 50_000 });
    expect(windowLeft([now - 1_000], now, undefined)).toEqual({ used: 1 });
    expect(windowLeft([now - 1_000], now, null)).toEqual({ used: 1 });
    // The oldest slot frees exactly 60 s after it was taken.
    expect(windowLeft([now - 60_000], now, 1)).toEqual({ used: 0, left: 1, nextInMs: undefined });
  });
  it('drops what left the window', () => {
    expect(pruneStamps([1, 50_000, 70_000], 100_000)).toEqual([50_000, 70_000]);
  });
});

describe('modify requests', () => {
  const ref = { trd_env: 'TRD_ENV_SIMULATE', acc_id: '1001', trd_market: 'TRD_MARKET_HK' };
  it('sends the new qty and limit price of a limit order', () => {
    expect(modifyRequest(ref, { order_id: '9', order_type: 'ORDER_TYPE_NORMAL', price: 400 }, { qty: 200, price: 390 })).toEqual({
      ...ref, order_id: '9', modify_order_op: 'MODIFY_ORDER_OP_NORMAL', qty: 200, price: 390,
    });
  });
  it('keeps the price of a type without one and sends the trigger of a waiting stop', () => {
    expect(modifyRequest(ref, { order_id: '9', order_type: 10, price: 0, aux_price: 481.4 }, { qty: 300 })).toMatchObject({ qty: 300, price: 0, aux_price: 481.4 });
    expect(modifyRequest(ref, { order_id: '9', order_type: 'ORDER_TYPE_STOP_LIMIT', price: 482, aux_price: 481.4 }, { qty: 100, price: 483, aux: 481.6 })).toMatchObject({
      price: 483,
      aux_price: 481.6,
    });
    expect(modifyRequest(ref, { order_id: '9', order_type: 'ORDER_TYPE_TRAILING_STOP', price: 0 }, { qty: 100 })).not.toHaveProperty('aux_price');
  });
  it('sends a trailing order\'s new trail, and a trailing stop limit\'s spread', () => {
    const ts = { order_id: '7', order_type: 14, price: 0, qty: 100, fill_qty: 0, trail_type: 1, trail_value: 1 };
    const next = modifyNext(ts, { ...modifyInputOf(ts), trailType: 'TRAIL_TYPE_AMOUNT', trailValue: '0.5' });
    expect(next).toEqual({ qty: 100, trail: { type: 'TRAIL_TYPE_AMOUNT', value: 0.5 } });
    expect(modifyRequest(ref, ts, next)).toEqual({
      ...ref, order_id: '7', modify_order_op: 'MODIFY_ORDER_OP_NORMAL', qty: 100, price: 0, trail_type: 'TRAIL_TYPE_AMOUNT', trail_value: 0.5,
    });
    const tsl = { ...ts, order_type: 'ORDER_TYPE_TRAILING_STOP_LIMIT', trail_type: 'TRAIL_TYPE_RATIO', trail_spread: 0.2 };
    expect(modifyRequest(ref, tsl, modifyNext(tsl, { ...modifyInputOf(tsl), trailSpread: '0.3' }))).toMatchObject({ trail_type: 'TRAIL_TYPE_RATIO', trail_value: 1, trail_spread: 0.3 });
  });
  it('reads an order\'s terms into the editor and lists what keeps a modify back', () => {
    const ts = { order_id: '7', order_type: 'ORDER_TYPE_TRAILING_STOP', price: 0, qty: 100, fill_qty: 40, trail_type: 'TRAIL_TYPE_RATIO', trail_value: 2 };
    const i = modifyInputOf(ts);
    expect(i).toMatchObject({ qty: '100', trailType: 'TRAIL_TYPE_RATIO', trailValue: '2' });
    expect(modifyProblems(ts, i)).toEqual(['nothing changed']);
    expect(modifyProblems(ts, { ...i, trailValue: '100' })).toEqual(['trail ratio must be a percentage above 0 and below 100']);
    expect(modifyProblems(ts, { ...i, trailType: 'TRAIL_TYPE_AMOUNT', trailValue: '0' })).toEqual(['trail amount must be positive']);
    expect(modifyProblems(ts, { ...i, qty: '30' })).toEqual(['quantity must be at least the 40 filled']);
    expect(modifyProblems(ts, { ...i, trailType: 'TRAIL_TYPE_AMOUNT' })).toEqual([]);
    const stop = { order_id: '8', order_type: 10, price: 0, qty: 100, fill_qty: 0, aux_price: 481.4 };
    expect(modifyProblems(stop, { ...modifyInputOf(stop), aux: '0' })).toEqual(['trigger must be positive']);
    expect(modifyProblems(stop, { ...modifyInputOf(stop), aux: '482' })).toEqual([]);
    expect(trailTypeName(2)).toBe('TRAIL_TYPE_AMOUNT');
    expect(trailTypeName(undefined)).toBeNull();
  });
  it('offers a modify for every type but market orders', () => {
    expect(modifiable('ORDER_TYPE_MARKET')).toBe(false);
    expect(modifiable(2)).toBe(false);
    expect(modifiable(14)).toBe(true);
    expect(hasTrigger('ORDER_TYPE_MARKET_IF_TOUCHED')).toBe(true);
    expect(hasTrigger(14)).toBe(false);
  });
});
