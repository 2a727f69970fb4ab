import { useState } from 'react';
import { ApiClient, userMessage } from '../api/client';
import type { Account, Order } from '../api/types';
import { enumLabel, ORDER_TYPE_NAMES, price, SIDE_NAMES } from '../lib/format';
import { orderStatusCancellable, orderStatusCode, orderStatusLabel } from '../lib/orderStatus';
import { accountRef, isReal } from '../lib/accounts';
import { RealBadge } from './AccountView';
import type { PushToast } from './Toasts';

export function Orders(props: {
  api: ApiClient;
  toast: PushToast;
  account: Account | null;
  /** Whether the key may trade (so cancel) on this account. */
  canTrade: boolean;
  orders: Order[];
  onReload: () => void;
}) {
  const { api, toast, account, canTrade, orders, onReload } = props;
  const real = account !== null && isReal(account);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [pending, setPending] = useState<Set<string>>(new Set());

  async function cancel(o: Order) {
    if (!account) return;
    setConfirming(null);
    setPending((p) => new Set(p).add(o.order_id));
    try {
      await api.post('/api/cancel-order', { ...accountRef(account, marketOf(account, o)), order_id: o.order_id });
      toast('info', `Cancel sent for order ${o.order_id}`);
    } catch (e) {
      toast('error', userMessage(e, 'cancel orders on this account'));
    } finally {
      setPending((p) => {
        const n = new Set(p);
        n.delete(o.order_id);
        return n;
      });
    }
  }

  return (
    <>
      <h2>
        Today's orders
        {account && (
          <span className={`small ${real ? 'real-text' : 'muted'}`} data-testid="orders-account">
            account {account.acc_id}
          </span>
        )}
        {real && <RealBadge />}{' '}
        <button type="button" className="link small" onClick={onReload} data-testid="orders-reload">
          reload
        </button>
      </h2>
      <table className="table" data-testid="orders">
        <thead>
          <tr>
            <th>Order</th>
            <th>Code</th>
            <th>Side</th>
            <th className="num">Price</th>
            <th className="num">Qty</th>
            <th className="num">Filled</th>
            <th>Status</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {orders.length === 0 && (
            <tr>
              <td colSpan={8} className="muted">
                No orders today.
              </td>
            </tr>
          )}
          {orders.map((o) => {
            const side = enumLabel(o.trd_side, 'TRD_SIDE_', SIDE_NAMES);
            const type = enumLabel(o.order_type, 'ORDER_TYPE_', ORDER_TYPE_NAMES).replace('NORMAL', 'LIMIT');
            const statusCode = orderStatusCode(o.order_status);
            const canCancel = canTrade && orderStatusCancellable(o.order_status) && !pending.has(o.order_id);
            return (
              <tr key={o.order_id} data-testid={`order-row-${o.order_id}`}>
                <td className="mono small" title={o.create_time}>
                  {o.order_id}
                </td>
                <td>
                  <div className="sym">{o.code}</div>
                  <div className="muted small">{type}</div>
                </td>
                <td className={side.startsWith('BUY') ? 'pos' : 'neg'}>{side}</td>
                <td className="num">{o.order_type === 'ORDER_TYPE_MARKET' || o.order_type === 2 ? 'market' : price(o.price)}</td>
                <td className="num">{o.qty}</td>
                <td className="num" data-testid={`order-filled-${o.order_id}`}>
                  {o.fill_qty}
                  {o.fill_qty > 0 && <span className="muted small"> @ {price(o.fill_avg_price)}</span>}
                </td>
                <td data-testid={`order-status-${o.order_id}`} title={o.last_err_msg || undefined}>
                  <span className={`status status-${statusCode ?? 'unknown'}`}>{orderStatusLabel(o.order_status)}</span>
                </td>
                <td className="num">
                  {confirming === o.order_id ? (
                    <span className="row tight">
                      <button type="button" className="danger small" onClick={() => void cancel(o)} data-testid={`order-cancel-confirm-${o.order_id}`}>
                        Cancel it
                      </button>
                      <button type="button" className="small" onClick={() => setConfirming(null)}>
                        Keep
                      </button>
                    </span>
                  ) : (
                    canCancel && (
                      <button type="button" className="small" onClick={() => setConfirming(o.order_id)} data-testid={`order-cancel-${o.order_id}`}>
                        Cancel
                      </button>
                    )
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

function marketOf(a: Account, o: Order): string {
  // US codes are letters; HK codes are digits.
  const m = /^\d+$/.test(o.code) ? 'TRD_MARKET_HK' : 'TRD_MARKET_US';
  return a.trd_markets.includes(m) ? m : a.trd_markets[0];
}
