// Which accounts the order ticket offers: the key's trade scopes and allowed_acc_ids
// decide, as the order service would.
import { describe, expect, it } from 'vitest';
import type { Account, KeyInfo } from '../src/api/types';
import { accountLabel, cancelAllRequest, canTrade, isReal, pickTicketAccount, tradableAccounts, tradeRefusal } from '../src/lib/accounts';

const acc = (acc_id: string, real: boolean, markets = ['TRD_MARKET_HK']): Account => ({
  acc_id,
  trd_env: real ? 'TRD_ENV_REAL' : 'TRD_ENV_SIMULATE',
  trd_markets: markets,
});

// The simulator's accounts: 1001 HK sim, 1002 US sim, 2001 HK real, 2002 US real.
const ACCOUNTS = [acc('1001', false), acc('1002', false, ['TRD_MARKET_US']), acc('2001', true), acc('2002', true, ['TRD_MARKET_US'])];

const key = (scopes: string[], allowed_acc_ids?: string[] | null, limitsNull = false): KeyInfo => ({
  id: 'k',
  scopes,
  limits: limitsNull ? null : allowed_acc_ids === undefined ? {} : { allowed_acc_ids: allowed_acc_ids as string[] },
});

describe('tradableAccounts', () => {
  const cases: Array<{ name: string; info: KeyInfo | null; want: string[] }> = [
    { name: 'whoami not answered yet', info: null, want: [] },
    { name: 'read-only key', info: key(['qot:read', 'acc:read']), want: [] },
    { name: 'trade:simulate only: no real account', info: key(['acc:read', 'trade:simulate']), want: ['1001', '1002'] },
    { name: 'trade:real only: no simulated account', info: key(['acc:read', 'trade:real']), want: ['2001', '2002'] },
    { name: 'both trade scopes', info: key(['trade:simulate', 'trade:real']), want: ['1001', '1002', '2001', '2002'] },
    { name: 'admin does not imply trading', info: key(['admin', 'acc:read']), want: [] },
    { name: 'limits null: no account limit', info: key(['trade:simulate'], undefined, true), want: ['1001', '1002'] },
    { name: 'allowed_acc_ids empty: no account limit', info: key(['trade:simulate', 'trade:real'], []), want: ['1001', '1002', '2001', '2002'] },
    { name: 'allowed_acc_ids null (JSON null): no account limit', info: key(['trade:simulate'], null), want: ['1001', '1002'] },
    { name: 'allowed_acc_ids limits both envs', info: key(['trade:simulate', 'trade:real'], ['1002', '2001']), want: ['1002', '2001'] },
    { name: 'allowed real account but no trade:real', info: key(['trade:simulate'], ['2001', '1001']), want: ['1001'] },
    { name: 'allowed_acc_ids naming no listed account', info: key(['trade:simulate', 'trade:real'], ['9999']), want: [] },
    { name: 'allowed_acc_ids with stray spaces', info: key(['trade:simulate'], [' 1001 ']), want: ['1001'] },
    { name: 'scope names are exact', info: key(['trade:Real', 'trade:simulate:x', 'trade']), want: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(tradableAccounts(c.info, ACCOUNTS).map((a) => a.acc_id)).toEqual(c.want);
      for (const a of ACCOUNTS) {
        expect(canTrade(c.info, a)).toBe(c.want.includes(a.acc_id));
        expect(tradeRefusal(c.info, a) === null).toBe(c.want.includes(a.acc_id));
      }
    });
  }

  it('says why an account is refused', () => {
    expect(tradeRefusal(key(['trade:simulate']), ACCOUNTS[2])).toMatch(/trade:real/);
    expect(tradeRefusal(key(['trade:real']), ACCOUNTS[0])).toMatch(/trade:simulate/);
    expect(tradeRefusal(key(['trade:simulate'], ['1002']), ACCOUNTS[0])).toMatch(/allowed_acc_ids/);
  });

  it('treats the numeric enum form of TRD_ENV_REAL as real', () => {
    const numeric = { acc_id: '3001', trd_env: 1, trd_markets: ['TRD_MARKET_HK'] } as unknown as Account;
    expect(isReal(numeric)).toBe(true);
    expect(canTrade(key(['trade:simulate']), numeric)).toBe(false);
    expect(canTrade(key(['trade:real']), numeric)).toBe(true);
  });
});

describe('pickTicketAccount', () => {
  const sim = key(['trade:simulate']);
  const both = key(['trade:simulate', 'trade:real']);
  const real = key(['trade:real']);
  const cases: Array<{ name: string; info: KeyInfo | null; current: string; viewed: string; want: string }> = [
    { name: 'keeps a tradable choice', info: both, current: '2001', viewed: '1001', want: '2001' },
    { name: 'drops a real choice the key may not trade, follows the view', info: sim, current: '2001', viewed: '1002', want: '1002' },
    { name: 'viewed real account not tradable: first simulated', info: sim, current: '', viewed: '2001', want: '1001' },
    { name: 'prefers a simulated account to start', info: both, current: '', viewed: '', want: '1001' },
    { name: 'real-only key starts on a real account', info: real, current: '', viewed: '1001', want: '2001' },
    { name: 'nothing tradable', info: key(['acc:read']), current: '1001', viewed: '1001', want: '' },
    { name: 'key unknown', info: null, current: '1001', viewed: '1001', want: '' },
  ];
  for (const c of cases) {
    it(c.name, () => expect(pickTicketAccount(c.info, ACCOUNTS, c.current, c.viewed)).toBe(c.want));
  }
});

describe('accountLabel', () => {
  it('names the environment so a real account is unmistakable', () => {
    expect(accountLabel(ACCOUNTS[2])).toBe('2001 · REAL · HK');
    expect(accountLabel(ACCOUNTS[1])).toBe('1002 · SIMULATE · US');
  });
});

describe('cancelAllRequest', () => {
  const universal = acc('3001', true, ['TRD_MARKET_HK', 'TRD_MARKET_US']);
  it('cancels every market of the account unless one is chosen', () => {
    expect(cancelAllRequest(universal)).toEqual({ trd_env: 'TRD_ENV_REAL', acc_id: '3001', trd_market: 'TRD_MARKET_HK' });
    expect(cancelAllRequest(universal, 'TRD_MARKET_US')).toEqual({ trd_env: 'TRD_ENV_REAL', acc_id: '3001', trd_market: 'TRD_MARKET_HK', only_trd_market: 'TRD_MARKET_US' });
  });
  it('never names a market the account does not trade', () => {
    expect(cancelAllRequest(acc('1001', false), 'TRD_MARKET_US')).not.toHaveProperty('only_trd_market');
  });
});
