// Labels for the enum names the API sends (ORDER_TYPE_..., ORDER_STATUS_..., TRD_SIDE_...,
// TRD_MARKET_...) or their push numbers, through the dictionary; a name the dictionary
// does not know is shown as it comes (shortened).
import { enumLabel, ORDER_TYPE_NAMES, SIDE_NAMES } from './format';
import { hasKey, type T } from './i18n';
import { orderTypeName } from './orderForm';
import { orderStatusCode, orderStatusName } from './orderStatus';

/** sideName: "BUY", "SELL", "SELL_SHORT", "BUY_BACK" (for colours: buys start with BUY). */
export function sideName(v: string | number | undefined): string {
  return enumLabel(v ?? '', 'TRD_SIDE_', SIDE_NAMES);
}

export function sideLabel(t: T, v: string | number | undefined): string {
  const s = sideName(v);
  const k = `side.${s}`;
  return hasKey(k) ? t(k) : s;
}

export function orderTypeLabel(t: T, v: string | number | undefined): string {
  const n = orderTypeName(v);
  if (n) return t(`otype.${n}`);
  return v === undefined || v === '' ? '–' : enumLabel(v, 'ORDER_TYPE_', ORDER_TYPE_NAMES);
}

export function statusLabel(t: T, v: unknown): string {
  const name = orderStatusName(v);
  if (name) {
    const k = `ostatus.${name}`;
    if (hasKey(k)) return t(k);
  }
  const code = orderStatusCode(v);
  if (code !== null) return t('ostatus.other', { n: code });
  return typeof v === 'string' && v.trim() ? v.trim().replace(/^ORDER_STATUS_/, '') : '–';
}

/** marketLabel: "TRD_MARKET_HK" -> 港股 / HK. */
export function marketLabel(t: T, m: string): string {
  const s = m.replace(/^TRD_MARKET_/, '');
  const k = `market.${s}`;
  return hasKey(k) ? t(k) : s;
}
