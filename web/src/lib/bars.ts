// Candles for the chart: periods, history windows and how a live K-line push (3007)
// merges into the bars already loaded. Times are the market's local wall clock read as
// UTC seconds ("2026-12-01 09:31:00" -> Date.UTC(2026, 11, 1, 9, 31)), so the chart,
// which draws UTC, shows the exchange's own times whatever the browser's zone.

/** A chart period: its Qot_Common.KLType, the sub type that subscribes its pushes, and how far back one history window reaches. */
export type Period = { id: string; label: string; klType: number; subType: number; spanDays: number };

export const PERIODS: readonly Period[] = [
  { id: '1m', label: '1m', klType: 1, subType: 11, spanDays: 2 },
  { id: '5m', label: '5m', klType: 6, subType: 7, spanDays: 7 },
  { id: '15m', label: '15m', klType: 7, subType: 8, spanDays: 20 },
  { id: '60m', label: '60m', klType: 9, subType: 10, spanDays: 60 },
  { id: 'day', label: 'Day', klType: 2, subType: 6, spanDays: 365 },
  { id: 'week', label: 'Week', klType: 3, subType: 12, spanDays: 5 * 365 },
  { id: 'month', label: 'Month', klType: 4, subType: 13, spanDays: 20 * 365 },
];

export function periodById(id: string): Period {
  return PERIODS.find((p) => p.id === id) ?? PERIODS[4];
}

/** Every K-line sub type (to tell them from the book's and ticker's). */
export const KL_SUB_TYPES: ReadonlySet<number> = new Set(PERIODS.map((p) => p.subType));

export type Bar = { time: number; open: number; high: number; low: number; close: number; volume: number };

/** A bar as the REST API (snake_case) or a decoded push (camelCase) carries it. */
export type KLineLike = {
  time: string;
  is_blank?: boolean;
  isBlank?: boolean;
  open_price?: number;
  high_price?: number;
  low_price?: number;
  close_price?: number;
  open?: number;
  high?: number;
  low?: number;
  close?: number;
  volume?: number | string;
};

/** barTime reads "yyyy-MM-dd[ HH:mm:ss[.SSS]]" as UTC seconds; NaN when it is not such a time. */
export function barTime(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(s.trim());
  if (!m) return NaN;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0)) / 1000;
}

/** formatTime writes UTC seconds back as the API's "yyyy-MM-dd HH:mm:ss". */
export function formatTime(sec: number): string {
  return new Date(sec * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/** toBar converts one K-line; null for a blank point or one without a time. */
export function toBar(k: KLineLike): Bar | null {
  if (k.is_blank || k.isBlank) return null;
  const time = barTime(k.time ?? '');
  if (!Number.isFinite(time)) return null;
  const open = Number(k.open_price ?? k.open ?? NaN);
  const high = Number(k.high_price ?? k.high ?? NaN);
  const low = Number(k.low_price ?? k.low ?? NaN);
  const close = Number(k.close_price ?? k.close ?? NaN);
  if (![open, high, low, close].every(Number.isFinite)) return null;
  return { time, open, high, low, close, volume: Number(k.volume ?? 0) || 0 };
}

/** toBars converts a list: blanks dropped, ascending by time, one bar per time (the later one wins). */
export function toBars(list: readonly KLineLike[]): Bar[] {
  const out: Bar[] = [];
  for (const k of list) {
    const b = toBar(k);
    if (b) out.push(b);
  }
  return mergeBars([], out);
}

/** mergeBars joins two lists of bars: ascending, one bar per time, b's bar winning a tie. */
export function mergeBars(a: readonly Bar[], b: readonly Bar[]): Bar[] {
  const byTime = new Map<number, Bar>();
  for (const x of a) byTime.set(x.time, x);
  for (const x of b) byTime.set(x.time, x);
  return [...byTime.values()].sort((x, y) => x.time - y.time);
}

/** What applying a live bar did: the chart updates its last bar, appends one, or redraws. */
export type LiveOp = 'update' | 'append' | 'insert' | 'ignore';

/**
 * applyLive merges one pushed bar into the loaded bars. The forming bar replaces the
 * last one of the same time (update) or starts a new one after it (append); a bar
 * for an earlier time replaces that bar in place or fills a hole (insert: the chart
 * must set its data again, it cannot update before its last bar). A bar older than
 * everything loaded is left to history paging (ignore).
 */
export function applyLive(bars: readonly Bar[], bar: Bar): { bars: Bar[]; op: LiveOp } {
  const last = bars[bars.length - 1];
  if (!last || bar.time > last.time) return { bars: [...bars, bar], op: 'append' };
  if (bar.time === last.time) return { bars: [...bars.slice(0, -1), bar], op: 'update' };
  if (bar.time < bars[0].time) return { bars: [...bars], op: 'ignore' };
  return { bars: mergeBars(bars, [bar]), op: 'insert' };
}

/** A history request's time range: end inclusive, `spanDays` back from it. */
export function historyRange(period: Period, endSec: number): { begin_time: string; end_time: string } {
  return { begin_time: formatTime(endSec - period.spanDays * 86400), end_time: formatTime(endSec) };
}

/**
 * latestEnd is the end of the first history window: the end of tomorrow in the
 * furthest-ahead time zone (UTC+14), so today's bars are included in every market
 * whatever the browser's clock zone.
 */
export function latestEnd(nowMs: number): number {
  const day = Math.floor((nowMs / 1000 + 14 * 3600) / 86400) * 86400;
  return day + 2 * 86400 - 1;
}

/** The request body of /api/history-kline (Qot_RequestHistoryKL's C2S, snake_case). */
export type HistoryRequest = {
  security: { market: number; code: string };
  kl_type: number;
  rehab_type: number;
  begin_time: string;
  end_time: string;
  max_ack_kl_num: number;
  next_req_key?: string;
};
export type HistoryAnswer = { kl_list?: KLineLike[] | null; next_req_key?: string | null };

/** What one history load found: the bars, where the next (older) load ends, and whether the history has run out. */
export type HistoryPage = { bars: Bar[]; nextEnd: number; exhausted: boolean };

/**
 * loadHistory reads windows of `period.spanDays` going back from endSec (inclusive),
 * following next_req_key within a window, until it holds `minBars` bars, or
 * `maxEmpty` windows in a row were empty (weekends, holidays; then the history has
 * run out). Forward-adjusted bars (rehab_type 1), as the pushes carry.
 */
export async function loadHistory(
  fetchKL: (req: HistoryRequest) => Promise<HistoryAnswer>,
  security: { market: number; code: string },
  period: Period,
  endSec: number,
  opts: { minBars?: number; maxEmpty?: number; maxPages?: number; pageSize?: number } = {},
): Promise<HistoryPage> {
  const { minBars = 120, maxEmpty = 4, maxPages = 5, pageSize = 1000 } = opts;
  let bars: Bar[] = [];
  let end = endSec;
  let empty = 0;
  while (bars.length < minBars && empty < maxEmpty) {
    const range = historyRange(period, end);
    let got = 0;
    let key: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      const req: HistoryRequest = { security, kl_type: period.klType, rehab_type: 1, ...range, max_ack_kl_num: pageSize };
      if (key) req.next_req_key = key;
      const r = await fetchKL(req);
      const list = r.kl_list ?? [];
      got += list.length;
      bars = mergeBars(toBars(list), bars);
      key = r.next_req_key || undefined;
      if (!key) break;
    }
    empty = got === 0 ? empty + 1 : 0;
    end = barTime(range.begin_time) - 1;
  }
  return { bars, nextEnd: end, exhausted: empty >= maxEmpty };
}
