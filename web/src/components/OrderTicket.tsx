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
import type { PushToast } from './Toasts';

type Side = 'TRD_SIDE_BUY' | 'TRD_SIDE_SELL';
type OType = 'ORDER_TYPE_NORMAL' | 'ORDER_TYPE_MARKET';

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
  market?: string;
  onPlaced: (orderId: string) => void;
  /** A price chosen elsewhere (a click in the order book): it becomes the limit price. */
  priceFill?: { price: number; seq: number } | null;
}) {
  const { api, toast, accounts, keyKnown, account, onSelectAccount, symbols, symbol, onSymbol, lastPrice, lotSize, maxOrderValue, market, onPlaced } = props;
  const [side, setSide] = useState<Side>('TRD_SIDE_BUY');
  const [otype, setOtype] = useState<OType>('ORDER_TYPE_NORMAL');
  const [priceText, setPriceText] = useState('');
  const [qtyText, setQtyText] = useState('');
  const [step, setStep] = useState<'edit' | 'confirm'>('edit');
  const [busy, setBusy] = useState(false);
  const [idemKey, setIdemKey] = useState(newIdempotencyKey);
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
    prefilled.current = symbol;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [symbol, lastPrice === undefined]);
  useEffect(() => {
    setQtyText(String(lotSize));
  }, [symbol, lotSize]);
  const { priceFill } = props;
  useEffect(() => {
    if (!priceFill) return;
    setOtype('ORDER_TYPE_NORMAL');
    setPriceText(String(priceFill.price));
    touch();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only a new click applies
  }, [priceFill?.seq]);

  const isReal = account !== null && isRealAccount(account);
  const qty = Number(qtyText);
  const limitPrice = Number(priceText);
  const valuePrice = otype === 'ORDER_TYPE_MARKET' ? lastPrice ?? 0 : limitPrice;
  const est = Number.isFinite(qty * valuePrice) ? qty * valuePrice : 0;

  const problems: string[] = [];
  let code = '';
  try {
    code = parseSymbol(symbol).code;
  } catch (e) {
    problems.push(e instanceof Error ? e.message : String(e));
  }
  if (!account) problems.push(!keyKnown ? 'reading what this key may trade…' : accounts.length === 0 ? 'this key may not place orders on any account' : 'choose an account');
  else if (market && !account.trd_markets.includes(market)) problems.push(`account ${account.acc_id} does not trade ${market.replace('TRD_MARKET_', '')}`);
  if (!(qty > 0)) problems.push('quantity must be positive');
  else if (lotSize > 1 && qty % lotSize !== 0) problems.push(`quantity must be a multiple of the lot size ${lotSize}`);
  if (otype === 'ORDER_TYPE_NORMAL' && !(limitPrice > 0)) problems.push('limit price must be positive');
  const overLimit = maxOrderValue !== undefined && maxOrderValue !== null && est > maxOrderValue;
  if (overLimit) problems.push(`estimated value exceeds this key's max order value ${money(maxOrderValue)}`);

  const body = {
    trd_env: account?.trd_env ?? 'TRD_ENV_SIMULATE',
    acc_id: account?.acc_id ?? '',
    trd_market: market ?? '',
    code,
    trd_side: side,
    order_type: otype,
    price: otype === 'ORDER_TYPE_MARKET' ? 0 : limitPrice,
    qty,
    time_in_force: 'TIME_IN_FORCE_DAY',
    remark: 'futugw panel',
  };

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
          {(['TRD_SIDE_BUY', 'TRD_SIDE_SELL'] as Side[]).map((s) => (
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
        <label>
          Type
          <select
            value={otype}
            onChange={(e) => {
              setOtype(e.target.value as OType);
              touch();
            }}
            data-testid="ticket-type"
          >
            <option value="ORDER_TYPE_NORMAL">Limit</option>
            <option value="ORDER_TYPE_MARKET">Market</option>
          </select>
        </label>
        <div className="row2">
          <label className="field">
            <span className="field-label">Price</span>
            <input
              type="number"
              step="any"
              min="0"
              inputMode="decimal"
              value={otype === 'ORDER_TYPE_MARKET' ? '' : priceText}
              placeholder={otype === 'ORDER_TYPE_MARKET' ? 'market' : ''}
              disabled={otype === 'ORDER_TYPE_MARKET'}
              onChange={(e) => {
                setPriceText(e.target.value);
                touch();
              }}
              data-testid="ticket-price"
            />
          </label>
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
        <p className={`estimate ${overLimit ? 'neg' : ''}`} data-testid="ticket-estimate">
          Est. value {money(est)}
          {maxOrderValue !== undefined && maxOrderValue !== null && <> of max {money(maxOrderValue)}</>}
          {otype === 'ORDER_TYPE_MARKET' && <span className="muted small"> (at last {fmtPrice(lastPrice)})</span>}
        </p>
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
              {side === 'TRD_SIDE_BUY' ? 'BUY' : 'SELL'} {qty} {symbol} {otype === 'ORDER_TYPE_MARKET' ? 'at market' : `limit ${fmtPrice(limitPrice)}`}
            </dd>
            <dt>Est. value</dt>
            <dd>{money(est)}</dd>
            <dt>Time in force</dt>
            <dd>Day</dd>
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
