// Order fees: the pre-trade estimate of POST /api/order-fee-estimate and the charged
// fees of /api/order-fee share one shape ({fee_amount, fee_list}), read here.
import { hasKey, type T } from './i18n';

/** One fee line as Futu names it ("Commission", "Platform Fees", ...). */
export type FeeItem = { title?: string; value?: number };

/** Trd_Common.OrderFee: the fees charged on a placed order. */
export type OrderFee = { order_id_ex?: string; fee_amount?: number; fee_list?: FeeItem[] };

/** The answer of POST /api/order-fee-estimate (snake_case; zero values may be absent). */
export type FeeEstimate = {
  fee_amount?: number;
  fee_list?: FeeItem[];
  currency?: string;
  order_value?: number;
  price?: number;
  basis?: string | number;
};

/** What an estimate rests on: the published schedule, paper trading, or nothing known. */
export type FeeBasis = 'schedule' | 'simulated' | 'none';

/** feeBasis reads the basis in either enum form; an unknown basis is treated as nothing known. */
export function feeBasis(e: FeeEstimate): FeeBasis {
  switch (e.basis) {
    case 'FEE_BASIS_STANDARD_SCHEDULE':
    case 1:
      return 'schedule';
    case 'FEE_BASIS_SIMULATED':
    case 2:
      return 'simulated';
    default:
      return 'none';
  }
}

/** feeTitle translates Futu's fee titles where the dictionary knows them. */
export function feeTitle(t: T, title: string | undefined): string {
  const s = (title ?? '').trim();
  const k = `fee.${s}`;
  return hasKey(k) ? t(k) : s;
}
