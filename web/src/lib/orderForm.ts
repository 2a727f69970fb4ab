// The ticket's pure parts: which fields each order type takes, how the server values
// an order against the key's max_order_value, the request POST /api/order gets, and
// the per-minute window arithmetic. No React here, so the rules are unit-tested.
// Texts go through the dictionary (English by default, so the tests read English).
import { enT, type T } from './i18n';

export type OrderTypeName =
  | 'ORDER_TYPE_NORMAL'
  | 'ORDER_TYPE_MARKET'
  | 'ORDER_TYPE_STOP'
  | 'ORDER_TYPE_STOP_LIMIT'
  | 'ORDER_TYPE_MARKET_IF_TOUCHED'
  | 'ORDER_TYPE_LIMIT_IF_TOUCHED'
  | 'ORDER_TYPE_TRAILING_STOP'
  | 'ORDER_TYPE_TRAILING_STOP_LIMIT';

export type TrailTypeName = 'TRAIL_TYPE_RATIO' | 'TRAIL_TYPE_AMOUNT';
export type TifName = 'TIME_IN_FORCE_DAY' | 'TIME_IN_FORCE_GTC';
export type SideName = 'TRD_SIDE_BUY' | 'TRD_SIDE_SELL';

/** What one order type takes: a limit price, a trigger (aux_price), a trail, a trail spread. */
export type TypeFields = { label: string; price: boolean; aux: boolean; trail: boolean; spread: boolean };

export const ORDER_TYPES: Readonly<Record<OrderTypeName, TypeFields>> = {
  ORDER_TYPE_NORMAL: { label: 'Limit', price: true, aux: false, trail: false, spread: false },
  ORDER_TYPE_MARKET: { label: 'Market', price: false, aux: false, trail: false, spread: false },
  ORDER_TYPE_STOP: { label: 'Stop', price: false, aux: true, trail: false, spread: false },
  ORDER_TYPE_STOP_LIMIT: { label: 'Stop limit', price: true, aux: true, trail: false, spread: false },
  ORDER_TYPE_MARKET_IF_TOUCHED: { label: 'Market if touched', price: false, aux: true, trail: false, spread: false },
  ORDER_TYPE_LIMIT_IF_TOUCHED: { label: 'Limit if touched', price: true, aux: true, trail: false, spread: false },
  ORDER_TYPE_TRAILING_STOP: { label: 'Trailing stop', price: false, aux: false, trail: true, spread: false },
  ORDER_TYPE_TRAILING_STOP_LIMIT: { label: 'Trailing stop limit', price: false, aux: false, trail: true, spread: true },
};

export const ORDER_TYPE_LIST = Object.keys(ORDER_TYPES) as OrderTypeName[];

/** Trd_Common.OrderType numbers (the 2208 pushes carry the number). */
const ORDER_TYPE_NUMBERS: Readonly<Record<number, OrderTypeName>> = {
  1: 'ORDER_TYPE_NORMAL',
  2: 'ORDER_TYPE_MARKET',
  10: 'ORDER_TYPE_STOP',
  11: 'ORDER_TYPE_STOP_LIMIT',
  12: 'ORDER_TYPE_MARKET_IF_TOUCHED',
  13: 'ORDER_TYPE_LIMIT_IF_TOUCHED',
  14: 'ORDER_TYPE_TRAILING_STOP',
  15: 'ORDER_TYPE_TRAILING_STOP_LIMIT',
};

/** orderTypeName reads an order type in either form (REST name or push number); null if unknown. */
export function orderTypeName(v: string | number | undefined): OrderTypeName | null {
  if (typeof v === 'number') return ORDER_TYPE_NUMBERS[v] ?? null;
  return v !== undefined && v in ORDER_TYPES ? (v as OrderTypeName) : null;
}

/** hasLimitPrice: whether an order of this type carries a limit price (one a modify may change). */
export function hasLimitPrice(v: string | number | undefined): boolean {
  const t = orderTypeName(v);
  return t !== null && ORDER_TYPES[t].price;
}

