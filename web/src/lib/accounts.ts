import { enT, type T } from './i18n';
import { marketLabel } from './labels';
import { SCOPE_TRADE_REAL, SCOPE_TRADE_SIMULATE, type Account, type AccountRef, type KeyInfo } from '../api/types';

/** accountRef is the {trd_env, acc_id, trd_market} triple every account call takes. */
export function accountRef(a: Account, market?: string): AccountRef {
  return { trd_env: a.trd_env, acc_id: a.acc_id, trd_market: market ?? a.trd_markets[0] ?? 'TRD_MARKET_HK' };
}

/**
 * cancelAllRequest is the body of POST /api/cancel-all-order: every open order of the
 * account, or only those of one of its markets (only_trd_market).
 */
export function cancelAllRequest(a: Account, onlyMarket = ''): AccountRef & { only_trd_market?: string } {
  const ref = accountRef(a);
  return onlyMarket && a.trd_markets.includes(onlyMarket) ? { ...ref, only_trd_market: onlyMarket } : ref;
}

/** isReal: a real-money account (TRD_ENV_REAL; 1 when the enum arrives as a number). */
export function isReal(a: Pick<Account, 'trd_env'>): boolean {
  const env: unknown = a.trd_env;
  return env === 'TRD_ENV_REAL' || env === 1;
}

/** accountLabel is how an account reads in every list: "2001 · REAL · HK". */
export function accountLabel(a: Account, t: T = enT): string {
  const env = isReal(a) ? t('acct.env.real') : t('acct.env.sim');
  const mk = (a.trd_markets ?? []).map((m) => marketLabel(t, m)).join('/');
  return `${a.acc_id} · ${env} · ${mk}`;
}

/**
 * tradeRefusal says why the key described by `info` may not place orders on account
 * `a`, or returns null when it may. It mirrors the order service's checks: a real
 * account needs the trade:real scope, a simulated one trade:simulate, and when the
 * key's allowed_acc_ids is set (non-empty) the account must be in it. Unknown key
 * (whoami not answered yet): no account is tradable.
 */
export function tradeRefusal(info: KeyInfo | null | undefined, a: Account): string | null {
  if (!info) return 'the key is not known yet';
  const scopes = info.scopes ?? [];
  const real = isReal(a);
  const scope = real ? SCOPE_TRADE_REAL : SCOPE_TRADE_SIMULATE;
  if (!scopes.includes(scope)) return `this key lacks the ${scope} scope`;
  const allowed = (info.limits?.allowed_acc_ids ?? []).map((id) => String(id).trim()).filter(Boolean);
  if (allowed.length > 0 && !allowed.includes(String(a.acc_id).trim())) return `account ${a.acc_id} is not in this key's allowed_acc_ids`;
  return null;
}

/** canTrade: whether the key may place orders on the account. */
export function canTrade(info: KeyInfo | null | undefined, a: Account): boolean {
  return tradeRefusal(info, a) === null;
}

/** tradableAccounts: the accounts the order ticket may offer, in the listed order. */
export function tradableAccounts(info: KeyInfo | null | undefined, accounts: readonly Account[]): Account[] {
  return accounts.filter((a) => canTrade(info, a));
}

/**
 * pickTicketAccount keeps the ticket's account when the key may still trade it, else
 * follows the viewed account when tradable, else takes the first tradable simulated
 * account, then any tradable one; '' when the key may trade none.
 */
export function pickTicketAccount(info: KeyInfo | null | undefined, accounts: readonly Account[], current: string, viewed: string): string {
  const tradable = tradableAccounts(info, accounts);
  if (tradable.some((a) => a.acc_id === current)) return current;
  if (tradable.some((a) => a.acc_id === viewed)) return viewed;
  return (tradable.find((a) => !isReal(a)) ?? tradable[0])?.acc_id ?? '';
}
