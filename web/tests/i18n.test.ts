// The dictionary and the locale-aware formatting.
import { describe, expect, it } from 'vitest';
import { PERIODS } from '../src/lib/bars';
import { DICT, fmtMoney, fmtPrice, fmtSignedMoney, fmtVolume, langFromNavigator, translate, type T } from '../src/lib/i18n';
import { parseSymbol } from '../src/lib/symbols';

describe('dictionary', () => {
  it('has every key in both languages, none empty, with the same placeholders', () => {
    const en = Object.keys(DICT.en).sort();
    const zh = Object.keys(DICT.zh).sort();
    expect(zh).toEqual(en);
    for (const k of en) {
      const a = DICT.en[k as keyof typeof DICT.en];
      const b = DICT.zh[k as keyof typeof DICT.zh];
      expect(a.trim(), k).not.toBe('');
      expect(b.trim(), k).not.toBe('');
      const ph = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
      expect(ph(b), k).toEqual(ph(a));
    }
  });

  it('names every chart period', () => {
    for (const p of PERIODS) expect(Object.keys(DICT.en)).toContain(`period.${p.id}`);
  });

  it('fills placeholders', () => {
    expect(translate('en', 'status.session', { min: 42 })).toBe('session 42 min');
    expect(translate('zh', 'status.session', { min: 42 })).toBe('会话剩余 42 分钟');
  });

  it('follows the browser language', () => {
    expect(langFromNavigator(['zh-CN', 'en'])).toBe('zh');
    expect(langFromNavigator(['zh-Hans-HK'])).toBe('zh');
    expect(langFromNavigator(['en-GB', 'zh-CN'])).toBe('en');
    expect(langFromNavigator(undefined, 'zh-TW')).toBe('zh');
    expect(langFromNavigator([], undefined)).toBe('en');
  });
});

describe('numbers per locale', () => {
  it('formats prices and money', () => {
    expect(fmtPrice('en', 1234.5)).toBe('1,234.50');
    expect(fmtPrice('zh', 1234.5)).toBe('1,234.50');
    expect(fmtPrice('en', 0.1235)).toBe('0.124');
    expect(fmtMoney('en', 1234567.891)).toBe('1,234,567.89');
    expect(fmtSignedMoney('en', 12.5)).toBe('+12.50');
    expect(fmtSignedMoney('en', -3)).toBe('-3.00');
    expect(fmtSignedMoney('en', 0)).toBe('0.00');
    expect(fmtPrice('en', undefined)).toBe('–');
  });

  it('formats volumes compactly: millions in English, 万 and 亿 in Chinese', () => {
    expect(fmtVolume('en', 1_234_567)).toBe('1.23M');
    expect(fmtVolume('zh', 1_234_567)).toBe('123.46万');
    expect(fmtVolume('zh', 234_000_000)).toBe('2.34亿');
    expect(fmtVolume('en', 950)).toBe('950');
  });
});

describe('symbol errors', () => {
  it('are told in the language asked for', () => {
    const zh: T = (k, v) => translate('zh', k, v);
    expect(() => parseSymbol('AAPL', zh)).toThrow('“AAPL”不是有效的代码，例如 HK.00700 或 US.AAPL');
    expect(() => parseSymbol('SG.D05', zh)).toThrow('不支持市场 SG');
    expect(() => parseSymbol('HK.ABC')).toThrow('HK codes are up to five digits, e.g. HK.00700');
    expect(parseSymbol('hk.700', zh).key).toBe('HK.00700');
  });
});
