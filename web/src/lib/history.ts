// History reads: Futu's Trd_GetHistoryOrderList / Trd_GetHistoryOrderFillList take a
// filter of "YYYY-MM-DD HH:MM:SS" times read in the market's own zone; Trd_FlowSummary
// takes one clearing date. These build the requests from the panel's date inputs.
import { enT, type T } from './i18n';

export type DateRange = { from: string; to: string };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** rangeProblem says what is wrong with a date range (null: it may be read). */
export function rangeProblem(r: DateRange, t: T = enT): string | null {
  if (!DATE.test(r.from) || !DATE.test(r.to)) return t('hist.chooseDates');
  if (r.to < r.from) return t('hist.endBefore');
  return null;
}

/** historyFilter: the whole of both days, in the market's time (as OpenD reads it). */
export function historyFilter(r: DateRange): { begin_time: string; end_time: string } {
  return { begin_time: `${r.from} 00:00:00`, end_time: `${r.to} 23:59:59` };
}

export type TrdHeader = { trd_env: string; acc_id: string; trd_market: string };

export function historyRequest(header: TrdHeader, r: DateRange): { header: TrdHeader; filter_conditions: { begin_time: string; end_time: string } } {
  return { header, filter_conditions: historyFilter(r) };
}

export function cashFlowRequest(header: TrdHeader, date: string): { header: TrdHeader; clearing_date: string } {
  return { header, clearing_date: date };
}

/** The IANA zone of a trade market's dates (HK and CN in Hong Kong time, US in New York). */
export function marketZone(trdMarket: string): string {
  return trdMarket === 'TRD_MARKET_US' ? 'America/New_York' : 'Asia/Hong_Kong';
}

/** dateIn is the calendar date (YYYY-MM-DD) of `at` in the market's zone. */
export function dateIn(trdMarket: string, at: Date = new Date()): string {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone: marketZone(trdMarket), year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** addDays moves a YYYY-MM-DD date by n days (calendar arithmetic, no time zone). */
export function addDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** A cash flow row (Trd_FlowSummary.FlowSummaryInfo, snake_case). */
export type CashFlow = {
  clearing_date?: string;
  settlement_date?: string;
  currency?: number;
  cash_flow_type?: string;
  cash_flow_direction?: string | number;
  cash_flow_amount?: number;
  cash_flow_remark?: string;
  cash_flow_id?: string;
  create_time?: string;
};

/** cashFlowTotals sums amounts in and out (amounts are signed: in positive, out negative). */
export function cashFlowTotals(rows: readonly CashFlow[]): { in: number; out: number; net: number } {
  let inn = 0;
  let out = 0;
  for (const r of rows) {
    const v = r.cash_flow_amount ?? 0;
    if (v >= 0) inn += v;
    else out += v;
  }
  const round = (v: number) => Math.round(v * 100) / 100;
  return { in: round(inn), out: round(out), net: round(inn + out) };
}
