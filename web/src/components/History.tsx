// History orders and fills for a date range (/api/history-orders, /api/history-order-fills)
// and the cash flow of one clearing date (/api/cash-flow): Futu's own reads, snake_case.
import { useEffect, useState } from 'react';
import { ApiClient, userMessage } from '../api/client';
import type { Account } from '../api/types';
import { accountRef, isReal } from '../lib/accounts';
import { fmtInt, fmtMoney, fmtPrice, useLang } from '../lib/i18n';
import { marketLabel, orderTypeLabel, sideLabel, sideName, statusLabel } from '../lib/labels';
import { addDays, cashFlowRequest, cashFlowTotals, dateIn, historyRequest, rangeProblem, type CashFlow } from '../lib/history';
import { feeTitle, type OrderFee } from '../lib/fees';
import { AccountTag } from './AccountView';
import { FillsHead } from './Fills';
import type { PushToast } from './Toasts';

type HistOrder = {
  order_id?: string;
  order_id_ex?: string;
  code?: string;
  name?: string;
  trd_side?: string | number;
  order_type?: string | number;
  order_status?: string | number;
  qty?: number;
  price?: number;
  fill_qty?: number;
  fill_avg_price?: number;
  create_time?: string;
  aux_price?: number;
};
type HistFill = { fill_id?: string; order_id?: string; code?: string; name?: string; trd_side?: string | number; qty?: number; price?: number; create_time?: string };

/**
 * MarketPick: one of the account's markets (a history read is per market, as OpenD's
 * header), or with allLabel also '' for all of them; nothing for a one-market account.
 */
export function MarketPick(props: {
  account: Account;
  value: string;
  onChange: (m: string) => void;
  testid: string;
  label?: string;
  allLabel?: string;
  disabled?: boolean;
}) {
  const ms = props.account.trd_markets ?? [];
  const { t } = useLang();
  if (ms.length <= 1) return null;
  return (
    <label className="field">
      <span className="field-label">{props.label ?? t('hist.market')}</span>
      <select value={props.value} onChange={(e) => props.onChange(e.target.value)} disabled={props.disabled} data-testid={props.testid}>
        {props.allLabel !== undefined && <option value="">{props.allLabel}</option>}
        {ms.map((m) => (
          <option key={m} value={m}>
            {marketLabel(t, m)}
          </option>
        ))}
      </select>
    </label>
  );
}

