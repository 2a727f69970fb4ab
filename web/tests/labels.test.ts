// API enum names and the ticket's texts in both languages.
import { describe, expect, it } from 'vitest';
import { ApiError, userMessage } from '../src/api/client';
import type { Account } from '../src/api/types';
import { accountLabel } from '../src/lib/accounts';
import { enT, translate, type Lang, type T } from '../src/lib/i18n';
import { feeBasis, feeTitle } from '../src/lib/fees';
import { marketLabel, orderTypeLabel, sideLabel, statusLabel } from '../src/lib/labels';
import { describeOrder, ORDER_TYPE_LIST, ticketProblems, type TicketInput } from '../src/lib/orderForm';
import { ORDER_STATUS_CODES } from '../src/lib/orderStatus';

const tOf = (l: Lang): T => (k, v) => translate(l, k, v);
const en = tOf('en');
const zh = tOf('zh');

describe('enum labels', () => {
  it('names every order type, by REST name and push number, in Futu app terms', () => {
    for (const t of ORDER_TYPE_LIST) expect(orderTypeLabel(zh, t)).not.toMatch(/ORDER_TYPE|otype/);
    expect(orderTypeLabel(zh, 'ORDER_TYPE_NORMAL')).toBe('限价单');
    expect(orderTypeLabel(zh, 2)).toBe('市价单');
    expect(orderTypeLabel(zh, 'ORDER_TYPE_TRAILING_STOP_LIMIT')).toBe('跟踪止损限价单');
    expect(orderTypeLabel(en, 10)).toBe('Stop');
    expect(orderTypeLabel(en, 'ORDER_TYPE_FOO')).toBe('FOO');
  });

  it('names every order status, either form; unknown numbers read as a number', () => {
    for (const name of Object.keys(ORDER_STATUS_CODES)) expect(statusLabel(zh, name)).not.toMatch(/ORDER_STATUS|ostatus/);
    expect(statusLabel(zh, 'ORDER_STATUS_FILLED_ALL')).toBe('全部成交');
    expect(statusLabel(zh, 15)).toBe('已撤单');
    expect(statusLabel(en, 5)).toBe('Submitted');
    expect(statusLabel(en, 'ORDER_STATUS_CANCELLED_ALL')).toBe('Cancelled All');
    expect(statusLabel(zh, 99)).toBe('状态 99');
    expect(statusLabel(en, undefined)).toBe('–');
  });

  it('names sides and markets', () => {
    expect(sideLabel(en, 'TRD_SIDE_BUY')).toBe('BUY');
    expect(sideLabel(zh, 2)).toBe('卖出');
    expect(marketLabel(zh, 'TRD_MARKET_HK')).toBe('港股');
    expect(marketLabel(zh, 'TRD_MARKET_XYZ')).toBe('XYZ');
  });

  it('reads an account in either language', () => {
    const a = { acc_id: '2001', trd_env: 'TRD_ENV_REAL', trd_markets: ['TRD_MARKET_HK', 'TRD_MARKET_US'] } as Account;
    expect(accountLabel(a)).toBe('2001 · REAL · HK/US');
    expect(accountLabel(a, zh)).toBe('2001 · 真实 · 港股/美股');
  });
});

describe('ticket texts', () => {
  const base: TicketInput = {
    side: 'TRD_SIDE_BUY',
    type: 'ORDER_TYPE_STOP',
    price: '100',
    aux: '99',
    qty: '150',
    trailType: 'TRAIL_TYPE_RATIO',
    trailValue: '1',
    trailSpread: '0',
    tif: 'TIME_IN_FORCE_DAY',
    outsideRth: false,
  };
  it('lists problems in Chinese', () => {
    expect(ticketProblems(base, { lastPrice: 100, lotSize: 100 }, zh)).toEqual(['数量必须是每手股数 100 的整数倍', '触发价必须高于现价 100']);
  });
  it('summarises the order in Chinese', () => {
    expect(describeOrder('HK.00700', { ...base, qty: '100', aux: '101' }, zh)).toBe('买入 100 HK.00700 止损单 触发价 101');
    expect(describeOrder('HK.00700', { ...base, qty: '100', aux: '101' })).toBe('BUY 100 HK.00700 stop trigger 101');
  });
  it('translates error texts, keeping the server message', () => {
    expect(userMessage(new ApiError(403, { error: 'scope trade:real required' }, ''), zh('ticket.actReal'), zh)).toBe('此密钥无权在真实账户下单: scope trade:real required');
    expect(userMessage(new ApiError(401, {}, ''), 'x', zh)).toBe('会话已过期，请重新登录');
    expect(userMessage(new ApiError(429, { error: 'max_orders_per_minute' }, ''), 'x', zh)).toBe('max_orders_per_minute');
  });
});

describe('fees', () => {
  it('reads the estimate basis in either enum form', () => {
    expect(feeBasis({ basis: 'FEE_BASIS_STANDARD_SCHEDULE' })).toBe('schedule');
    expect(feeBasis({ basis: 2 })).toBe('simulated');
    expect(feeBasis({ basis: 'FEE_BASIS_NO_SCHEDULE' })).toBe('none');
    expect(feeBasis({})).toBe('none');
  });
  it('translates Futu fee titles it knows and keeps the others', () => {
    const zh: T = (k, v) => translate('zh', k, v);
    expect(feeTitle(zh, 'Stamp Duty')).toBe('印花税');
    expect(feeTitle(enT, 'Platform Fees')).toBe('Platform fees');
    expect(feeTitle(zh, 'Some New Levy')).toBe('Some New Levy');
  });
});
