// Time and sales of the selected security: the latest trades from 3011 pushes, newest
// first (the first view and every reload from /api/ticker). When the server dropped
// ticks for this socket (a `gap` frame), a notice says how many; clicking it reloads.
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiClient, userMessage } from '../api/client';
import type { Feed } from '../lib/feed';
import { parseSymbol } from '../lib/symbols';
import { addGap, addTicks, afterReload, MAX_TICK_ROWS, tickFromJSON, type TickerJSON, type TickRow } from '../lib/ticks';
import { base64ToBytes, decodeTicker } from '../proto/decode';
import { fmtPrice as fmtPriceIn, fmtVolume as fmtVolumeIn, useLang } from '../lib/i18n';

export function TimeSales(props: {
  api: ApiClient;
  feed: Feed;
  secKey: string;
  /** Whether the ticker is subscribed (the REST read needs it). */
  ready: boolean;
}) {
  const { api, feed, secKey, ready } = props;
  const { lang, t } = useLang();
  const fmtPrice = (v: number | undefined) => fmtPriceIn(lang, v);
  const fmtVolume = (v: number | undefined) => fmtVolumeIn(lang, v);
  const [rows, setRows] = useState<TickRow[]>([]);
  const [error, setError] = useState('');
  const [reloading, setReloading] = useState(false);
  const gapId = useRef(0);
  const gen = useRef(0);

  const reload = useCallback(async () => {
    const my = gen.current;
    let security;
    try {
      security = parseSymbol(secKey).security;
    } catch {
      return;
    }
    setReloading(true);
    try {
      const r = await api.post<{ ticker_list?: TickerJSON[] }>('/api/ticker', { security, max_ret_num: MAX_TICK_ROWS });
      if (gen.current !== my) return;
      const snap = (r.ticker_list ?? []).map(tickFromJSON);
      // Trades pushed while the reload was in flight stay on top.
      setRows((cur) => afterReload(cur, snap));
      setError('');
    } catch (e) {
      if (gen.current === my) setError(userMessage(e, t('act.readTrades', { sec: secKey }), t));
    } finally {
      if (gen.current === my) setReloading(false);
    }
  }, [api, secKey]);

  useEffect(() => {
    gen.current++;
    setRows([]);
    setError('');
    const offTicks = feed.on('quote', 3011, secKey, (f) => {
      if (f.type !== 'quote') return;
      const t = decodeTicker(base64ToBytes(f.body_b64));
      if (t && t.ticks.length) setRows((cur) => addTicks(cur, t.ticks));
    });
    const offGaps = feed.on('gap', 3011, secKey, (f) => {
      if (f.type !== 'gap' || !(f.missed > 0)) return;
      setRows((cur) => addGap(cur, f.missed, ++gapId.current));
    });
    return () => {
      offTicks();
      offGaps();
    };
  }, [feed, secKey]);

  useEffect(() => {
    if (ready) void reload();
  }, [ready, reload]);

  return (
    <>
      <h2>
        {t('ticks.title')} <span className="muted small">{secKey}</span>
      </h2>
      {error && <p className="banner banner-error small">{error}</p>}
      {/* Focusable so the list scrolls from the keyboard too. */}
      <div className="ticks-scroll" tabIndex={0} role="region" aria-label={t('ticks.title')}>
        <table className="table ticks" data-testid="ticker" data-rows={rows.filter((r) => r.kind === 'tick').length}>
          <thead>
            <tr>
              <th>{t('col.time')}</th>
              <th className="num">{t('ticks.price')}</th>
              <th className="num">{t('col.volume')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) =>
              r.kind === 'gap' ? (
                <tr key={`gap-${r.id}`} className="tick-gap">
                  <td colSpan={3}>
                    <button type="button" className="gap-notice" onClick={() => void reload()} disabled={reloading} data-testid="ticker-gap">
                      {r.missed} trade{r.missed === 1 ? '' : 's'} missed — {reloading ? 'reloading…' : 'reload'}
                    </button>
                  </td>
                </tr>
              ) : (
                <tr key={r.sequence} className={`tick dir-${r.dir}`} data-testid="tick">
                  <td className="mono small">{r.time.slice(11, 19) || r.time}</td>
                  <td className={`num ${r.dir === 1 ? 'pos' : r.dir === 2 ? 'neg' : ''}`}>{fmtPrice(r.price)}</td>
                  <td className="num">{fmtVolume(r.volume)}</td>
                </tr>
              ),
            )}
            {rows.length === 0 && (
              <tr>
                <td colSpan={3} className="muted">
                  {reloading ? 'loading…' : 'no trades yet'}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </>
  );
}
