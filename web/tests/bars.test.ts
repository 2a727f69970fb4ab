// The chart's pure parts: bar times, converting K-lines, merging a live push into the
// loaded history, and paging history windows back in time.
import { describe, expect, it } from 'vitest';
import { applyLive, barTime, formatTime, latestEnd, loadHistory, mergeBars, periodById, PERIODS, toBar, toBars, type Bar, type HistoryRequest } from '../src/lib/bars';

const bar = (time: number, close = 10, volume = 100): Bar => ({ time, open: 10, high: Math.max(10, close), low: Math.min(10, close), close, volume });

describe('bar times', () => {
  it('reads the market wall clock as UTC seconds and writes it back', () => {
    expect(barTime('2026-12-01 09:31:00')).toBe(Date.UTC(2026, 11, 1, 9, 31) / 1000);
    expect(barTime('2026-01-02')).toBe(Date.UTC(2026, 0, 2) / 1000);
    expect(barTime('2026-12-06 17:13:46.802')).toBe(Date.UTC(2026, 11, 6, 17, 13, 46) / 1000);
    expect(barTime('soon')).toBeNaN();
    expect(formatTime(barTime('2026-12-01 09:31:00'))).toBe('2026-12-01 09:31:00');
  });

  it('ends the first window after today in every time zone', () => {
    const now = Date.UTC(2026, 11, 6, 9, 30);
    expect(formatTime(latestEnd(now))).toBe('2026-12-07 23:59:59');
    // 11:00 UTC is already Monday in UTC+14.
    expect(formatTime(latestEnd(Date.UTC(2026, 11, 6, 11, 0)))).toBe('2026-12-08 23:59:59');
  });

  it('maps periods to K-line and sub types', () => {
    expect(PERIODS.map((p) => [p.id, p.klType, p.subType])).toEqual([
      ['1m', 1, 11], ['5m', 6, 7], ['15m', 7, 8], ['60m', 9, 10], ['day', 2, 6], ['week', 3, 12], ['month', 4, 13],
    ]);
    expect(periodById('nope').id).toBe('day');
  });
});

describe('K-lines to bars', () => {
  it('converts REST and push forms, drops blanks and sorts by time', () => {
    const bars = toBars([
      { time: '2026-12-02 00:00:00', is_blank: false, open_price: 2, high_price: 3, low_price: 1, close_price: 2.5, volume: '700' },
      { time: '2026-12-01 00:00:00', isBlank: false, open: 1, high: 2, low: 0.5, close: 1.5, volume: 300 },
      { time: '2026-12-03 00:00:00', is_blank: true },
    ]);
    expect(bars).toEqual([
      { time: barTime('2026-12-01'), open: 1, high: 2, low: 0.5, close: 1.5, volume: 300 },
      { time: barTime('2026-12-02'), open: 2, high: 3, low: 1, close: 2.5, volume: 700 },
    ]);
    expect(toBar({ time: 'x', open: 1, high: 1, low: 1, close: 1 })).toBeNull();
    expect(toBar({ time: '2026-12-01' })).toBeNull();
  });

  it('merges lists one bar per time, the second list winning', () => {
    expect(mergeBars([bar(1), bar(2, 11)], [bar(2, 12), bar(0)]).map((b) => [b.time, b.close])).toEqual([[0, 10], [1, 10], [2, 12]]);
  });
});

describe('a live push into history', () => {
  const hist = [bar(60), bar(120), bar(180, 11)];

  it('updates the forming bar of the same time', () => {
    const r = applyLive(hist, bar(180, 12, 150));
    expect(r.op).toBe('update');
    expect(r.bars).toHaveLength(3);
    expect(r.bars[2]).toEqual(bar(180, 12, 150));
    expect(hist[2].close).toBe(11); // the history given is not changed
  });

  it('appends the next bar', () => {
    const r = applyLive(hist, bar(240, 9));
    expect(r.op).toBe('append');
    expect(r.bars.map((b) => b.time)).toEqual([60, 120, 180, 240]);
  });

  it('replaces an earlier bar in place or fills a hole', () => {
    const r = applyLive(hist, bar(120, 13));
    expect(r.op).toBe('insert');
    expect(r.bars.map((b) => b.close)).toEqual([10, 13, 11]);
    const hole = applyLive([bar(60), bar(180)], bar(120));
    expect(hole.op).toBe('insert');
    expect(hole.bars.map((b) => b.time)).toEqual([60, 120, 180]);
  });

  it('leaves a bar older than the history to paging, and starts an empty chart', () => {
    expect(applyLive(hist, bar(0)).op).toBe('ignore');
    expect(applyLive(hist, bar(0)).bars).toEqual(hist);
    expect(applyLive([], bar(5))).toEqual({ bars: [bar(5)], op: 'append' });
  });
});

describe('history paging', () => {
  const sec = { market: 1, code: '00700' };
  const day = periodById('day');
  const oneMin = periodById('1m');

  it('follows next_req_key within a window and stops once it has enough bars', async () => {
    const calls: HistoryRequest[] = [];
    const page = await loadHistory(
      async (req) => {
        calls.push(req);
        if (!req.next_req_key) return { kl_list: [{ time: '2026-11-02', open: 1, high: 1, low: 1, close: 1 }], next_req_key: 'k2' };
        return { kl_list: [{ time: '2026-11-03', open: 1, high: 1, low: 1, close: 1 }], next_req_key: null };
      },
      sec, day, barTime('2026-12-07 23:59:59'), { minBars: 2 },
    );
    expect(calls).toHaveLength(2);
    expect(calls[0]).toEqual({ security: sec, kl_type: 2, rehab_type: 1, begin_time: '2025-12-07 23:59:59', end_time: '2026-12-07 23:59:59', max_ack_kl_num: 1000 });
    expect(calls[1].next_req_key).toBe('k2');
    expect(page.bars.map((b) => formatTime(b.time))).toEqual(['2026-11-02 00:00:00', '2026-11-03 00:00:00']);
    expect(page.nextEnd).toBe(barTime('2025-12-07 23:59:59') - 1);
    expect(page.exhausted).toBe(false);
  });

  it('steps back over empty windows (a weekend) and joins what it finds', async () => {
    const ends: string[] = [];
    const page = await loadHistory(
      async (req) => {
        ends.push(req.end_time);
        if (ends.length === 1) return { kl_list: [] };
        return { kl_list: [{ time: req.end_time.slice(0, 10) + ' 10:00:00', open: 1, high: 1, low: 1, close: 1 }] };
      },
      sec, oneMin, barTime('2026-12-07 23:59:59'), { minBars: 2 },
    );
    expect(ends).toEqual(['2026-12-07 23:59:59', '2026-12-05 23:59:58', '2026-12-03 23:59:57']);
    expect(page.bars.map((b) => formatTime(b.time))).toEqual(['2026-12-03 10:00:00', '2026-12-05 10:00:00']);
  });

  it('reports the start of history after empty windows in a row', async () => {
    let n = 0;
    const page = await loadHistory(async () => (n++, { kl_list: null }), sec, day, barTime('2010-01-01'), { maxEmpty: 3 });
    expect(n).toBe(3);
    expect(page).toMatchObject({ bars: [], exhausted: true });
  });
});
