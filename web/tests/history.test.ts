import { describe, expect, it } from 'vitest';
import { addDays, cashFlowRequest, cashFlowTotals, dateIn, historyRequest, rangeProblem } from '../src/lib/history';

const header = { trd_env: 'TRD_ENV_SIMULATE', acc_id: '1001', trd_market: 'TRD_MARKET_HK' };

describe('history requests', () => {
  it('covers both whole days in OpenD\'s time format', () => {
    expect(historyRequest(header, { from: '2026-12-01', to: '2026-12-06' })).toEqual({
      header,
      filter_conditions: { begin_time: '2026-12-01 00:00:00', end_time: '2026-12-06 23:59:59' },
    });
  });
  it('refuses a reversed or incomplete range', () => {
    expect(rangeProblem({ from: '2026-12-06', to: '2026-12-01' })).toBe('the end date is before the start date');
    expect(rangeProblem({ from: '', to: '2026-12-01' })).toBe('choose both dates');
    expect(rangeProblem({ from: '2026-12-01', to: '2026-12-01' })).toBeNull();
  });
  it('names the cash flow day', () => {
    expect(cashFlowRequest(header, '2026-12-04')).toEqual({ header, clearing_date: '2026-12-04' });
  });
  it('dates in the market\'s zone', () => {
    const at = new Date('2026-12-06T20:00:00Z'); // 04:00 next day in Hong Kong, 15:00 in New York
    expect(dateIn('TRD_MARKET_HK', at)).toBe('2026-12-07');
    expect(dateIn('TRD_MARKET_US', at)).toBe('2026-12-06');
    expect(addDays('2026-12-01', -7)).toBe('2026-11-24');
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
  });
  it('sums cash in and out', () => {
    expect(cashFlowTotals([{ cash_flow_amount: 100.1 }, { cash_flow_amount: -30.05 }, { cash_flow_amount: -0.01 }, {}])).toEqual({ in: 100.1, out: -30.06, net: 70.04 });
  });
});