/** The ticket as typed: numbers as the inputs hold them (text), parsed here. */
export type TicketInput = {
  side: SideName;
  type: OrderTypeName;
  price: string;
  aux: string;
  qty: string;
  trailType: TrailTypeName;
  trailValue: string;
  trailSpread: string;
  tif: TifName;
  outsideRth: boolean;
};

/** The context the rules need: the market (TRD_MARKET_HK...), the live price, the lot. */
export type TicketContext = { market?: string; lastPrice?: number; lotSize: number };

const n = (s: string) => (s.trim() === '' ? NaN : Number(s));

/** outsideRthAllowed: "outside regular hours" is a US notion (OpenD ignores it elsewhere). */
export function outsideRthAllowed(market?: string): boolean {
  return market === 'TRD_MARKET_US';
}

/** tifAllowed: market orders are Day orders only. */
export function tifAllowed(type: OrderTypeName, tif: TifName): boolean {
  return tif === 'TIME_IN_FORCE_DAY' || type !== 'ORDER_TYPE_MARKET';
}

/** trailDistance is a trail's price distance at the reference price (a ratio is a percentage). */
export function trailDistance(t: TrailTypeName, value: number, ref: number): number {
  return t === 'TRAIL_TYPE_RATIO' ? (ref * value) / 100 : value;
}

/**
 * valuePrice is the price the order service values an order at for max_order_value:
 * the highest it can fill at if it worked now. A limit type at its limit price; STOP
 * and MARKET_IF_TOUCHED at the higher of the trigger and the live price; MARKET at the
 * live price; TRAILING_STOP at the live price plus the trail, TRAILING_STOP_LIMIT plus
 * the spread too. undefined when it cannot be known (no live price where one is needed).
 */
export function valuePrice(i: TicketInput, ctx: TicketContext): number | undefined {
  const f = ORDER_TYPES[i.type];
  const last = ctx.lastPrice;
  if (f.price) return n(i.price);
  if (i.type === 'ORDER_TYPE_MARKET') return last;
  if (f.aux) {
    const aux = n(i.aux);
    return last === undefined ? aux : Math.max(aux, last);
  }
  if (f.trail) {
    if (last === undefined) return undefined;
    const trail = trailDistance(i.trailType, n(i.trailValue), last);
    return last + trail + (f.spread ? n(i.trailSpread) || 0 : 0);
  }
  return undefined;
}

/** orderValue is qty x valuePrice (0 when either is unknown or not a number). */
export function orderValue(i: TicketInput, ctx: TicketContext): number {
  const v = n(i.qty) * (valuePrice(i, ctx) ?? NaN);
  return Number.isFinite(v) ? v : 0;
}

/** ticketProblems lists what keeps the order from being reviewed (empty: it may be). */
export function ticketProblems(i: TicketInput, ctx: TicketContext, t: T = enT): string[] {
  const out: string[] = [];
  const f = ORDER_TYPES[i.type];
  const qty = n(i.qty);
  if (!(qty > 0)) out.push(t('prob.qtyPositive'));
  else if (ctx.lotSize > 1 && qty % ctx.lotSize !== 0) out.push(t('prob.qtyLot', { lot: ctx.lotSize }));
  if (f.price && !(n(i.price) > 0)) out.push(t('prob.pricePositive'));
  if (f.aux) {
    const aux = n(i.aux);
    if (!(aux > 0)) out.push(t('prob.triggerPositive'));
    else if (ctx.lastPrice !== undefined) {
      // Stop-like orders trigger when the market moves against the position (a buy
      // stop above the market), touched ones when it moves in its favour: a trigger
      // already passed would fire at once, and OpenD refuses it.
      const stopLike = i.type === 'ORDER_TYPE_STOP' || i.type === 'ORDER_TYPE_STOP_LIMIT';
      const above = stopLike === (i.side === 'TRD_SIDE_BUY');
      if (above && !(aux > ctx.lastPrice)) out.push(t('prob.triggerAbove', { p: ctx.lastPrice }));
      if (!above && !(aux < ctx.lastPrice)) out.push(t('prob.triggerBelow', { p: ctx.lastPrice }));
    }
  }
  if (f.trail) {
    out.push(...trailProblems(i.trailType, n(i.trailValue), f.spread ? n(i.trailSpread) : undefined, t));
    if (!Number.isFinite(ctx.lastPrice ?? NaN)) out.push(t('prob.noLive'));
  }
  if (!tifAllowed(i.type, i.tif)) out.push(t('prob.marketDay'));
  return out;
}

