// The key's own limits beside the ticket: the order value cap (whoami) and the orders
// left in the per-minute window, counted from this panel's own placements and
// cancel-alls (the server's count is shared with the key's other sessions and tools).
import { useEffect, useState } from 'react';
import { fmtMoney, useLang } from '../lib/i18n';
import { windowLeft } from '../lib/orderForm';

export type WindowState = { used: number; left?: number; nextInMs?: number };

/** useWindow re-reads the window every second while a slot is in use. */
export function useWindow(slots: number[], max: number | undefined): WindowState {
  const [now, setNow] = useState(() => Date.now());
  const w = windowLeft(slots, now, max);
  const active = w.used > 0;
  useEffect(() => {
    setNow(Date.now());
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [active, slots]);
  return w;
}

export function KeyLimitsLine(props: { win: WindowState; max?: number; maxOrderValue?: number }) {
  const { win, max, maxOrderValue } = props;
  const { lang, t } = useLang();
  return (
    <p className="small muted" data-testid="key-limits">
      {t('limits.label')}{' '}
      <span data-testid="key-limit-value">{maxOrderValue === undefined || maxOrderValue === null ? t('limits.noCap') : t('limits.max', { v: fmtMoney(lang, maxOrderValue) })}</span>
      {' · '}
      <span data-testid="key-orders-left" className={win.left === 0 ? 'neg' : undefined}>
        {max === undefined || max === null ? t('limits.noPerMin') : t('limits.left', { left: win.left ?? 0, max })}
      </span>
      {win.left !== undefined && win.used > 0 && win.nextInMs !== undefined && t('limits.next', { s: Math.ceil(win.nextInMs / 1000) })}
    </p>
  );
}
