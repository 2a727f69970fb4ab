// Time and sales: newest first, bounded, deduplicated, with notices for missed trades.
import { describe, expect, it } from 'vitest';
import { addGap, addTicks, afterReload, fromSnapshot, missedTotal, tickFromJSON, type TickRow } from '../src/lib/ticks';
import type { Tick } from '../src/proto/decode';

const t = (seq: number, price = 10): Tick => ({ sequence: String(seq), time: `2026-12-06 10:00:${String(seq % 60).padStart(2, '0')}`, price, volume: 100, dir: 1 });
const seqs = (rows: TickRow[]) => rows.map((r) => (r.kind === 'tick' ? r.sequence : `gap${r.missed}`));

describe('tick list', () => {
  it('puts pushed ticks on top, newest first, without repeats', () => {
    let rows = addTicks([], [t(1), t(2)]);
    rows = addTicks(rows, [t(3), t(2), t(4)]);
    expect(seqs(rows)).toEqual(['4', '3', '2', '1']);
  });

  it('orders sequences as numbers, not strings', () => {
    expect(seqs(addTicks([], [t(9), t(10), t(100)]))).toEqual(['100', '10', '9']);
  });

  it('keeps at most max rows', () => {
    let rows: TickRow[] = [];
    for (let i = 1; i <= 30; i++) rows = addTicks(rows, [t(i)], 10);
    expect(rows).toHaveLength(10);
    expect(seqs(rows)[0]).toBe('30');
    expect(seqs(rows)[9]).toBe('21');
  });

  it('shows a gap notice where trades were dropped, growing until the next trade', () => {
    let rows = addTicks([], [t(1)]);
    rows = addGap(rows, 5, 1);
    rows = addGap(rows, 2, 2);
    expect(seqs(rows)).toEqual(['gap7', '1']);
    rows = addTicks(rows, [t(9)]);
    rows = addGap(rows, 3, 3);
    expect(seqs(rows)).toEqual(['gap3', '9', 'gap7', '1']);
    expect(missedTotal(rows)).toBe(10);
  });

  it('a reload replaces the list and its notices, keeping trades pushed meanwhile on top', () => {
    const cur = addGap(addTicks([], [t(1), t(12)]), 4, 1);
    const rows = afterReload(cur, [t(8), t(9), t(10), t(11)]);
    expect(seqs(rows)).toEqual(['12', '11', '10', '9', '8']);
    expect(missedTotal(rows)).toBe(0);
    expect(seqs(fromSnapshot([t(2), t(1)]))).toEqual(['2', '1']);
  });

  it('reads the REST form (direction by name)', () => {
    expect(tickFromJSON({ time: 'x', sequence: '93', dir: 'TICKER_DIRECTION_ASK', price: 484.6, volume: '1600' })).toEqual({
      sequence: '93', time: 'x', price: 484.6, volume: 1600, dir: 2,
    });
    expect(tickFromJSON({ time: 'x', sequence: 5, dir: 1, price: 1, volume: 1 }).dir).toBe(1);
  });
});
