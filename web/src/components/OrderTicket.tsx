// The order ticket: edit, review the full order, confirm. One Idempotency-Key per
// ticket: it changes only when the order itself changes or after a success, so a
// double click or a retry of the same order can never place it twice.
import { useEffect, useRef, useState } from 'react';
import { ApiClient, userMessage } from '../api/client';
import type { Account } from '../api/types';
import { accountLabel, isReal as isRealAccount } from '../lib/accounts';
import { money, price as fmtPrice } from '../lib/format';
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
    code = parseSymbol(symbol).code;
  } catch (e) {
    problems.push(e instanceof Error ? e.message : String(e));
  }
  if (!account) problems.push(!keyKnown ? 'reading what this key may trade…' : accounts.length === 0 ? 'this key may not place orders on any account' : 'choose an account');
  else if (market && !account.trd_markets.includes(market)) problems.push(`account ${account.acc_id} does not trade ${market.replace('TRD_MARKET_', '')}`);
  problems.push(...ticketProblems(input, ctx));
  const overLimit = maxOrderValue !== undefined && maxOrderValue !== null && est > maxOrderValue;
  if (overLimit) problems.push(`estimated value exceeds this key's max order value ${money(maxOrderValue)}`);
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
    const t = setTimeout(() => {
      maxSent.current = Date.now();
      api
        .post<{ max_trd_qtys?: MaxTrdQtys }>('/api/max-trd-qtys', maxReq)
        .then((r) => {
          const q = r.max_trd_qtys ?? null;
          maxCache.current.set(maxKey, { q, at: Date.now() });
          if (!stale) setMaxQtys({ for: maxKey, q });
        })
        .catch((e) => !stale && setMaxQtys({ for: maxKey, q: null, err: userMessage(e, 'read the maximum quantity') }));
    }, wait);
    return () => {
      stale = true;
      clearTimeout(t);
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
      toast('success', `Order placed: order_id=${r.order_id}`);
      onPlaced(r.order_id);
      setIdemKey(newIdempotencyKey());
      setStep('edit');
    } catch (e) {
      const what = isReal ? 'place orders on real accounts' : `place this order (${side.replace('TRD_SIDE_', '').toLowerCase()} ${symbol} on account ${account?.acc_id})`;
      toast('error', userMessage(e, what));
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
      <h2>Order ticket</h2>
      <form
        className={`ticket ${isReal ? 'ticket-real' : ''}`}
        onSubmit={(e) => {
          e.preventDefault();
          if (problems.length === 0) setStep('confirm');
        }}
        data-testid="ticket"
      >
        <label>
          Account
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
            {accounts.length === 0 && <option value="">{keyKnown ? 'no account this key may trade' : 'loading…'}</option>}
            {accounts.map((a) => (
              <option key={a.acc_id} value={a.acc_id} className={isRealAccount(a) ? 'real' : undefined}>
                {isRealAccount(a) ? `⚠ ${accountLabel(a)}` : accountLabel(a)}
              </option>
            ))}
          </select>
        </label>
        {isReal && (
          <p className="banner banner-warn" data-testid="real-warning">
            REAL account: orders use real money.
          </p>
        )}
        <label>
          Symbol
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
        <div className="segmented" role="group" aria-label="side">
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
              {s === 'TRD_SIDE_BUY' ? 'Buy' : 'Sell'}
            </button>
          ))}
        </div>
        <div className="row2">
          <label className="field">
            <span className="field-label">Type</span>
            <select
              value={otype}
              onChange={(e) => {
                const t = e.target.value as OrderTypeName;
                setOtype(t);
                if (!tifAllowed(t, tif)) setTif('TIME_IN_FORCE_DAY');
                touch();
              }}
              data-testid="ticket-type"
            >
              {ORDER_TYPE_LIST.map((t) => (
                <option key={t} value={t}>
                  {ORDER_TYPES[t].label}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field-label">Time in force</span>
            <select
              value={tif}
              onChange={(e) => {
                setTif(e.target.value as TifName);
                touch();
              }}
              data-testid="ticket-tif"
            >
              <option value="TIME_IN_FORCE_DAY">Day</option>
              <option value="TIME_IN_FORCE_GTC" disabled={!tifAllowed(otype, 'TIME_IN_FORCE_GTC')}>
                Good till cancelled
              </option>
            </select>
          </label>
        </div>
        {(fields.aux || fields.trail) && (
          <div className="row2">
            {fields.aux && (
              <label className="field">
                <span className="field-label">
                  Trigger <span className="muted small">last {fmtPrice(lastPrice)}</span>
                </span>
                {numInput('ticket-aux', auxText, setAuxText)}
              </label>
            )}
            {fields.trail && (
              <>
                <label className="field">
                  <span className="field-label">Trail</span>
                  <select
                    value={trailType}
                    onChange={(e) => {
                      setTrailType(e.target.value as TrailTypeName);
                      touch();
                    }}
                    data-testid="ticket-trail-type"
                  >
                    <option value="TRAIL_TYPE_RATIO">percent</option>
                    <option value="TRAIL_TYPE_AMOUNT">amount</option>
                  </select>
                </label>
                <label className="field">
                  <span className="field-label">{trailType === 'TRAIL_TYPE_RATIO' ? 'Trail %' : 'Trail amount'}</span>
                  {numInput('ticket-trail-value', trailValue, setTrailValue)}
                </label>
              </>
            )}
          </div>
        )}
        <div className="row2">
          {fields.spread ? (
            <label className="field">
              <span className="field-label">Limit spread</span>
              {numInput('ticket-trail-spread', trailSpread, setTrailSpread)}
            </label>
          ) : (
            <label className="field">
              <span className="field-label">{fields.aux && fields.price ? 'Limit price' : 'Price'}</span>
              {numInput('ticket-price', fields.price ? priceText : '', setPriceText, {
                placeholder: fields.price ? '' : fields.trail ? 'trails' : 'market',
                disabled: !fields.price,
              })}
            </label>
          )}
          <label className="field">
            <span className="field-label">
              Qty <span className="muted small">lot {lotSize}</span>
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
            Also fill outside regular hours (pre-market, after hours)
          </label>
        )}
        <p className="small" data-testid="ticket-max-qty">
          {!maxReq ? (
            <span className="muted">Max qty: needs a price</span>
          ) : !maxShown ? (
            <span className="muted">Max qty: reading…</span>
          ) : maxShown.err ? (
            <span className="muted" title={maxShown.err}>
              Max qty: unavailable
            </span>
          ) : maxForSide ? (
            <>
              Max {side === 'TRD_SIDE_BUY' ? 'buy' : 'sell'}{' '}
              <button
                type="button"
                className="link"
                onClick={() => {
                  setQtyText(String(maxForSide.qty));
                  touch();
                }}
                data-testid="ticket-max-qty-value"
              >
                {maxForSide.qty.toLocaleString('en-US')}
              </button>
              {maxForSide.margin !== undefined && maxForSide.margin !== maxForSide.qty && (
                <span className="muted"> ({maxForSide.margin.toLocaleString('en-US')} with margin)</span>
              )}
            </>
          ) : null}
        </p>
        <p className={`estimate ${overLimit ? 'neg' : ''}`} data-testid="ticket-estimate">
          Est. value {money(est)}
          {maxOrderValue !== undefined && maxOrderValue !== null && <> of max {money(maxOrderValue)}</>}
          {!fields.price && <span className="muted small"> (at last {fmtPrice(lastPrice)})</span>}
        </p>
        <KeyLimitsLine win={win} max={props.maxOrdersPerMinute} maxOrderValue={maxOrderValue} />
        {win.left === 0 && (
          <p className="field-error" data-testid="ticket-window-full">
            This panel used the key's {props.maxOrdersPerMinute} orders of this minute; the order service will likely refuse another for{' '}
            {Math.ceil((win.nextInMs ?? 0) / 1000)} s.
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
            Review order
          </button>
        )}
      </form>
      {step === 'confirm' && (
        <div className={`confirm ${isReal ? 'confirm-real' : ''}`} data-testid="ticket-confirm">
          <h3>Confirm order</h3>
          <dl>
            <dt>Account</dt>
            <dd className={isReal ? 'real' : ''}>{account && accountLabel(account)}</dd>
            <dt>Order</dt>
            <dd data-testid="confirm-summary">
              {describeOrder(symbol, input)}
            </dd>
            <dt>Est. value</dt>
            <dd>{money(est)}</dd>
            <dt>Max qty</dt>
            <dd data-testid="confirm-max-qty">{maxForSide ? maxForSide.qty.toLocaleString('en-US') : '–'}</dd>
            <dt>Fees</dt>
            <dd data-testid="confirm-fee">
              {isReal
                ? "quoted by OpenD only for a placed order: History lists each filled order's fees, the day's cash flow too"
                : "quoted by OpenD only for a placed order: the day's cash flow lists them"}
            </dd>
            <dt>Time in force</dt>
            <dd>
              {tif === 'TIME_IN_FORCE_GTC' ? 'Good till cancelled' : 'Day'}
              {body.fill_outside_rth ? ', also outside regular hours' : ''}
            </dd>
            <dt>Orders left this minute</dt>
            <dd>{win.left === undefined ? 'no limit' : win.left}</dd>
            <dt>Idempotency-Key</dt>
            <dd className="mono small">{idemKey}</dd>
          </dl>
          <div className="row">
            <button type="button" onClick={() => setStep('edit')} disabled={busy} data-testid="ticket-back">
              Back
            </button>
            <button type="button" className={isReal ? 'danger' : 'primary'} onClick={confirm} disabled={busy} data-testid="ticket-confirm-send">
              {busy ? 'Sending…' : isReal ? 'Confirm REAL order' : 'Confirm order'}
            </button>
          </div>
        </div>
      )}
    </>
  );
}