/**
 * trailProblems checks a trail as the ticket and a modify take it: a percentage above
 * 0 and below 100 or a positive amount, and a trailing stop limit's spread (undefined
 * for a trailing stop) not negative.
 */
function trailProblems(type: TrailTypeName, value: number, spread: number | undefined, t: T): string[] {
  const out: string[] = [];
  if (type === 'TRAIL_TYPE_RATIO' && !(value > 0 && value < 100)) out.push(t('prob.trailRatio'));
  if (type === 'TRAIL_TYPE_AMOUNT' && !(value > 0)) out.push(t('prob.trailAmount'));
  if (spread !== undefined && !(spread >= 0)) out.push(t('prob.spread'));
  return out;
}

/** The body of POST /api/order: only the fields the order type takes. */
export type OrderRequest = {
  trd_env: string;
  acc_id: string;
  trd_market: string;
  code: string;
  trd_side: SideName;
  order_type: OrderTypeName;
  qty: number;
  price?: number;
  aux_price?: number;
  trail_type?: TrailTypeName;
  trail_value?: number;
  trail_spread?: number;
  time_in_force: TifName;
  fill_outside_rth?: boolean;
  remark: string;
};

export function buildOrderRequest(
  acc: { trd_env: string; acc_id: string },
  market: string,
  code: string,
  i: TicketInput,
): OrderRequest {
  const f = ORDER_TYPES[i.type];
  const body: OrderRequest = {
    trd_env: acc.trd_env,
    acc_id: acc.acc_id,
    trd_market: market,
    code,
    trd_side: i.side,
    order_type: i.type,
    qty: n(i.qty),
    time_in_force: i.tif,
    remark: 'futugw panel',
  };
  if (f.price) body.price = n(i.price);
  if (f.aux) body.aux_price = n(i.aux);
  if (f.trail) {
    body.trail_type = i.trailType;
    body.trail_value = n(i.trailValue);
  }
  if (f.spread) body.trail_spread = n(i.trailSpread);
  if (i.outsideRth && outsideRthAllowed(market)) body.fill_outside_rth = true;
  return body;
}

/** describeOrder is the confirmation's one-line summary ("BUY 100 HK.00700 stop 480 (trigger)"). */
export function describeOrder(symbol: string, i: TicketInput, t: T = enT): string {
  const side = i.side === 'TRD_SIDE_BUY' ? t('desc.buy') : t('desc.sell');
  const f = ORDER_TYPES[i.type];
  const parts = [side, String(n(i.qty)), symbol];
  if (i.type === 'ORDER_TYPE_MARKET') parts.push(t('desc.atMarket'));
  else if (i.type === 'ORDER_TYPE_NORMAL') parts.push(t('desc.limit', { p: i.price.trim() }));
  else {
    parts.push(t(`otype.${i.type}`).toLowerCase());
    if (f.aux) parts.push(t('desc.trigger', { p: i.aux.trim() }));
    if (f.price) parts.push(t('desc.limit', { p: i.price.trim() }));
    if (f.trail) parts.push(t('desc.trail', { v: `${i.trailValue.trim()}${i.trailType === 'TRAIL_TYPE_RATIO' ? '%' : ''}` }));
    if (f.spread) parts.push(t('desc.spread', { v: i.trailSpread.trim() }));
  }
  return parts.join(' ');
}

