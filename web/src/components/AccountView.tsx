import type { Account, Funds, Position } from '../api/types';
import { accountLabel, isReal } from '../lib/accounts';
import { money, price } from '../lib/format';

/**
 * AccountView shows the viewed account's funds and positions, with the choice of
 * account: every account this key can read, including ones it may not trade (a real
 * account without trade:real). A real account is marked wherever it appears.
 */
export function AccountView({
  accounts,
  account,
  onSelectAccount,
  tradable,
  funds,
  positions,
}: {
  accounts: Account[];
  account: Account | null;
  onSelectAccount: (accId: string) => void;
  /** Whether the key may trade the viewed account. */
  tradable: boolean;
  funds: Funds | null;
  positions: Position[];
}) {
  const real = account !== null && isReal(account);
  return (
    <>
      <h2>
        Funds and positions
        {account && real && <RealBadge />}
      </h2>
      <label className="view-account">
        <span className="field-label">Viewing account</span>
        <select
          value={account?.acc_id ?? ''}
          onChange={(e) => onSelectAccount(e.target.value)}
          className={real ? 'real' : 'simulate'}
          disabled={accounts.length === 0}
          data-testid="view-account"
        >
          {accounts.length === 0 && <option value="">no account</option>}
          {accounts.map((a) => (
            <option key={a.acc_id} value={a.acc_id} className={isReal(a) ? 'real' : undefined}>
              {isReal(a) ? `⚠ ${accountLabel(a)}` : accountLabel(a)}
            </option>
          ))}
        </select>
      </label>
      {account && real && (
        <p className="banner banner-warn" data-testid="view-real-warning">
          REAL account: real money{tradable ? '.' : '; this key may view it but not trade it.'}
        </p>
      )}
      {account && !real && !tradable && (
        <p className="muted small" data-testid="view-readonly">
          This key may view this account but not trade it.
        </p>
      )}
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

/** RealBadge marks a real-money account next to a heading. */
export function RealBadge() {
  return (
    <span className="real-badge" title="a real-money account" data-testid="real-badge">
      REAL
    </span>
  );
}
