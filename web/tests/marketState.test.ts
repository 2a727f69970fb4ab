// Market state words and market-zone times.
import { describe, expect, it } from 'vitest';
import { fmtMarketTime, isOpenState, marketStates, stateLabel, stateNumber, zoneOffsetSeconds } from '../src/lib/marketState';

describe('market state', () => {
  it('reads enum names and numbers alike', () => {
    expect(stateNumber('QOT_MARKET_STATE_MORNING')).toBe(3);
    expect(stateNumber(3)).toBe(3);
    expect(stateNumber('QOT_MARKET_STATE_AFTER_HOURS_BEGIN')).toBe(10);
    expect(stateNumber('QOT_MARKET_STATE_SOMETHING_NEW')).toBe(-1);
  });

  it('maps states to words in both languages', () => {
    expect(stateLabel('en', 'QOT_MARKET_STATE_MORNING')).toBe('Morning trading');
    expect(stateLabel('zh', 'QOT_MARKET_STATE_MORNING')).toBe('早盘');
    expect(stateLabel('en', 'QOT_MARKET_STATE_REST')).toBe('Lunch break');
    expect(stateLabel('en', 'QOT_MARKET_STATE_CLOSED')).toBe('Closed');
    expect(stateLabel('en', 'QOT_MARKET_STATE_PRE_MARKET_BEGIN')).toBe('Pre-market');
    expect(stateLabel('en', 'QOT_MARKET_STATE_SOMETHING_NEW')).toBe('State SOMETHING_NEW');
    expect(isOpenState('QOT_MARKET_STATE_AFTERNOON')).toBe(true);
    expect(isOpenState('QOT_MARKET_STATE_CLOSED')).toBe(false);
  });

  it('builds the status bar entries from /api/global-state', () => {
    const v = marketStates('en', { market_hk: 'QOT_MARKET_STATE_MORNING', market_us: 'QOT_MARKET_STATE_CLOSED', market_sh: 'QOT_MARKET_STATE_CLOSED' });
    expect(v.map((m) => `${m.market}: ${m.label}`)).toEqual(['HK: Morning trading', 'US: Closed']);
    expect(v[0].open).toBe(true);
  });
});

describe('times per market', () => {
  // 2026-12-04 01:31:00 UTC: 09:31 in Hong Kong, 20:31 the day before in New York (EST).
  const ms = Date.UTC(2026, 11, 4, 1, 31);
  it('shows the market clock with the zone named', () => {
    expect(fmtMarketTime('en', 'HK', ms)).toBe('09:31 HKT');
    expect(fmtMarketTime('en', 'US', ms)).toBe('20:31 ET');
    expect(fmtMarketTime('zh', 'HK', ms)).toBe('09:31 香港时间');
  });
  it('knows the zone offsets, daylight saving included', () => {
    expect(zoneOffsetSeconds('HK', ms)).toBe(8 * 3600);
    expect(zoneOffsetSeconds('US', ms)).toBe(-5 * 3600);
    expect(zoneOffsetSeconds('US', Date.UTC(2026, 6, 1, 15))).toBe(-4 * 3600);
  });
});
