// The key's own limits beside the ticket: the order value cap (whoami) and the orders
// left in the per-minute window, counted from this panel's own placements and
// cancel-alls (the server's count is shared with the key's other sessions and tools).
import { useEffect, useState } from 'react';
import { money } from '../lib/format';
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
  return (
    <p className="small muted" data-testid="key-limits">
      Key limits: order value{' '}
      <span data-testid="key-limit-value">{maxOrderValue === undefined || maxOrderValue === null ? 'no cap' : `max ${money(maxOrderValue)}`}</span>
      {' · '}
      <span data-testid="key-orders-left" className={win.left === 0 ? 'neg' : undefined}>
        {max === undefined || max === null ? 'orders/min: no limit' : `${win.left} of ${max} orders left this minute`}
      </span>
      {win.left !== undefined && win.used > 0 && win.nextInMs !== undefined && <> (next frees in {Math.ceil(win.nextInMs / 1000)} s)</>}
    </p>
  );
}
