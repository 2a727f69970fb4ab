import { describe, expect, it } from 'vitest';
import { fillsValue, MAX_FILLS, mergeFills, type Fill } from '../src/lib/fills';

const fill = (id: string, t: string, extra: Partial<Fill> = {}): Fill => ({
  fill_id: id, order_id: 'o' + id, code: '00700', name: 'TENCENT', trd_side: 'TRD_SIDE_BUY', qty: 100, price: 400, create_time: t, ...extra,
});

describe('fills merging', () => {
  it('merges REST and pushes by fill id, newest first', () => {
    const rest = [fill('1', '2026-12-06 10:00:00'), fill('2', '2026-12-06 10:05:00')];
    const push = fill('3', '2026-12-06 10:07:00', { name: '', trd_side: 1 });
    const out = mergeFills(rest, [push]);
    expect(out.map((f) => f.fill_id)).toEqual(['3', '2', '1']);
    // A push that repeats a fill the REST read has does not add a row, and keeps the name.
    const again = mergeFills(out, [fill('2', '2026-12-06 10:05:00', { name: '' })]);
    expect(again.map((f) => f.fill_id)).toEqual(['3', '2', '1']);
    expect(again[1].name).toBe('TENCENT');
  });
  it('orders fills of one second by id as a number', () => {
    const out = mergeFills([], [fill('9', 't'), fill('10', 't'), fill('100', 't')]);
    expect(out.map((f) => f.fill_id)).toEqual(['100', '10', '9']);
  });
  it('skips fills without an id and keeps at most MAX_FILLS', () => {
    expect(mergeFills([], [fill('', 't')])).toEqual([]);
    const many = Array.from({ length: MAX_FILLS + 10 }, (_, i) => fill(String(i + 1), `2026-12-06 10:${String(i % 60).padStart(2, '0')}:00`));
    expect(mergeFills([], many)).toHaveLength(MAX_FILLS);
  });
  it('sums the value', () => {
    expect(fillsValue([fill('1', 't'), fill('2', 't', { qty: 5, price: 2 })])).toBe(40010);
  });
});
