// Symbols as the user types them ("HK.00700", "US.AAPL") and their REST forms.
import type { Security } from '../api/types';
import { enT, type T } from './i18n';

/** QotMarket numbers (Qot_Common.QotMarket). */
export const QOT_MARKETS: Record<string, number> = { HK: 1, US: 11 };
/** The trading market (gateway TrdMarket name) of a quote market prefix. */
export const TRD_MARKET_OF: Record<string, string> = { HK: 'TRD_MARKET_HK', US: 'TRD_MARKET_US' };

export type Symbol = { key: string; prefix: string; code: string; security: Security };

/** parseSymbol accepts "HK.00700", "hk.700" (padded to five digits) and "US.AAPL". */
export function parseSymbol(input: string, t: T = enT): Symbol {
  const m = /^\s*([A-Za-z]{2})\.([A-Za-z0-9.\-]{1,12})\s*$/.exec(input);
  if (!m) throw new Error(t('sym.notSymbol', { input }));
  const prefix = m[1].toUpperCase();
  const market = QOT_MARKETS[prefix];
  if (!market) throw new Error(t('sym.market', { m: prefix }));
  let code = m[2].toUpperCase();
  if (prefix === 'HK') {
    if (!/^\d{1,5}$/.test(code)) throw new Error(t('sym.hkCode'));
    code = code.padStart(5, '0');
  }
  return { key: `${prefix}.${code}`, prefix, code, security: { market, code } };
}
