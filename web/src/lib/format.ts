// Number formatting for prices, volumes and money.
export function price(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '–';
  return v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 3 });
}

export function money(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '–';
  return v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

export function volume(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '–';
  if (v >= 1e9) return `${(v / 1e9).toFixed(2)}B`;
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)}M`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(1)}K`;
  return String(v);
}

export function signed(v: number, digits = 2): string {
  return `${v > 0 ? '+' : ''}${v.toFixed(digits)}`;
}

/** enumLabel turns "TRD_SIDE_BUY" or 1 into "BUY". */
export function enumLabel(v: string | number, prefix: string, byNumber: Record<number, string>): string {
  if (typeof v === 'number') return byNumber[v] ?? String(v);
  return v.startsWith(prefix) ? v.slice(prefix.length) : v;
}

export const SIDE_NAMES: Record<number, string> = { 1: 'BUY', 2: 'SELL', 3: 'SELL_SHORT', 4: 'BUY_BACK' };
export const ORDER_TYPE_NAMES: Record<number, string> = {
  1: 'LIMIT',
  2: 'MARKET',
  10: 'STOP',
  11: 'STOP_LIMIT',
  12: 'MARKET_IF_TOUCHED',
  13: 'LIMIT_IF_TOUCHED',
  14: 'TRAILING_STOP',
  15: 'TRAILING_STOP_LIMIT',
};
