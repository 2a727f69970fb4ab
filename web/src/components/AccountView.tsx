import type { Account, Funds, Position } from '../api/types';
import { money, price } from '../lib/format';

export function AccountView({ account, funds, positions }: { account: Account | null; funds: Funds | null; positions: Position[] }) {
  return (
    <>
      <h2>
        Funds and positions {account && <span className="muted small">account {account.acc_id}</span>}
      </h2>
      {funds ? (
        <dl className="funds" data-testid="funds">
          <div>
            <dt>Total assets</dt>
            <dd>{money(funds.total_assets)}</dd>
          </div>
          <div>
            <dt>Cash</dt>
            <dd>{money(funds.cash)}</dd>
          </div>
          <div>
            <dt>Buying power</dt>
            <dd data-testid="funds-power">{money(funds.power)}</dd>
          </div>
          <div>
            <dt>Market value</dt>
            <dd>{money(funds.market_val)}</dd>
          </div>
          <div>
            <dt>Frozen</dt>
            <dd>{money(funds.frozen_cash)}</dd>
          </div>
        </dl>
      ) : (
        <p className="muted">{account ? 'Loading…' : 'No account selected.'}</p>
      )}
      <table className="table" data-testid="positions">
        <thead>
          <tr>
            <th>Code</th>
            <th className="num">Qty</th>
            <th className="num">Can sell</th>
            <th className="num">Price</th>
            <th className="num">Cost</th>
            <th className="num">P/L</th>
          </tr>
        </thead>
        <tbody>
          {positions.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                No positions.
              </td>
            </tr>
          )}
          {positions.map((p) => (
            <tr key={p.code} data-testid={`position-${p.code}`}>
              <td>
                <div className="sym">{p.code}</div>
                <div className="muted small">{p.name}</div>
              </td>
              <td className="num">{p.qty}</td>
              <td className="num">{p.can_sell_qty}</td>
              <td className="num">{price(p.price)}</td>
              <td className="num">{price(p.cost_price)}</td>
              <td className={`num ${p.pl_val > 0 ? 'pos' : p.pl_val < 0 ? 'neg' : ''}`}>{money(p.pl_val)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
