// Decoders of the intraday (3009, Qot_UpdateRT) and HK broker queue (3015,
// Qot_UpdateBroker) pushes, and the same shapes from their REST reads (/api/rt,
// /api/broker: Futu's fields in snake_case).
import { futu, type Decoded } from './decode';

const PREFIX: Record<number, string> = { 1: 'HK', 11: 'US', 21: 'SH', 22: 'SZ' };

function num(v: unknown): number {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v !== '') return Number(v);
  return 0;
}

function secKeyOf(sec: unknown): string {
  const s = sec as { market?: number; code?: string } | undefined;
  return `${PREFIX[s?.market ?? 0] ?? s?.market}.${s?.code ?? ''}`;
}

/** One intraday point: ts in seconds since the epoch (UTC). */
export type RTPoint = { ts: number; minute: number; price: number; avg: number; volume: number; lastClose: number };
export type RTPush = { secKey: string; points: RTPoint[] };

function point(p: Decoded, snake: boolean): RTPoint | null {
  const blank = snake ? p.is_blank : p.isBlank;
  if (blank === true) return null;
  const ts = num(p.timestamp);
  if (!ts) return null;
  return {
    ts: Math.round(ts),
    minute: num(p.minute),
    price: num(p.price),
    avg: num(snake ? p.avg_price : p.avgPrice),
    volume: num(p.volume),
    lastClose: num(snake ? p.last_close_price : p.lastClosePrice),
  };
}

/** decodeRT decodes a 3009 push body (Qot_UpdateRT.Response). */
export function decodeRT(bytes: Uint8Array): RTPush | null {
  const s2c = futu.decode('Qot_UpdateRT.Response', bytes).s2c as Decoded | undefined;
  if (!s2c) return null;
  const list = (s2c.rtList as Decoded[] | undefined) ?? [];
  return { secKey: secKeyOf(s2c.security), points: list.map((p) => point(p, false)).filter((p): p is RTPoint => p !== null) };
}

/** rtFromJSON reads /api/rt's rt_list. */
export function rtFromJSON(list: unknown): RTPoint[] {
  return ((list as Decoded[] | undefined) ?? []).map((p) => point(p, true)).filter((p): p is RTPoint => p !== null);
}

/** mergeRT puts pushed points into the series (by time, a later point replacing one of the same minute). */
export function mergeRT(series: RTPoint[], add: RTPoint[]): RTPoint[] {
  if (!add.length) return series;
  const byTs = new Map(series.map((p) => [p.ts, p]));
  for (const p of add) byTs.set(p.ts, p);
  return [...byTs.values()].sort((a, b) => a.ts - b.ts);
}

/** One broker in the queue; pos is the price level (1 = best). */
export type BrokerEntry = { id: string; name: string; pos: number };
export type BrokerQueue = { secKey: string; asks: BrokerEntry[]; bids: BrokerEntry[] };

function brokers(list: unknown): BrokerEntry[] {
  return ((list as Decoded[] | undefined) ?? []).map((b) => ({ id: String(b.id ?? ''), name: String(b.name ?? ''), pos: num(b.pos) }));
}

/** decodeBroker decodes a 3015 push body (Qot_UpdateBroker.Response). */
export function decodeBroker(bytes: Uint8Array): BrokerQueue | null {
  const s2c = futu.decode('Qot_UpdateBroker.Response', bytes).s2c as Decoded | undefined;
  if (!s2c) return null;
  return { secKey: secKeyOf(s2c.security), asks: brokers(s2c.brokerAskList), bids: brokers(s2c.brokerBidList) };
}

/** brokerFromJSON reads /api/broker's answer. */
export function brokerFromJSON(secKey: string, r: { broker_ask_list?: unknown; broker_bid_list?: unknown }): BrokerQueue {
  return { secKey, asks: brokers(r.broker_ask_list), bids: brokers(r.broker_bid_list) };
}
