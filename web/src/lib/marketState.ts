// Market state (Futu's QotMarketState, as /api/global-state names it or as its number)
// mapped to the panel's words, and times shown in each market's own zone.
import { LOCALE, translate, type Lang, type MsgKey } from './i18n';

/** QotMarketState numbers -> dictionary keys (Qot_Common.QotMarketState). */
const BY_NUMBER: Record<number, MsgKey> = {
  0: 'state.none',
  1: 'state.auction',
  2: 'state.waitingOpen',
  3: 'state.morning',
  4: 'state.lunch',
  5: 'state.afternoon',
  6: 'state.closed',
  8: 'state.preMarket',
  9: 'state.preMarketEnd',
  10: 'state.afterHours',
  11: 'state.afterHoursEnd',
  13: 'state.night',
  14: 'state.closed',
  15: 'state.trading',
  16: 'state.lunch',
  17: 'state.closed',
  18: 'state.waitingOpen',
  19: 'state.closingAuction',
  20: 'state.waitingOpen',
  21: 'state.afternoon',
  23: 'state.trading',
  24: 'state.lunch',
  25: 'state.trading',
  26: 'state.closed',
  30: 'state.closingAuction',
  31: 'state.closed',
  32: 'state.night',
  33: 'state.overnight',
  34: 'state.closed',
};

const BY_NAME: Record<string, number> = {
  NONE: 0, AUCTION: 1, WAITING_OPEN: 2, MORNING: 3, REST: 4, AFTERNOON: 5, CLOSED: 6,
  PRE_MARKET_BEGIN: 8, PRE_MARKET_END: 9, AFTER_HOURS_BEGIN: 10, AFTER_HOURS_END: 11,
  NIGHT_OPEN: 13, NIGHT_END: 14, FUTURE_DAY_OPEN: 15, FUTURE_DAY_BREAK: 16, FUTURE_DAY_CLOSE: 17,
  FUTURE_DAY_WAIT_FOR_OPEN: 18, HK_CAS: 19, FUTURE_NIGHT_WAIT: 20, FUTURE_AFTERNOON: 21,
  FUTURE_OPEN: 23, FUTURE_BREAK: 24, FUTURE_BREAK_OVER: 25, FUTURE_CLOSE: 26,
  CLOSE_AUCTION: 30, AFTERNOON_END: 31, NIGHT: 32, OVERNIGHT_BEGIN: 33, OVERNIGHT_END: 34,
};

/** stateNumber reads "QOT_MARKET_STATE_MORNING" or 3 as 3 (-1 when unknown). */
export function stateNumber(v: string | number | undefined | null): number {
  if (typeof v === 'number') return v;
  if (!v) return 0;
  const n = BY_NAME[v.replace(/^QOT_MARKET_STATE_/, '')];
  return n ?? -1;
}

/** stateLabel is the state's words in the language. */
export function stateLabel(lang: Lang, v: string | number | undefined | null): string {
  const n = stateNumber(v);
  const key = BY_NUMBER[n];
  return key ? translate(lang, key) : translate(lang, 'state.other', { n: typeof v === 'string' ? v.replace(/^QOT_MARKET_STATE_/, '') : String(v) });
}

/** isOpenState: a state in which the market trades continuously (for the badge's colour). */
export function isOpenState(v: string | number | undefined | null): boolean {
  return [1, 3, 5, 8, 10, 13, 15, 19, 21, 23, 25, 30, 32, 33].includes(stateNumber(v));
}

/** The markets the status bar shows, with their /api/global-state field. */
export const SHOWN_MARKETS: { market: 'HK' | 'US'; field: string }[] = [
  { market: 'HK', field: 'market_hk' },
  { market: 'US', field: 'market_us' },
];

export type GlobalState = Record<string, unknown> & { time?: string | number };

export type MarketStateView = { market: 'HK' | 'US'; state: string | number; label: string; open: boolean };

/** marketStates maps a /api/global-state answer to the status bar's entries. */
export function marketStates(lang: Lang, g: GlobalState): MarketStateView[] {
  return SHOWN_MARKETS.filter((m) => g[m.field] !== undefined).map((m) => {
    const state = g[m.field] as string | number;
    return { market: m.market, state, label: stateLabel(lang, state), open: isOpenState(state) };
  });
}

/** The IANA zone of each market (HKT for Hong Kong, US Eastern for the US). */
export const MARKET_ZONE: Record<string, string> = { HK: 'Asia/Hong_Kong', US: 'America/New_York' };

/** zoneName is the zone's short name shown next to times: HKT, ET (translated). */
export function zoneName(lang: Lang, market: string): string {
  return market === 'US' ? translate(lang, 'time.zone.US') : translate(lang, 'time.zone.HK');
}

/** fmtMarketTime shows an instant (ms since the epoch) as the market's wall-clock time, zone named. */
export function fmtMarketTime(lang: Lang, market: string, ms: number, withDate = false): string {
  if (!Number.isFinite(ms)) return '–';
  const f = new Intl.DateTimeFormat(LOCALE[lang], {
    timeZone: MARKET_ZONE[market] ?? MARKET_ZONE.HK,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    ...(withDate ? { month: '2-digit', day: '2-digit' } : {}),
  });
  return `${f.format(ms)} ${zoneName(lang, market)}`;
}

/**
 * zoneOffsetSeconds is the market zone's offset from UTC at an instant (seconds): the
 * charts (which draw UTC) shift their times by it to show the market's clock.
 */
export function zoneOffsetSeconds(market: string, ms: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: MARKET_ZONE[market] ?? MARKET_ZONE.HK,
    hourCycle: 'h23',
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(ms);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUTC = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUTC - Math.floor(ms / 1000) * 1000) / 1000);
}