export function History(props: { api: ApiClient; toast: PushToast; account: Account | null }) {
  const { api, toast, account } = props;
  const { lang, t } = useLang();
  const money = (v: number | undefined) => fmtMoney(lang, v);
  const price = (v: number | undefined) => fmtPrice(lang, v);
  const real = account !== null && isReal(account);
  const [market, setMarket] = useState('');
  const mk = account && account.trd_markets.includes(market) ? market : account?.trd_markets[0] ?? 'TRD_MARKET_HK';
  const [range, setRange] = useState(() => ({ from: addDays(dateIn(mk), -7), to: dateIn(mk) }));
  const [view, setView] = useState<'orders' | 'fills'>('orders');
  const [rows, setRows] = useState<{ orders?: HistOrder[]; fills?: HistFill[]; for: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [fees, setFees] = useState<Record<string, OrderFee | string>>({});
  // OpenD keeps no fill records for simulated trading: historical fills are real only.
  const fillsUnavailable = view === 'fills' && account !== null && !real;
  const problem = fillsUnavailable ? t('hist.fillsRealOnly') : rangeProblem(range, t);

  useEffect(() => {
    setRows(null);
    setFees({});
  }, [account?.acc_id]);

  async function load() {
    if (!account || problem) return;
    setBusy(true);
    const req = historyRequest(accountRef(account, mk), range);
    try {
      if (view === 'orders') {
        const r = await api.post<{ order_list?: HistOrder[] }>('/api/history-orders', req);
        setRows({ orders: r.order_list ?? [], for: `${account.acc_id} ${mk} ${range.from}…${range.to}` });
      } else {
        const r = await api.post<{ order_fill_list?: HistFill[] }>('/api/history-order-fills', req);
        setRows({ fills: r.order_fill_list ?? [], for: `${account.acc_id} ${mk} ${range.from}…${range.to}` });
      }
    } catch (e) {
      toast('error', userMessage(e, t('act.readAccount'), t));
    } finally {
      setBusy(false);
    }
  }

  async function fee(o: HistOrder) {
    if (!account || !o.order_id_ex) return;
    try {
      const r = await api.post<{ order_fee_list?: OrderFee[] }>('/api/order-fee', { header: accountRef(account, mk), order_id_ex_list: [o.order_id_ex] });
      setFees((f) => ({ ...f, [o.order_id_ex!]: r.order_fee_list?.[0] ?? 'none' }));
    } catch (e) {
      setFees((f) => ({ ...f, [o.order_id_ex!]: userMessage(e, t('act.readFees'), t) }));
    }
  }

  return (
    <div data-testid="history-orders">
      <h2>
        {t('hist.title')}
        <AccountTag account={account} />
      </h2>
      <form
        className="row wrap"
        onSubmit={(e) => {
          e.preventDefault();
          void load();
        }}
      >
        <div className="segmented" role="group" aria-label={t('hist.of')}>
          {(['orders', 'fills'] as const).map((v) => (
            <button type="button" key={v} className={view === v ? 'on' : ''} onClick={() => (setView(v), setRows(null))} data-testid={`history-view-${v}`}>
              {v === 'orders' ? t('hist.orders') : t('hist.fills')}
            </button>
          ))}
        </div>
        {account && <MarketPick account={account} value={mk} onChange={setMarket} testid="history-market" />}
        <label className="field">
          <span className="field-label">{t('hist.from')}</span>
          <input type="date" value={range.from} onChange={(e) => setRange({ ...range, from: e.target.value })} data-testid="history-from" />
        </label>
        <label className="field">
          <span className="field-label">{t('hist.to')}</span>
          <input type="date" value={range.to} onChange={(e) => setRange({ ...range, to: e.target.value })} data-testid="history-to" />
        </label>
        <button type="submit" className="small" disabled={!account || !!problem || busy} data-testid="history-load" title={problem ?? undefined}>
          {busy ? t('hist.reading') : t('hist.show')}
        </button>
        {problem && (
          <span className="field-error small" data-testid="history-problem">
            {problem}
          </span>
        )}
      </form>
      {rows && (
        <div className="scroll-y">
          <p className="muted small" data-testid="history-count">
            {t(rows.orders ? 'hist.countOrders' : 'hist.countFills', { n: (rows.orders ?? rows.fills ?? []).length, for: rows.for })}
          </p>
          {rows.orders && (
            <table className="table" data-testid="history-orders-table">
              <thead>
                <tr>
                  <th>{t('col.created')}</th>
                  <th>{t('col.code')}</th>
                  <th>{t('col.side')}</th>
                  <th className="num">{t('col.qty')}</th>
                  <th className="num">{t('col.orderPrice')}</th>
                  <th className="num">{t('col.filled')}</th>
                  <th>{t('col.status')}</th>
                  {real && <th>{t('col.fees')}</th>}
                </tr>
              </thead>
              <tbody>
                {rows.orders.map((o, i) => {
                  const side = sideName(o.trd_side);
                  const f = o.order_id_ex ? fees[o.order_id_ex] : undefined;
                  return (
                    <tr key={o.order_id ?? i} data-testid={`history-order-${o.order_id}`}>
                      <td className="mono small">{o.create_time}</td>
                      <td>
                        <span className="sym">{o.code}</span>
                        <div className="muted small">{orderTypeLabel(t, o.order_type)}</div>
                      </td>
                      <td className={side.startsWith('BUY') ? 'pos' : 'neg'}>{sideLabel(t, o.trd_side)}</td>
                      <td className="num">{fmtInt(lang, o.qty)}</td>
                      <td className="num">{o.price ? price(o.price) : t('hist.market.price')}</td>
                      <td className="num">
                        {fmtInt(lang, o.fill_qty ?? 0)}
                        {(o.fill_qty ?? 0) > 0 && <span className="muted small"> @ {price(o.fill_avg_price)}</span>}
                      </td>
                      <td>{statusLabel(t, o.order_status)}</td>
                      {real && (
                        <td className="small">
                          {f === undefined ? (
                            (o.fill_qty ?? 0) > 0 && o.order_id_ex ? (
                              <button type="button" className="link small" onClick={() => void fee(o)} data-testid={`history-fee-${o.order_id}`}>
                                {t('hist.fee')}
                              </button>
                            ) : null
                          ) : typeof f === 'string' ? (
                            <span className="muted">{f === 'none' ? t('hist.feeNone') : f}</span>
                          ) : (
                            <span title={(f.fee_list ?? []).map((x) => `${feeTitle(t, x.title)}: ${money(x.value)}`).join('\n')} data-testid={`history-fee-amount-${o.order_id}`}>
                              {money(f.fee_amount)}
                            </span>
                          )}
                        </td>
                      )}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
          {rows.fills && (
            <table className="table" data-testid="history-fills-table">
              <FillsHead />
              <tbody>
                {rows.fills.map((f, i) => {
                  const side = sideName(f.trd_side);
                  return (
                    <tr key={f.fill_id ?? i}>
                      <td className="mono small">{f.create_time}</td>
                      <td className="sym">{f.code}</td>
                      <td className={side.startsWith('BUY') ? 'pos' : 'neg'}>{sideLabel(t, f.trd_side)}</td>
                      <td className="num">{fmtInt(lang, f.qty)}</td>
                      <td className="num">{price(f.price)}</td>
                      <td className="mono small">{f.order_id}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </div>
      )}
    </div>
  );
}

export function CashFlowView(props: { api: ApiClient; toast: PushToast; account: Account | null }) {
  const { api, toast, account } = props;
  const { lang, t } = useLang();
  const money = (v: number | undefined) => fmtMoney(lang, v);
  const [market, setMarket] = useState('');
  const mk = account && account.trd_markets.includes(market) ? market : account?.trd_markets[0] ?? 'TRD_MARKET_HK';
  const [date, setDate] = useState(() => dateIn(mk));
  const [rows, setRows] = useState<{ list: CashFlow[]; for: string } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => setRows(null), [account?.acc_id]);

  async function load() {
    if (!account || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return;
    setBusy(true);
    try {
      const r = await api.post<{ flow_summary_info_list?: CashFlow[] }>('/api/cash-flow', cashFlowRequest(accountRef(account, mk), date));
      setRows({ list: r.flow_summary_info_list ?? [], for: `${account.acc_id} ${date}` });
    } catch (e) {
      toast('error', userMessage(e, t('act.readAccount'), t));
    } finally {
      setBusy(false);
    }
  }
  const totals = rows ? cashFlowTotals(rows.list) : null;

  return (
    <div data-testid="cash-flow">
      <h2>
        {t('cf.title')}
        <AccountTag account={account} />
      </h2>
      <form
        className="row wrap"
        onSubmit={(e) => {
          e.preventDefault();
          void load();
        }}
      >
        {account && <MarketPick account={account} value={mk} onChange={setMarket} testid="cash-flow-market" />}
        <label className="field">
          <span className="field-label">{t('cf.date')}</span>
          <input type="date" value={date} onChange={(e) => setDate(e.target.value)} data-testid="cash-flow-date" />
        </label>
        <button type="submit" className="small" disabled={!account || busy} data-testid="cash-flow-load">
          {busy ? t('hist.reading') : t('hist.show')}
        </button>
      </form>
      {rows && totals && (
        <div className="scroll-y">
          <p className="small" data-testid="cash-flow-totals">
            {t('cf.count', { n: rows.list.length, for: rows.for })} {t('cf.in')} <span className="pos">{money(totals.in)}</span>
            {t('cf.sep')}
            {t('cf.out')} <span className="neg">{money(totals.out)}</span>
            {t('cf.sep')}
            {t('cf.net')} {money(totals.net)}
          </p>
          {rows.list.length > 0 && (
            <table className="table" data-testid="cash-flow-table">
              <thead>
                <tr>
                  <th>{t('col.time')}</th>
                  <th>{t('col.type')}</th>
                  <th className="num">{t('col.amount')}</th>
                  <th>{t('col.remark')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.list.map((r, i) => (
                  <tr key={r.cash_flow_id ?? i}>
                    <td className="mono small">{r.create_time}</td>
                    <td>{r.cash_flow_type}</td>
                    <td className={`num ${(r.cash_flow_amount ?? 0) >= 0 ? 'pos' : 'neg'}`}>{money(r.cash_flow_amount)}</td>
                    <td className="small">{r.cash_flow_remark}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </div>
  );
}
