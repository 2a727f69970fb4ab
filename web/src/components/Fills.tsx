// Today's fills of the viewed account: /api/order-fills on load, then live from the 2218
// pushes (Trd_UpdateOrderFill), merged by fill id (lib/fills.ts).
import type { Account } from '../api/types';
import { fillsValue, type Fill } from '../lib/fills';
import { enumLabel, money, price, SIDE_NAMES } from '../lib/format';
import { isReal } from '../lib/accounts';
import { RealBadge } from './AccountView';

export function Fills(props: { fills: Fill[]; account: Account | null }) {
  const { fills, account } = props;
  const real = account !== null && isReal(account);
  return (
    <>
      <h2>
        Fills today
        {account && <span className={`small ${real ? 'real-text' : 'muted'}`}>account {account.acc_id}</span>}
        {real && <RealBadge />}
        {fills.length > 0 && <span className="muted small"> {fills.length} · value {money(fillsValue(fills))}</span>}
      </h2>
      <div className="scroll-y">
        <table className="table" data-testid="fills">
          <thead>
            <tr>
              <th>Time</th>
              <th>Code</th>
              <th>Side</th>
              <th className="num">Qty</th>
              <th className="num">Price</th>
              <th>Order</th>
            </tr>
          </thead>
          <tbody>
            {fills.length === 0 && (
              <tr>
                <td colSpan={6} className="muted">
                  No fills today.
                </td>
              </tr>
            )}
            {fills.map((f) => {
              const side = enumLabel(f.trd_side, 'TRD_SIDE_', SIDE_NAMES);
              return (
                <tr key={f.fill_id} data-testid={`fill-row-${f.fill_id}`} data-order-id={f.order_id}>
                  <td className="mono small">{(f.create_time || '').slice(11, 19) || '–'}</td>
                  <td>
                    <span className="sym">{f.code}</span>
                    {f.name && <span className="muted small"> {f.name}</span>}
                  </td>
                  <td className={side.startsWith('BUY') ? 'pos' : 'neg'}>{side}</td>
                  <td className="num">{f.qty}</td>
                  <td className="num">{price(f.price)}</td>
                  <td className="mono small">{f.order_id}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
