// The order book as the panel shows it: 10 levels a side, asks above bids (the best
// of each next to the spread), depth bars scaled to the largest level, and the
// user's own resting orders marked at their price.
import type { BookLevel } from '../proto/decode';
import type { Order } from '../api/types';
import { orderStatusCode } from './orderStatus';
import { SIDE_NAMES } from './format';

export const BOOK_DEPTH = 10;

/** An own order resting at a level: its side and the quantity still open. */
export type OwnMark = { orderId: string; side: 'BUY' | 'SELL'; qty: number };

export type BookRow = BookLevel & { side: 'ask' | 'bid'; level: number; depth: number; own: OwnMark[] };

/** beyond: own resting orders at prices the rows shown do not hold (the book moved away). */
export type BookView = { asks: BookRow[]; bids: BookRow[]; spread: number | null; beyond: (OwnMark & { price: number })[] };

/** Statuses of an order that rests on the book: waiting, submitting, submitted, part filled. */
const RESTING = new Set([1, 2, 5, 10]);

function sideOf(v: string | number): 'BUY' | 'SELL' | null {
  const s = typeof v === 'number' ? SIDE_NAMES[v] ?? '' : v.replace(/^TRD_SIDE_/, '');
  if (s === 'BUY' || s === 'BUY_BACK') return 'BUY';
  if (s === 'SELL' || s === 'SELL_SHORT') return 'SELL';
  return null;
}

/** ownResting picks the orders of `code` still resting, with their open quantity. */
export function ownResting(orders: readonly Order[], code: string): (OwnMark & { price: number })[] {
  const out: (OwnMark & { price: number })[] = [];
  for (const o of orders) {
    if (o.code !== code) continue;
    const status = orderStatusCode(o.order_status);
    const side = sideOf(o.trd_side);
    if (status === null || !RESTING.has(status) || !side || !(o.price > 0)) continue;
    out.push({ orderId: o.order_id, side, qty: Math.max(0, (o.qty || 0) - (o.fill_qty || 0)), price: o.price });
  }
  return out;
}

function samePrice(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
}

/**
 * bookView maps a book (asks lowest first, bids highest first, as Futu sends them) to
 * the rows shown: at most `depth` a side, asks listed highest first so the best ask
 * sits just above the best bid; each row's depth is its volume over the largest shown.
 * An own buy is marked on a bid level of its price, an own sell on an ask level.
 */
export function bookView(asks: readonly BookLevel[], bids: readonly BookLevel[], own: readonly (OwnMark & { price: number })[] = [], depth = BOOK_DEPTH): BookView {
  const a = asks.slice(0, depth);
  const b = bids.slice(0, depth);
  const maxVol = Math.max(1, ...a.map((l) => l.volume), ...b.map((l) => l.volume));
  const row = (l: BookLevel, side: 'ask' | 'bid', level: number): BookRow => ({
    ...l,
    side,
    level,
    depth: l.volume / maxVol,
    own: own.filter((o) => (side === 'bid' ? o.side === 'BUY' : o.side === 'SELL') && samePrice(o.price, l.price)).map(({ orderId, side: s, qty }) => ({ orderId, side: s, qty })),
  });
  const asksShown = a.map((l, i) => row(l, 'ask', i)).reverse();
  const bidsShown = b.map((l, i) => row(l, 'bid', i));
  const marked = new Set([...asksShown, ...bidsShown].flatMap((r) => r.own.map((o) => o.orderId)));
  return {
    asks: asksShown,
    bids: bidsShown,
    spread: a.length && b.length ? a[0].price - b[0].price : null,
    beyond: own.filter((o) => !marked.has(o.orderId)).sort((x, y) => y.price - x.price),
  };
}

/** A level as GET/POST /api/orderbook answers it (Futu's own spelling, oreder_count). */
export type BookLevelJSON = { price: number; volume: string | number; oreder_count?: number };

export function levelsFromJSON(list: readonly BookLevelJSON[] | null | undefined): BookLevel[] {
  return (list ?? []).map((l) => ({ price: Number(l.price) || 0, volume: Number(l.volume) || 0, orders: l.oreder_count ?? 0 }));
}
