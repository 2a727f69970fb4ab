// Today's fills of the viewed account: /api/order-fills on load, then live from the 2218
// pushes (Trd_UpdateOrderFill), merged by fill id (lib/fills.ts).
import type { Account } from '../api/types';
import { fillsValue, type Fill } from '../lib/fills';
import { fmtInt, fmtMoney, fmtPrice, useLang } from '../lib/i18n';
import { sideLabel, sideName } from '../lib/labels';
import { AccountTag } from './AccountView';

export function Fills(props: { fills: Fill[]; account: Account | null }) {
  const { fills, account } = props;
  const { lang, t } = useLang();
  return (
    <>
      <h2>
        {t('fills.title')}
        <AccountTag account={account} />
        {fills.length > 0 && <span className="muted small"> {t('fills.summary', { n: fills.length, v: fmtMoney(lang, fillsValue(fills)) })}</span>}
      </h2>
      <div className="scroll-y">
        <table className="table" data-testid="fills">
          <FillsHead />
          <tbody>
            {fills.length === 0 && (
              <tr>
                <td colSpan={6} className="muted">
                  {t('fills.none')}
                </td>
              </tr>
            )}
            {fills.map((f) => {
              const side = sideName(f.trd_side);
              return (
                <tr key={f.fill_id} data-testid={`fill-row-${f.fill_id}`} data-order-id={f.order_id}>
                  <td className="mono small">{(f.create_time || '').slice(11, 19) || '–'}</td>
                  <td>
                    <span className="sym">{f.code}</span>
                    {f.name && <span className="muted small"> {f.name}</span>}
                  </td>
                  <td className={side.startsWith('BUY') ? 'pos' : 'neg'}>{sideLabel(t, f.trd_side)}</td>
                  <td className="num">{fmtInt(lang, f.qty)}</td>
                  <td className="num">{fmtPrice(lang, f.price)}</td>
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

/** FillsHead is the header row of a table of fills, today's or history's. */
export function FillsHead() {
  const { t } = useLang();
  return (
    <thead>
      <tr>
        <th>{t('col.time')}</th>
        <th>{t('col.code')}</th>
        <th>{t('col.side')}</th>
        <th className="num">{t('col.qty')}</th>
        <th className="num">{t('col.orderPrice')}</th>
        <th>{t('col.order')}</th>
      </tr>
    </thead>
  );
}
