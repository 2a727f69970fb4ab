// Time and sales: the latest trades newest first, bounded, with a notice where the
// server dropped ticks for a slow socket (a `gap` frame: "N trades missed").
import type { Tick } from '../proto/decode';

export type TickRow = ({ kind: 'tick' } & Tick) | { kind: 'gap'; id: number; missed: number };

/** How many rows the list keeps. */
export const MAX_TICK_ROWS = 60;

/** A trade as GET/POST /api/ticker answers it (snake_case; dir by enum name or number). */
export type TickerJSON = { time: string; sequence: string | number; dir: string | number; price: number; volume: string | number };

const DIRS: Record<string, number> = { TICKER_DIRECTION_BID: 1, TICKER_DIRECTION_ASK: 2, TICKER_DIRECTION_NEUTRAL: 3 };

/** tickFromJSON converts one REST ticker row. */
export function tickFromJSON(t: TickerJSON): Tick {
  return {
    sequence: String(t.sequence),
    time: t.time ?? '',
    price: Number(t.price) || 0,
    volume: Number(t.volume) || 0,
    dir: typeof t.dir === 'number' ? t.dir : DIRS[t.dir] ?? 3,
  };
}

function seqCompare(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * addTicks puts pushed ticks (oldest first, as a push lists them) on top of the list:
 * newest first, a sequence already listed is skipped, at most `max` rows.
 */
export function addTicks(rows: readonly TickRow[], ticks: readonly Tick[], max = MAX_TICK_ROWS): TickRow[] {
  const seen = new Set(rows.filter((r) => r.kind === 'tick').map((r) => (r as Tick).sequence));
  const fresh = ticks.filter((t) => !seen.has(t.sequence) && (seen.add(t.sequence), true));
  fresh.sort((a, b) => seqCompare(b.sequence, a.sequence));
  return [...fresh.map((t): TickRow => ({ kind: 'tick', ...t })), ...rows].slice(0, max);
}

/**
 * addGap puts a notice of `missed` dropped trades on top; a notice already on top
 * (no trade since) grows instead of a second one.
 */
export function addGap(rows: readonly TickRow[], missed: number, id: number, max = MAX_TICK_ROWS): TickRow[] {
  const top = rows[0];
  if (top?.kind === 'gap') return [{ ...top, missed: top.missed + missed }, ...rows.slice(1)];
  return [{ kind: 'gap' as const, id, missed }, ...rows].slice(0, max);
}

/** fromSnapshot is the list a reload from /api/ticker gives: those trades, no notices. */
export function fromSnapshot(ticks: readonly Tick[], max = MAX_TICK_ROWS): TickRow[] {
  return addTicks([], ticks, max);
}

/** missedTotal is how many trades the notices in the list count. */
export function missedTotal(rows: readonly TickRow[]): number {
  return rows.reduce((n, r) => n + (r.kind === 'gap' ? r.missed : 0), 0);
}

/**
 * afterReload is the list once a reload from /api/ticker answered: its trades, below
 * any trade pushed meanwhile (newer than the newest it holds); the notices are gone.
 */
export function afterReload(current: readonly TickRow[], snapshot: readonly Tick[], max = MAX_TICK_ROWS): TickRow[] {
  const base = fromSnapshot(snapshot, max);
  const newest = base.find((r) => r.kind === 'tick') as Tick | undefined;
  const newer = current.filter((r): r is { kind: 'tick' } & Tick => r.kind === 'tick' && (!newest || seqCompare(r.sequence, newest.sequence) > 0));
  return addTicks(base, newer, max);
}
