// Positions' profit and loss, live from quote pushes: (current price − cost price) × qty,
// the server's value kept until a quote for the security arrives.
import type { Position } from '../api/types';

/** positionSecKey is the quote key of a position ("HK.00700") in the account's market. */
export function positionSecKey(code: string, trdMarket: string): string {
  const prefix = trdMarket.replace(/^TRD_MARKET_/, '') || 'HK';
  return code.includes('.') ? code : `${prefix}.${code}`;
}

export type LivePosition = Position & { live: boolean };

/** livePosition recomputes price, value and P/L from the latest quote price (when there is one). */
export function livePosition(p: Position, curPrice: number | undefined): LivePosition {
  if (curPrice === undefined || !Number.isFinite(curPrice) || curPrice <= 0) return { ...p, live: false };
  const pl = (curPrice - p.cost_price) * p.qty;
  return { ...p, price: curPrice, val: curPrice * p.qty, pl_val: Math.round(pl * 1e6) / 1e6, live: true };
}