// --- the key's per-minute window ---------------------------------------------------------

export const MINUTE_MS = 60_000;

/**
 * windowLeft counts what the panel itself placed in the last 60 seconds against the
 * key's max_orders_per_minute (a sliding window, as the order service keeps it):
 * `left` slots (undefined: no limit) and `nextInMs` until the oldest slot frees.
 */
export function windowLeft(stamps: readonly number[], now: number, max: number | null | undefined): { used: number; left?: number; nextInMs?: number } {
  const recent = stamps.filter((t) => t > now - MINUTE_MS && t <= now);
  const used = recent.length;
  if (max === null || max === undefined) return { used };
  const left = Math.max(0, max - used);
  const nextInMs = used > 0 ? Math.max(0, Math.min(...recent) + MINUTE_MS - now) : undefined;
  return { used, left, nextInMs };
}

/** pruneStamps drops placements older than the window (the list never grows unbounded). */
export function pruneStamps(stamps: readonly number[], now: number): number[] {
  return stamps.filter((t) => t > now - MINUTE_MS);
}

/** The answer of /api/max-trd-qtys (Trd_Common.MaxTrdQtys, snake_case). */
export type MaxTrdQtys = {
  max_cash_buy?: number;
  max_cash_and_margin_buy?: number;
  max_position_sell?: number;
  max_sell_short?: number;
  max_buy_back?: number;
};

/** maxQtyFor picks what the side may trade: cash (and margin) buy, or the position to sell. */
export function maxQtyFor(side: SideName, q: MaxTrdQtys | null | undefined): { qty: number; margin?: number } | null {
  if (!q) return null;
  if (side === 'TRD_SIDE_BUY') return { qty: q.max_cash_buy ?? 0, margin: q.max_cash_and_margin_buy };
  return { qty: q.max_position_sell ?? 0 };
}

/** The request of /api/max-trd-qtys for the ticket's account, security, price and type. */
export function maxQtyRequest(
  acc: { trd_env: string; acc_id: string },
  market: string,
  code: string,
  i: TicketInput,
  lastPrice: number | undefined,
): Record<string, unknown> | null {
  const f = ORDER_TYPES[i.type];
  // The sim and OpenD size limit types at the limit price, the others at the market.
  const price = f.price ? n(i.price) : lastPrice;
  if (!(price !== undefined && price > 0)) return null;
  return { header: { trd_env: acc.trd_env, acc_id: acc.acc_id, trd_market: market }, order_type: i.type, code, price };
}

// --- modify -------------------------------------------------------------------------------

/** hasTrigger: whether an order of this type waits on a trigger price (aux_price). */
export function hasTrigger(v: string | number | undefined): boolean {
  const t = orderTypeName(v);
  return t !== null && ORDER_TYPES[t].aux;
}

/** modifiable: market orders fill at once and cannot be modified (OpenD refuses it). */
export function modifiable(v: string | number | undefined): boolean {
  const t = orderTypeName(v);
  return t !== null && t !== 'ORDER_TYPE_MARKET';
}

/** trailTypeName reads a trail type in either form (REST name or push number 1/2). */
export function trailTypeName(v: string | number | undefined): TrailTypeName | null {
  if (v === 1 || v === 'TRAIL_TYPE_RATIO') return 'TRAIL_TYPE_RATIO';
  if (v === 2 || v === 'TRAIL_TYPE_AMOUNT') return 'TRAIL_TYPE_AMOUNT';
  return null;
}

/** isTrailing: whether an order of this type follows the market by a trail. */
export function isTrailing(v: string | number | undefined): boolean {
  const t = orderTypeName(v);
  return t !== null && ORDER_TYPES[t].trail;
}

/** An open order as the modify editor needs it. */
export type ModifiableOrder = {
  order_id: string;
  order_type: string | number;
  price: number;
  qty: number;
  fill_qty: number;
  aux_price?: number;
  trail_type?: string | number;
  trail_value?: number;
  trail_spread?: number;
};

