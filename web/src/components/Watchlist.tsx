import { useState, type FormEvent } from 'react';
import type { BasicQuote } from '../proto/decode';
import { signed } from '../lib/format';
import { fmtPrice, fmtVolume, useLang } from '../lib/i18n';

export type QuoteView = { q: BasicQuote; flash: '' | 'up' | 'down'; seq: number };

export function Watchlist(props: {
  symbols: string[];
  quotes: Record<string, QuoteView>;
  selected: string;
  onSelect: (key: string) => void;
  onAdd: (input: string) => string | null;
  onRemove: (key: string) => void;
}) {
  const { symbols, quotes, selected, onSelect, onAdd, onRemove } = props;
  const { lang, t } = useLang();
  const price = (v: number | undefined) => fmtPrice(lang, v);
  const volume = (v: number | undefined) => fmtVolume(lang, v);
  const [input, setInput] = useState('');
  const [error, setError] = useState('');

  function add(e: FormEvent) {
    e.preventDefault();
    const err = onAdd(input);
    setError(err ?? '');
    if (!err) setInput('');
  }

  return (
    <>
      <h2>{t('watch.title')}</h2>
      <form className="row" onSubmit={add}>
        <input
          value={input}
          onChange={(e) => setInput(e.target.value)}
          placeholder={t('watch.placeholder')}
          aria-label={t('watch.symbol')}
          data-testid="watch-input"
        />
        <button type="submit" data-testid="watch-add">
          {t('watch.add')}
        </button>
      </form>
      {error && <p className="field-error">{error}</p>}
      <table className="table" data-testid="watchlist">
        <thead>
          <tr>
            <th>{t('col.symbol')}</th>
            <th className="num">{t('col.last')}</th>
            <th className="num">{t('col.change')}</th>
            <th className="num">{t('col.highLow')}</th>
            <th className="num">{t('col.volume')}</th>
            <th>
              <span className="sr-only">{t('col.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {symbols.map((k) => {
            const v = quotes[k];
            const q = v?.q;
            const chg = q && q.lastClosePrice ? q.curPrice - q.lastClosePrice : 0;
            const pct = q && q.lastClosePrice ? (chg / q.lastClosePrice) * 100 : 0;
            const dir = chg > 0 ? 'pos' : chg < 0 ? 'neg' : '';
            return (
              <tr key={k} className={k === selected ? 'selected' : ''} data-testid={`quote-row-${k}`} onClick={() => onSelect(k)}>
                <td>
                  <div className="sym">{k}</div>
                  <div className="muted small">{q?.name ?? ''}</div>
                </td>
                <td className="num">
                  <span key={v?.seq ?? 0} className={`price flash-${v?.flash || 'none'}`} data-testid={`quote-price-${k}`}>
                    {price(q?.curPrice)}
                  </span>
                </td>
                <td className={`num ${dir}`} data-testid={`quote-change-${k}`}>
                  {q ? `${signed(chg)} (${signed(pct)}%)` : '–'}
                </td>
                <td className="num">
                  {price(q?.highPrice)} / {price(q?.lowPrice)}
                </td>
                <td className="num">{volume(q?.volume)}</td>
                <td className="num">
                  <button
                    type="button"
                    className="link"
                    aria-label={t('watch.remove', { sym: k })}
                    data-testid={`watch-remove-${k}`}
                    onClick={(e) => {
                      e.stopPropagation();
                      onRemove(k);
                    }}
                  >
                    ×
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
