// The order ticket: edit, review the full order, confirm. One Idempotency-Key per
// ticket: it changes only when the order itself changes or after a success, so a
// double click or a retry of the same order can never place it twice.
import { useEffect, useRef, useState } from 'react';
import { ApiClient, userMessage } from '../api/client';
import type { Account } from '../api/types';
import { accountLabel, isReal as isRealAccount } from '../lib/accounts';
import { fmtInt, fmtMoney, fmtPrice as fmtPriceL, useLang } from '../lib/i18n';
import { marketLabel } from '../lib/labels';
import { newIdempotencyKey } from '../lib/idempotency';
import { parseSymbol } from '../lib/symbols';
import {
  buildOrderRequest,
  describeOrder,
  maxQtyFor,
  maxQtyRequest,
  ORDER_TYPE_LIST,
  ORDER_TYPES,
  orderValue,
  outsideRthAllowed,
  ticketProblems,
  tifAllowed,
  type MaxTrdQtys,
  type OrderTypeName,
  type SideName,
  type TicketInput,
  type TifName,
  type TrailTypeName,
} from '../lib/orderForm';
import { FeeEstimate } from './FeeEstimate';
import { KeyLimitsLine, useWindow } from './KeyLimits';
import type { PushToast } from './Toasts';

/** Trd_GetMaxTrdQtys pacing: settle time after a change, gap between reads, cache life. */
const MAX_QTY_SETTLE_MS = 600;
const MAX_QTY_GAP_MS = 3500;
const MAX_QTY_TTL_MS = 30_000;

