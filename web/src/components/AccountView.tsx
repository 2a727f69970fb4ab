import type { Account, Funds, Position } from '../api/types';
import { accountLabel, isReal } from '../lib/accounts';
import { fmtInt, fmtMoney, fmtPrice, fmtSignedMoney, useLang } from '../lib/i18n';
import { livePosition, positionSecKey } from '../lib/pl';

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
  livePrices = {},
}: {
  accounts: Account[];
  account: Account | null;
  onSelectAccount: (accId: string) => void;
  /** Whether the key may trade the viewed account. */
  tradable: boolean;
  funds: Funds | null;
  positions: Position[];
  /** Latest quote prices by security key ("HK.00700"): P/L follows them live. */
  livePrices?: Record<string, number>;
}) {
  const { lang, t } = useLang();
  const money = (v: number | undefined) => fmtMoney(lang, v);
  const price = (v: number | undefined) => fmtPrice(lang, v);
  const trdMarket = account?.trd_markets[0] ?? 'TRD_MARKET_HK';
  const real = account !== null && isReal(account);
  return (
    <>
      <h2>
        {t('acct.title')}
        {account && real && <RealBadge />}
      </h2>
      <label className="view-account">
        <span className="field-label">{t('acct.viewing')}</span>
        <select
          value={account?.acc_id ?? ''}
          onChange={(e) => onSelectAccount(e.target.value)}
          className={real ? 'real' : 'simulate'}
          disabled={accounts.length === 0}
          data-testid="view-account"
        >
          {accounts.length === 0 && <option value="">{t('acct.none')}</option>}
          {accounts.map((a) => (
            <option key={a.acc_id} value={a.acc_id} className={isReal(a) ? 'real' : undefined}>
              {isReal(a) ? `⚠ ${accountLabel(a, t)}` : accountLabel(a, t)}
            </option>
          ))}
        </select>
      </label>
      {account && real && (
        <p className="banner banner-warn" data-testid="view-real-warning">
          {tradable ? t('acct.realTradable') : t('acct.realViewOnly')}
        </p>
      )}
      {account && !real && !tradable && (
        <p className="muted small" data-testid="view-readonly">
          {t('acct.viewOnly')}
        </p>
      )}
      {funds ? (
        <dl className="funds" data-testid="funds">
          <div>
            <dt>{t('acct.total')}</dt>
            <dd>{money(funds.total_assets)}</dd>
          </div>
          <div>
            <dt>{t('acct.cash')}</dt>
            <dd>{money(funds.cash)}</dd>
          </div>
          <div>
            <dt>{t('acct.power')}</dt>
            <dd data-testid="funds-power">{money(funds.power)}</dd>
          </div>
          <div>
            <dt>{t('acct.marketVal')}</dt>
            <dd>{money(funds.market_val)}</dd>
          </div>
          <div>
            <dt>{t('acct.frozen')}</dt>
            <dd>{money(funds.frozen_cash)}</dd>
          </div>
        </dl>
      ) : (
        <p className="muted">{account ? t('acct.loading') : t('acct.noneSelected')}</p>
      )}
      <table className="table" data-testid="positions">
        <thead>
          <tr>
            <th>{t('col.code')}</th>
            <th className="num">{t('col.qty')}</th>
            <th className="num">{t('col.canSell')}</th>
            <th className="num">{t('col.price')}</th>
            <th className="num">{t('col.cost')}</th>
            <th className="num">{t('col.pl')}</th>
          </tr>
        </thead>
        <tbody>
          {positions.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                {t('acct.noPositions')}
              </td>
            </tr>
          )}
          {positions.map((raw) => {
            const p = livePosition(raw, livePrices[positionSecKey(raw.code, trdMarket)]);
            return (
            <tr key={p.code} data-testid={`position-${p.code}`} data-live={p.live ? 'true' : 'false'}>
              <td>
                <div className="sym">{p.code}</div>
                <div className="muted small">{p.name}</div>
              </td>
              <td className="num">{fmtInt(lang, p.qty)}</td>
              <td className="num">{fmtInt(lang, p.can_sell_qty)}</td>
              <td className="num">{price(p.price)}</td>
              <td className="num">{price(p.cost_price)}</td>
              <td
                className={`num ${p.pl_val > 0 ? 'pos' : p.pl_val < 0 ? 'neg' : ''}`}
                data-testid={`position-pl-${p.code}`}
                title={p.live ? t('acct.live') : undefined}
              >
                {fmtSignedMoney(lang, p.pl_val)}
              </td>
            </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

/** RealBadge marks a real-money account next to a heading. */
/** AccountTag names the account a section shows, and marks a real one, in the section's heading. */
export function AccountTag(props: { account: Account | null }) {
  const { account } = props;
  const { t } = useLang();
  if (!account) return null;
  const real = isReal(account);
  return (
    <>
      <span className={`small ${real ? 'real-text' : 'muted'}`}>{t('orders.account', { acc: account.acc_id })}</span>
      {real && <RealBadge />}
    </>
  );
}

export function RealBadge() {
  const { t } = useLang();
  return (
    <span className="real-badge" title={t('acct.real')} data-testid="real-badge">
      {t('acct.badge')}
    </span>
  );
}