/** A modify as typed: numbers as the inputs hold them (text). */
export type ModifyInput = { price: string; qty: string; aux: string; trailType: TrailTypeName; trailValue: string; trailSpread: string };

/** modifyInputOf is the editor's starting point: the order's own terms. */
export function modifyInputOf(o: ModifiableOrder): ModifyInput {
  return {
    price: String(o.price),
    qty: String(o.qty),
    aux: o.aux_price ? String(o.aux_price) : '',
    trailType: trailTypeName(o.trail_type) ?? 'TRAIL_TYPE_RATIO',
    trailValue: o.trail_value ? String(o.trail_value) : '',
    trailSpread: String(o.trail_spread ?? 0),
  };
}

/** The parsed new terms of a modify; price, aux and trail only where the type has them. */
export type ModifyNext = { qty: number; price?: number; aux?: number; trail?: { type: TrailTypeName; value: number; spread?: number } };

/** modifyNext parses the editor's text into the new terms the order type takes. */
export function modifyNext(o: ModifiableOrder, i: ModifyInput): ModifyNext {
  const next: ModifyNext = { qty: n(i.qty) };
  if (hasLimitPrice(o.order_type)) next.price = n(i.price);
  if (hasTrigger(o.order_type)) next.aux = n(i.aux);
  if (isTrailing(o.order_type)) {
    next.trail = { type: i.trailType, value: n(i.trailValue) };
    if (orderTypeName(o.order_type) === 'ORDER_TYPE_TRAILING_STOP_LIMIT') next.trail.spread = n(i.trailSpread);
  }
  return next;
}

/** modifyProblems lists what keeps a modify from being reviewed (empty: it may be). */
export function modifyProblems(o: ModifiableOrder, i: ModifyInput, t: T = enT): string[] {
  const x = modifyNext(o, i);
  const out: string[] = [];
  if (!(x.qty > 0)) out.push(t('modify.qtyPositive'));
  else if (x.qty < o.fill_qty) out.push(t('modify.qtyFilled', { n: o.fill_qty }));
  if (x.price !== undefined && !(x.price > 0)) out.push(t('modify.pricePositive'));
  if (x.aux !== undefined && !(x.aux > 0)) out.push(t('modify.triggerPositive'));
  if (x.trail) out.push(...trailProblems(x.trail.type, x.trail.value, x.trail.spread, t));
  const same =
    x.qty === o.qty &&
    (x.price === undefined || x.price === o.price) &&
    (x.aux === undefined || x.aux === o.aux_price) &&
    (!x.trail ||
      (x.trail.type === trailTypeName(o.trail_type) &&
        x.trail.value === o.trail_value &&
        (x.trail.spread === undefined || x.trail.spread === (o.trail_spread ?? 0))));
  if (same) out.push(t('modify.nothing'));
  return out;
}

/**
 * modifyRequest is the body of POST /api/modify-order (op NORMAL) for an order's new
 * qty, limit price (kept for types without one), trigger (types with one) and trail
 * (trailing types: type, value and a trailing stop limit's spread).
 */
export function modifyRequest(
  ref: { trd_env: string; acc_id: string; trd_market: string },
  o: { order_id: string; order_type: string | number; price: number; aux_price?: number },
  next: ModifyNext,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    ...ref,
    order_id: o.order_id,
    modify_order_op: 'MODIFY_ORDER_OP_NORMAL',
    qty: next.qty,
    price: hasLimitPrice(o.order_type) && next.price !== undefined ? next.price : o.price,
  };
  if (hasTrigger(o.order_type)) body.aux_price = next.aux ?? o.aux_price;
  if (isTrailing(o.order_type) && next.trail) {
    body.trail_type = next.trail.type;
    body.trail_value = next.trail.value;
    if (next.trail.spread !== undefined) body.trail_spread = next.trail.spread;
  }
  return body;
}
