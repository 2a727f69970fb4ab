import type { Account, AccountRef } from '../api/types';

/** accountRef is the {trd_env, acc_id, trd_market} triple every account call takes. */
export function accountRef(a: Account, market?: string): AccountRef {
  return { trd_env: a.trd_env, acc_id: a.acc_id, trd_market: market ?? a.trd_markets[0] ?? 'TRD_MARKET_HK' };
}
