import { Fragment, useState } from 'react';
import { ApiClient, userMessage } from '../api/client';
import type { Account, Order } from '../api/types';
import { fmtInt, fmtPrice, useLang, type Lang, type T } from '../lib/i18n';
import { marketLabel, orderTypeLabel, sideLabel, sideName, statusLabel } from '../lib/labels';
import { orderStatusCancellable, orderStatusCode } from '../lib/orderStatus';
import { accountRef, cancelAllRequest, isReal } from '../lib/accounts';
import { RealBadge } from './AccountView';
import { MarketPick } from './History';
import { newIdempotencyKey } from '../lib/idempotency';
import {
  hasLimitPrice as typeHasLimit,
  hasTrigger,
  isTrailing,
  modifiable,
  modifyInputOf,
  modifyNext,
  modifyProblems,
  modifyRequest,
  orderTypeName,
  trailTypeName,
  type ModifyInput,
  type ModifyNext,
  type TrailTypeName,
} from '../lib/orderForm';
import type { PushToast } from './Toasts';

export function Orders(props: {
  api: ApiClient;
  toast: PushToast;
  account: Account | null;
  /** Whether the key may trade (so cancel) on this account. */
  canTrade: boolean;
  orders: Order[];
  onReload: () => void;
  /** A cancel-all took a slot of the key's per-minute window. */
  onSlotUsed?: () => void;
}) {
  const { api, toast, account, canTrade, orders, onReload, onSlotUsed } = props;
  const { lang, t } = useLang();
  const price = (v: number | undefined) => fmtPrice(lang, v);
  // The order being modified: its new price and qty as typed, then a confirmation.
  const [editing, setEditing] = useState<EditState | null>(null);
  // A cancel-all being confirmed: its key, and the one market it is limited to ('' = all).
  const [cancelAll, setCancelAll] = useState<{ idem: string; busy: boolean; market: string } | null>(null);
  const openOrders = orders.filter((o) => orderStatusCancellable(o.order_status));
  const openCount = openOrders.length;
  const openIn = (m: string) => (m === '' || !account ? openCount : openOrders.filter((o) => marketOf(account, o) === m).length);

  async function modify(o: Order, next: ModifyNext) {
    if (!account) return;
    setEditing(null);
    setPending((p) => new Set(p).add(o.order_id));
    try {
      await api.post('/api/modify-order', modifyRequest(accountRef(account, marketOf(account, o)), o, next));
      toast('info', t('orders.modifySent', { id: o.order_id, qty: next.qty }));
    } catch (e) {
      toast('error', userMessage(e, t('act.modify'), t));
    } finally {
      setPending((p) => {
        const n = new Set(p);
        n.delete(o.order_id);
        return n;
      });
    }
  }

  async function doCancelAll() {
    if (!account || !cancelAll || cancelAll.busy) return;
    setCancelAll({ ...cancelAll, busy: true });
    try {
      await api.post('/api/cancel-all-order', cancelAllRequest(account, cancelAll.market), { 'Idempotency-Key': cancelAll.idem });
      onSlotUsed?.();
      toast('info', t('orders.cancelAllSent', { acc: account.acc_id + (cancelAll.market ? ` · ${marketLabel(t, cancelAll.market)}` : '') }));
      setCancelAll(null);
    } catch (e) {
      toast('error', userMessage(e, t('act.cancel'), t));
      setCancelAll((c) => (c ? { ...c, busy: false } : c));
    }
  }
  const real = account !== null && isReal(account);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [pending, setPending] = useState<Set<string>>(new Set());

  async function cancel(o: Order) {
    if (!account) return;
    setConfirming(null);
    setPending((p) => new Set(p).add(o.order_id));
    try {
      await api.post('/api/cancel-order', { ...accountRef(account, marketOf(account, o)), order_id: o.order_id });
      toast('info', t('orders.cancelSent', { id: o.order_id }));
    } catch (e) {
      toast('error', userMessage(e, t('act.cancel'), t));
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
        {t('orders.title')}
        {account && (
          <span className={`small ${real ? 'real-text' : 'muted'}`} data-testid="orders-account">
            {t('orders.account', { acc: account.acc_id })}
          </span>
        )}
        {real && <RealBadge />}{' '}
        <button type="button" className="link small" onClick={onReload} data-testid="orders-reload">
          {t('orders.reload')}
        </button>{' '}
        {canTrade && (
          <button
            type="button"
            className="small"
            disabled={openCount === 0 || cancelAll !== null}
            onClick={() => setCancelAll({ idem: newIdempotencyKey(), busy: false, market: '' })}
            data-testid="cancel-all"
          >
            {t('orders.cancelAll')}
          </button>
        )}
      </h2>
      {cancelAll && account && (
        <div className={`confirm ${real ? 'confirm-real' : ''}`} data-testid="cancel-all-confirm-box">
          <p>
            {t('orders.cancelAllPre')} <strong className={real ? 'real-text' : undefined}>{account.acc_id}</strong>
            {t('orders.cancelAllPost', { real: real ? ' ' + t('orders.realMark') : '', n: openIn(cancelAll.market) })}
          </p>
          <MarketPick
            account={account}
            value={cancelAll.market}
            label={t('orders.cancelAllMarket')}
            allLabel={t('orders.allMarkets')}
            disabled={cancelAll.busy}
            // Another market is another request: a new Idempotency-Key.
            onChange={(m) => setCancelAll({ idem: newIdempotencyKey(), busy: false, market: m })}
            testid="cancel-all-market"
          />
          <div className="row">
            <button type="button" onClick={() => setCancelAll(null)} disabled={cancelAll.busy} data-testid="cancel-all-keep">
              {t('orders.keepThem')}
            </button>
            <button type="button" className="danger" onClick={() => void doCancelAll()} disabled={cancelAll.busy} data-testid="cancel-all-confirm">
              {cancelAll.busy ? t('orders.sending') : t('orders.cancelAllConfirm')}
            </button>
          </div>
        </div>
      )}
      <table className="table" data-testid="orders">
        <thead>
          <tr>
            <th>{t('col.order')}</th>
            <th>{t('col.code')}</th>
            <th>{t('col.side')}</th>
            <th className="num">{t('col.orderPrice')}</th>
            <th className="num">{t('col.qty')}</th>
            <th className="num">{t('col.filled')}</th>
            <th>{t('col.status')}</th>
            <th>
              <span className="sr-only">{t('col.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {orders.length === 0 && (
            <tr>
              <td colSpan={8} className="muted">
                {t('orders.none')}
              </td>
            </tr>
          )}
          {orders.map((o) => {
            const side = sideName(o.trd_side);
            const type = orderTypeLabel(t, o.order_type);
            const statusCode = orderStatusCode(o.order_status);
            const canCancel = canTrade && orderStatusCancellable(o.order_status) && !pending.has(o.order_id);
            return (
              <Fragment key={o.order_id}>
              <tr data-testid={`order-row-${o.order_id}`}>
                <td className="mono small" title={o.create_time}>
                  {o.order_id}
                </td>
                <td>
                  <div className="sym">{o.code}</div>
                  <div className="muted small">
                    {type}
                    {termsOf(o, t, lang)}
                  </div>
                </td>
                <td className={side.startsWith('BUY') ? 'pos' : 'neg'}>{sideLabel(t, o.trd_side)}</td>
                <td className="num" data-testid={`order-price-${o.order_id}`}>
                  {hasLimitPrice(o) ? price(o.price) : o.order_type === 'ORDER_TYPE_MARKET' || o.order_type === 2 ? t('orders.market') : '–'}
                </td>
                <td className="num" data-testid={`order-qty-${o.order_id}`}>
                  {fmtInt(lang, o.qty)}
                </td>
                <td className="num" data-testid={`order-filled-${o.order_id}`}>
                  {fmtInt(lang, o.fill_qty)}
                  {o.fill_qty > 0 && <span className="muted small"> @ {price(o.fill_avg_price)}</span>}
                </td>
                <td data-testid={`order-status-${o.order_id}`} title={o.last_err_msg || undefined}>
                  <span className={`status status-${statusCode ?? 'unknown'}`}>{statusLabel(t, o.order_status)}</span>
                </td>
                <td className="num">
                  {canCancel && modifiable(o.order_type) && editing?.id !== o.order_id && confirming !== o.order_id && (
                    <button
                      type="button"
                      className="small"
                      onClick={() => setEditing({ id: o.order_id, input: modifyInputOf(o), step: 'edit' })}
                      data-testid={`order-modify-${o.order_id}`}
                    >
                      {t('orders.modify')}
                    </button>
                  )}{' '}
                  {confirming === o.order_id ? (
                    <span className="row tight">
                      <button type="button" className="danger small" onClick={() => void cancel(o)} data-testid={`order-cancel-confirm-${o.order_id}`}>
                        {t('orders.cancelIt')}
                      </button>
                      <button type="button" className="small" onClick={() => setConfirming(null)}>
                        {t('orders.keep')}
                      </button>
                    </span>
                  ) : (
                    canCancel &&
                    editing?.id !== o.order_id && (
                      <button type="button" className="small" onClick={() => setConfirming(o.order_id)} data-testid={`order-cancel-${o.order_id}`}>
                        {t('orders.cancel')}
                      </button>
                    )
                  )}
                </td>
              </tr>
              {editing?.id === o.order_id && (
                <tr className="modify-row">
                  <td colSpan={8}>
                    <ModifyEditor
                      order={o}
                      state={editing}
                      real={real}
                      onChange={setEditing}
                      onSend={(next) => void modify(o, next)}
                    />
                  </td>
                </tr>
              )}
              </Fragment>
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

function hasLimitPrice(o: Order): boolean {
  return typeHasLimit(o.order_type);
}

/** termsOf: an order's trigger, trail and time in force, for the orders list. */
function termsOf(o: Order, t: T, lang: Lang): string {
  const parts: string[] = [];
  if (o.aux_price) parts.push(t('orders.trigger', { p: fmtPrice(lang, o.aux_price) }));
  if (o.trail_value) parts.push(t('orders.trail', { v: `${o.trail_value}${o.trail_type === 'TRAIL_TYPE_RATIO' || o.trail_type === 1 ? '%' : ''}` }));
  if (o.trail_spread) parts.push(t('orders.spread', { v: o.trail_spread }));
  if (o.time_in_force === 'TIME_IN_FORCE_GTC' || o.time_in_force === 1) parts.push(t('orders.gtc'));
  if (o.fill_outside_rth) parts.push(t('orders.extHours'));
  return parts.length ? ` · ${parts.join(' · ')}` : '';
}

type EditState = { id: string; input: ModifyInput; step: 'edit' | 'confirm' };

/** ModifyEditor: an open order's new price, trigger or trail and qty, then a confirmation. */
function ModifyEditor(props: { order: Order; state: EditState; real: boolean; onChange: (s: EditState | null) => void; onSend: (next: ModifyNext) => void }) {
  const { order: o, state, real, onChange, onSend } = props;
  const { lang, t } = useLang();
  const price = (v: number | undefined) => fmtPrice(lang, v);
  const limit = hasLimitPrice(o);
  const trig = hasTrigger(o.order_type);
  const trailing = isTrailing(o.order_type);
  const spread = orderTypeName(o.order_type) === 'ORDER_TYPE_TRAILING_STOP_LIMIT';
  const input = state.input;
  const next = modifyNext(o, input);
  const problems = modifyProblems(o, input, t);
  const set = (patch: Partial<ModifyInput>) => onChange({ ...state, input: { ...input, ...patch } });
  const id = o.order_id;
  const trailText = (type: string | number | undefined, v: number | undefined) => `${v ?? '–'}${trailTypeName(type) === 'TRAIL_TYPE_RATIO' ? '%' : ''}`;
  if (state.step === 'confirm') {
    return (
      <div className={`confirm ${real ? 'confirm-real' : ''}`} data-testid={`order-modify-box-${id}`}>
        <p data-testid={`order-modify-summary-${id}`}>
          {t('modify.summary', { id, real: real ? ' ' + t('orders.realMark') : '', from: o.qty, to: next.qty })}
          {next.price !== undefined && t('modify.price', { from: price(o.price), to: price(next.price) })}
          {next.aux !== undefined && t('modify.trigger', { from: price(o.aux_price), to: price(next.aux) })}
          {next.trail && t('modify.trail', { from: trailText(o.trail_type, o.trail_value), to: trailText(next.trail.type, next.trail.value) })}
          {next.trail?.spread !== undefined && t('modify.spread', { from: o.trail_spread ?? 0, to: next.trail.spread })}
          {t('modify.q')}
        </p>
        <div className="row">
          <button type="button" onClick={() => onChange({ ...state, step: 'edit' })} data-testid={`order-modify-back-${id}`}>
            {t('modify.back')}
          </button>
          <button type="button" className={real ? 'danger' : 'primary'} onClick={() => onSend(next)} data-testid={`order-modify-confirm-${id}`}>
            {t('modify.confirm')}
          </button>
        </div>
      </div>
    );
  }
  const num = (label: string, key: 'price' | 'aux' | 'trailValue' | 'trailSpread', testid: string) => (
    <label className="field">
      <span className="field-label">{label}</span>
      <input type="number" step="any" min="0" inputMode="decimal" value={input[key]} onChange={(e) => set({ [key]: e.target.value })} data-testid={testid} />
    </label>
  );
  return (
    <form
      className="row modify-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (problems.length === 0) onChange({ ...state, step: 'confirm' });
      }}
      data-testid={`order-modify-box-${id}`}
    >
      {limit && num(t('modify.newPrice'), 'price', `order-modify-price-${id}`)}
      {trig && num(t('modify.newTrigger'), 'aux', `order-modify-aux-${id}`)}
      {trailing && (
        <>
          <label className="field">
            <span className="field-label">{t('ticket.trail')}</span>
            <select value={input.trailType} onChange={(e) => set({ trailType: e.target.value as TrailTypeName })} data-testid={`order-modify-trail-type-${id}`}>
              <option value="TRAIL_TYPE_RATIO">{t('trail.ratio')}</option>
              <option value="TRAIL_TYPE_AMOUNT">{t('trail.amount')}</option>
            </select>
          </label>
          {num(input.trailType === 'TRAIL_TYPE_RATIO' ? t('ticket.trailPct') : t('ticket.trailAmount'), 'trailValue', `order-modify-trail-value-${id}`)}
        </>
      )}
      {spread && num(t('ticket.spread'), 'trailSpread', `order-modify-trail-spread-${id}`)}
      <label className="field">
        <span className="field-label">{t('modify.newQty')}</span>
        <input type="number" min="0" inputMode="numeric" value={input.qty} onChange={(e) => set({ qty: e.target.value })} data-testid={`order-modify-qty-${id}`} />
      </label>
      <button type="submit" className="primary small" disabled={problems.length > 0} data-testid={`order-modify-review-${id}`} title={problems.join('; ') || undefined}>
        {t('modify.review')}
      </button>
      <button type="button" className="small" onClick={() => onChange(null)} data-testid={`order-modify-cancel-${id}`}>
        {t('modify.close')}
      </button>
      {problems.length > 0 && input.qty !== '' && <span className="muted small">{problems[0]}</span>}
    </form>
  );
}