export function OrderTicket(props: {
  api: ApiClient;
  toast: PushToast;
  /** Only the accounts this key may trade (lib/accounts.ts tradableAccounts). */
  accounts: Account[];
  /** Whether whoami has answered (until then no account is offered). */
  keyKnown: boolean;
  account: Account | null;
  onSelectAccount: (accId: string) => void;
  symbols: string[];
  symbol: string;
  onSymbol: (s: string) => void;
  lastPrice?: number;
  lotSize: number;
  maxOrderValue?: number;
  /** The key's max_orders_per_minute (undefined: unlimited). */
  maxOrdersPerMinute?: number;
  /** When this panel used a slot of the key's per-minute window (placements, cancel-all). */
  slots: number[];
  market?: string;
  onPlaced: (orderId: string) => void;
  /** A price chosen elsewhere (a click in the order book): it becomes the limit price. */
  priceFill?: { price: number; seq: number } | null;
}) {
  const { api, toast, accounts, keyKnown, account, onSelectAccount, symbols, symbol, onSymbol, lastPrice, lotSize, maxOrderValue, market, onPlaced } = props;
  const { lang, t } = useLang();
  const money = (v: number | undefined) => fmtMoney(lang, v);
  const fmtPrice = (v: number | undefined) => fmtPriceL(lang, v);
  const [side, setSide] = useState<SideName>('TRD_SIDE_BUY');
  const [otype, setOtype] = useState<OrderTypeName>('ORDER_TYPE_NORMAL');
  const [priceText, setPriceText] = useState('');
  const [auxText, setAuxText] = useState('');
  const [qtyText, setQtyText] = useState('');
  const [trailType, setTrailType] = useState<TrailTypeName>('TRAIL_TYPE_RATIO');
  const [trailValue, setTrailValue] = useState('1');
  const [trailSpread, setTrailSpread] = useState('0');
  const [tif, setTif] = useState<TifName>('TIME_IN_FORCE_DAY');
  const [outsideRth, setOutsideRth] = useState(false);
  const [step, setStep] = useState<'edit' | 'confirm'>('edit');
  const [busy, setBusy] = useState(false);
  const [idemKey, setIdemKey] = useState(newIdempotencyKey);
  const [maxQtys, setMaxQtys] = useState<{ for: string; q: MaxTrdQtys | null; err?: string } | null>(null);
  const inFlight = useRef(false);

  // Any change to the order is a new ticket: a new key, back to editing.
  const touch = () => {
    setIdemKey(newIdempotencyKey());
    setStep('edit');
  };

  // Prefill the price when the symbol changes (or its first quote arrives), and the
  // quantity with one lot when the symbol or its lot size changes.
  const prefilled = useRef('');
  useEffect(() => {
    if (prefilled.current === symbol || lastPrice === undefined) return;
    setPriceText(String(lastPrice));
    setAuxText(String(lastPrice));
    prefilled.current = symbol;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [symbol, lastPrice === undefined]);
  useEffect(() => {
    setQtyText(String(lotSize));
  }, [symbol, lotSize]);
  const { priceFill } = props;
  useEffect(() => {
    if (!priceFill) return;
    if (!ORDER_TYPES[otype].price) setOtype('ORDER_TYPE_NORMAL');
    setPriceText(String(priceFill.price));
    touch();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only a new click applies
  }, [priceFill?.seq]);

  const isReal = account !== null && isRealAccount(account);
  const fields = ORDER_TYPES[otype];
  const input: TicketInput = { side, type: otype, price: priceText, aux: auxText, qty: qtyText, trailType, trailValue, trailSpread, tif, outsideRth };
  const ctx = { market, lastPrice, lotSize };
  const est = orderValue(input, ctx);

  const problems: string[] = [];
  let code = '';
  try {
    code = parseSymbol(symbol, t).code;
  } catch (e) {
    problems.push(e instanceof Error ? e.message : String(e));
  }
  if (!account) problems.push(!keyKnown ? t('ticket.readingKey') : accounts.length === 0 ? t('ticket.noTradable') : t('ticket.chooseAccount'));
  else if (market && !account.trd_markets.includes(market)) problems.push(t('ticket.wrongMarket', { acc: account.acc_id, market: marketLabel(t, market) }));
  problems.push(...ticketProblems(input, ctx, t));
  const overLimit = maxOrderValue !== undefined && maxOrderValue !== null && est > maxOrderValue;
  if (overLimit) problems.push(t('ticket.overValue', { v: money(maxOrderValue) }));
  const win = useWindow(props.slots, props.maxOrdersPerMinute);

  const body = buildOrderRequest(account ?? { trd_env: 'TRD_ENV_SIMULATE', acc_id: '' }, market ?? '', code, input);

  // The maximum tradable quantity for the account, security, price and type (OpenD's
  // Trd_GetMaxTrdQtys), read a moment after the ticket settles.
  const maxSent = useRef(0);
  const maxCache = useRef(new Map<string, { q: MaxTrdQtys | null; at: number }>());
  const maxReq = account && market && account.trd_markets.includes(market) && code ? maxQtyRequest(account, market, code, input, lastPrice) : null;
  // Types sized at the market read once per choice, not once per quote.
  const maxKey = maxReq ? JSON.stringify(fields.price ? maxReq : { ...maxReq, price: undefined }) : '';
  useEffect(() => {
    if (!maxReq) return;
    const cached = maxCache.current.get(maxKey);
    if (cached && Date.now() - cached.at < MAX_QTY_TTL_MS) {
      setMaxQtys({ for: maxKey, q: cached.q });
      return;
    }
    let stale = false;
    // OpenD allows Trd_GetMaxTrdQtys about ten times in 30 s per account: wait for the
    // ticket to settle, and keep MAX_QTY_GAP_MS between requests.
    const wait = Math.max(MAX_QTY_SETTLE_MS, maxSent.current + MAX_QTY_GAP_MS - Date.now());
    const timer = setTimeout(() => {
      maxSent.current = Date.now();
      api
        .post<{ max_trd_qtys?: MaxTrdQtys }>('/api/max-trd-qtys', maxReq)
        .then((r) => {
          const q = r.max_trd_qtys ?? null;
          maxCache.current.set(maxKey, { q, at: Date.now() });
          if (!stale) setMaxQtys({ for: maxKey, q });
        })
        .catch((e) => !stale && setMaxQtys({ for: maxKey, q: null, err: userMessage(e, t('act.readMaxQty'), t) }));
    }, wait);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- maxKey names the request
  }, [maxKey, api]);
  const maxShown = maxQtys && maxQtys.for === maxKey ? maxQtys : null;
  const maxForSide = maxQtyFor(side, maxShown?.q);

  async function confirm() {
    if (inFlight.current) return; // a double click sends once; a retry reuses the key anyway
    inFlight.current = true;
    setBusy(true);
    try {
      const r = await api.post<{ order_id: string }>('/api/order', body, { 'Idempotency-Key': idemKey });
      toast('success', t('ticket.placed', { id: r.order_id }));
      onPlaced(r.order_id);
      setIdemKey(newIdempotencyKey());
      setStep('edit');
    } catch (e) {
      const what = isReal ? t('ticket.actReal') : t('ticket.act', { side: side === 'TRD_SIDE_BUY' ? t('ticket.buy') : t('ticket.sell'), sym: symbol, acc: account?.acc_id ?? '' });
      toast('error', userMessage(e, what, t));
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  }

  const numInput = (testid: string, value: string, set: (v: string) => void, extra: Record<string, unknown> = {}) => (
    <input
      type="number"
      step="any"
      min="0"
      inputMode="decimal"
      value={value}
      onChange={(e) => {
        set(e.target.value);
        touch();
      }}
      data-testid={testid}
      {...extra}
    />
  );

  return (
    <>
      <h2>{t('ticket.title')}</h2>
      <form
        className={`ticket ${isReal ? 'ticket-real' : ''}`}
        onSubmit={(e) => {
          e.preventDefault();
          if (problems.length === 0) setStep('confirm');
        }}
        data-testid="ticket"
      >
        <label>
          {t('ticket.account')}
          <select
            value={account?.acc_id ?? ''}
            onChange={(e) => {
              onSelectAccount(e.target.value);
              touch();
            }}
            className={isReal ? 'real' : 'simulate'}
            disabled={accounts.length === 0}
            data-testid="ticket-account"
          >
            {accounts.length === 0 && <option value="">{keyKnown ? t('ticket.noAccount') : t('ticket.loading')}</option>}
            {accounts.map((a) => (
              <option key={a.acc_id} value={a.acc_id} className={isRealAccount(a) ? 'real' : undefined}>
                {isRealAccount(a) ? `⚠ ${accountLabel(a, t)}` : accountLabel(a, t)}
              </option>
            ))}
          </select>
        </label>
        {isReal && (
          <p className="banner banner-warn" data-testid="real-warning">
            {t('ticket.realWarning')}
          </p>
        )}
        <label>
          {t('ticket.symbol')}
          <select
            value={symbol}
            onChange={(e) => {
              onSymbol(e.target.value);
              touch();
            }}
            data-testid="ticket-symbol"
          >
            {(symbols.includes(symbol) ? symbols : [symbol, ...symbols]).map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <div className="segmented" role="group" aria-label={t('ticket.side')}>
          {(['TRD_SIDE_BUY', 'TRD_SIDE_SELL'] as SideName[]).map((s) => (
            <button
              type="button"
              key={s}
              className={side === s ? `on ${s === 'TRD_SIDE_BUY' ? 'buy' : 'sell'}` : ''}
              onClick={() => {
                setSide(s);
                touch();
              }}
              data-testid={`ticket-side-${s === 'TRD_SIDE_BUY' ? 'buy' : 'sell'}`}
            >
              {s === 'TRD_SIDE_BUY' ? t('ticket.buy') : t('ticket.sell')}
            </button>
          ))}
        </div>
        <div className="row2">
          <label className="field">
            <span className="field-label">{t('ticket.type')}</span>
            <select
              value={otype}
              onChange={(e) => {
                const ot = e.target.value as OrderTypeName;
                setOtype(ot);
                if (!tifAllowed(ot, tif)) setTif('TIME_IN_FORCE_DAY');
                touch();
              }}
              data-testid="ticket-type"
            >
              {ORDER_TYPE_LIST.map((ot) => (
                <option key={ot} value={ot}>
                  {t(`otype.${ot}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field-label">{t('ticket.tif')}</span>
            <select
              value={tif}
              onChange={(e) => {
                setTif(e.target.value as TifName);
                touch();
              }}
              data-testid="ticket-tif"
            >
              <option value="TIME_IN_FORCE_DAY">{t('tif.day')}</option>
              <option value="TIME_IN_FORCE_GTC" disabled={!tifAllowed(otype, 'TIME_IN_FORCE_GTC')}>
                {t('tif.gtc')}
              </option>
            </select>
          </label>
        </div>
        {(fields.aux || fields.trail) && (
          <div className="row2">
            {fields.aux && (
              <label className="field">
                <span className="field-label">
                  {t('ticket.trigger')} <span className="muted small">{t('ticket.last', { price: fmtPrice(lastPrice) })}</span>
                </span>
                {numInput('ticket-aux', auxText, setAuxText)}
              </label>
            )}
            {fields.trail && (
              <>
                <label className="field">
                  <span className="field-label">{t('ticket.trail')}</span>
                  <select
                    value={trailType}
                    onChange={(e) => {
                      setTrailType(e.target.value as TrailTypeName);
                      touch();
                    }}
                    data-testid="ticket-trail-type"
                  >
                    <option value="TRAIL_TYPE_RATIO">{t('trail.ratio')}</option>
                    <option value="TRAIL_TYPE_AMOUNT">{t('trail.amount')}</option>
                  </select>
                </label>
                <label className="field">
                  <span className="field-label">{trailType === 'TRAIL_TYPE_RATIO' ? t('ticket.trailPct') : t('ticket.trailAmount')}</span>
                  {numInput('ticket-trail-value', trailValue, setTrailValue)}
                </label>
              </>
            )}
          </div>
        )}
        <div className="row2">
          {fields.spread ? (
            <label className="field">
              <span className="field-label">{t('ticket.spread')}</span>
              {numInput('ticket-trail-spread', trailSpread, setTrailSpread)}
            </label>
          ) : (
            <label className="field">
              <span className="field-label">{fields.aux && fields.price ? t('ticket.limitPrice') : t('ticket.price')}</span>
              {numInput('ticket-price', fields.price ? priceText : '', setPriceText, {
                placeholder: fields.price ? '' : fields.trail ? t('ticket.phTrails') : t('ticket.phMarket'),
                disabled: !fields.price,
              })}
            </label>
          )}
          <label className="field">
            <span className="field-label">
              {t('ticket.qty')} <span className="muted small">{t('ticket.lot', { n: lotSize })}</span>
            </span>
            <input
              type="number"
              step={lotSize}
              min={lotSize}
              inputMode="numeric"
              value={qtyText}
              onChange={(e) => {
                setQtyText(e.target.value);
                touch();
              }}
              data-testid="ticket-qty"
            />
          </label>
        </div>
        {outsideRthAllowed(market) && (
          <label className="check">
            <input
              type="checkbox"
              checked={outsideRth}
              onChange={(e) => {
                setOutsideRth(e.target.checked);
                touch();
              }}
              data-testid="ticket-outside-rth"
            />{' '}
            {t('ticket.outsideRth')}
          </label>
        )}
        <p className="small" data-testid="ticket-max-qty">
          {!maxReq ? (
            <span className="muted">{t('ticket.maxNeedsPrice')}</span>
          ) : !maxShown ? (
            <span className="muted">{t('ticket.maxReading')}</span>
          ) : maxShown.err ? (
            <span className="muted" title={maxShown.err}>
              {t('ticket.maxUnavailable')}
            </span>
          ) : maxForSide ? (
            <>
              {side === 'TRD_SIDE_BUY' ? t('ticket.maxBuy') : t('ticket.maxSell')}{' '}
              <button
                type="button"
                className="link"
                onClick={() => {
                  setQtyText(String(maxForSide.qty));
                  touch();
                }}
                data-testid="ticket-max-qty-value"
              >
                {fmtInt(lang, maxForSide.qty)}
              </button>
              {maxForSide.margin !== undefined && maxForSide.margin !== maxForSide.qty && (
                <span className="muted">{t('ticket.maxMargin', { n: fmtInt(lang, maxForSide.margin) })}</span>
              )}
            </>
          ) : null}
        </p>
        <p className={`estimate ${overLimit ? 'neg' : ''}`} data-testid="ticket-estimate">
          {t('ticket.est', { v: money(est) })}
          {maxOrderValue !== undefined && maxOrderValue !== null && t('ticket.estOfMax', { v: money(maxOrderValue) })}
          {!fields.price && <span className="muted small">{t('ticket.atLast', { price: fmtPrice(lastPrice) })}</span>}
        </p>
        <KeyLimitsLine win={win} max={props.maxOrdersPerMinute} maxOrderValue={maxOrderValue} />
        {win.left === 0 && (
          <p className="field-error" data-testid="ticket-window-full">
            {t('ticket.windowFull', { max: props.maxOrdersPerMinute ?? 0, s: Math.ceil((win.nextInMs ?? 0) / 1000) })}
          </p>
        )}
        {problems.length > 0 && (
          <ul className="field-error" data-testid="ticket-problems">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        )}
        {step === 'edit' && (
          <button type="submit" className="primary" disabled={problems.length > 0} data-testid="ticket-review">
            {t('ticket.review')}
          </button>
        )}
      </form>
      {step === 'confirm' && (
        <div className={`confirm ${isReal ? 'confirm-real' : ''}`} data-testid="ticket-confirm">
          <h3>{t('confirm.title')}</h3>
          <dl>
            <dt>{t('ticket.account')}</dt>
            <dd className={isReal ? 'real' : ''}>{account && accountLabel(account, t)}</dd>
            <dt>{t('confirm.order')}</dt>
            <dd data-testid="confirm-summary">
              {describeOrder(symbol, input, t)}
            </dd>
            <dt>{t('confirm.est')}</dt>
            <dd>{money(est)}</dd>
            <dt>{t('confirm.maxQty')}</dt>
            <dd data-testid="confirm-max-qty">{maxForSide ? fmtInt(lang, maxForSide.qty) : '–'}</dd>
            <dt>{t('confirm.fees')}</dt>
            <dd data-testid="confirm-fee">
              <FeeEstimate api={api} body={body} />
            </dd>
            <dt>{t('ticket.tif')}</dt>
            <dd>
              {tif === 'TIME_IN_FORCE_GTC' ? t('tif.gtc') : t('tif.day')}
              {body.fill_outside_rth ? t('confirm.outsideRth') : ''}
            </dd>
            <dt>{t('confirm.left')}</dt>
            <dd>{win.left === undefined ? t('confirm.noLimit') : win.left}</dd>
            <dt>Idempotency-Key</dt>
            <dd className="mono small">{idemKey}</dd>
          </dl>
          <div className="row">
            <button type="button" onClick={() => setStep('edit')} disabled={busy} data-testid="ticket-back">
              {t('confirm.back')}
            </button>
            <button type="button" className={isReal ? 'danger' : 'primary'} onClick={confirm} disabled={busy} data-testid="ticket-confirm-send">
              {busy ? t('confirm.sending') : isReal ? t('confirm.sendReal') : t('confirm.send')}
            </button>
          </div>
        </div>
      )}
    </>
  );
}
