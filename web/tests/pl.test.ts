// Positions' live P/L.
import { describe, expect, it } from 'vitest';
import { livePosition, positionSecKey } from '../src/lib/pl';
import type { Position } from '../src/api/types';

const pos: Position = { code: '00700', name: 'TENCENT', qty: 200, can_sell_qty: 200, price: 500, cost_price: 480, val: 100000, pl_val: 4000 };

describe('live P/L', () => {
  it('keeps the server values until a quote arrives', () => {
    const p = livePosition(pos, undefined);
    expect(p.live).toBe(false);
    expect(p.pl_val).toBe(4000);
    expect(livePosition(pos, 0).live).toBe(false);
  });
  it('is (current − cost) × qty from the quote', () => {
    const p = livePosition(pos, 495.5);
    expect(p.live).toBe(true);
    expect(p.pl_val).toBeCloseTo(3100, 6);
    expect(p.price).toBe(495.5);
    expect(p.val).toBe(99100);
    expect(livePosition(pos, 470).pl_val).toBeCloseTo(-2000, 6);
  });
  it('keys positions by the account market', () => {
    expect(positionSecKey('00700', 'TRD_MARKET_HK')).toBe('HK.00700');
    expect(positionSecKey('AAPL', 'TRD_MARKET_US')).toBe('US.AAPL');
  });
});
