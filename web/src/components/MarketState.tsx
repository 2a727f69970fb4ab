// Each market's state in the status bar, from /api/global-state (cached 1 s on the
// server and paced): read on mount and every 30 s, which is as often as a state
// (auction, morning, lunch break, ...) needs.
import { useEffect, useState } from 'react';
import type { ApiClient } from '../api/client';
import { useLang } from '../lib/i18n';
import { fmtMarketTime, marketStates, type GlobalState } from '../lib/marketState';

export const MARKET_STATE_EVERY_MS = 30_000;

export function MarketState({ api }: { api: ApiClient }) {
  const { lang, t } = useLang();
  const [g, setG] = useState<GlobalState | null>(null);
  const [failed, setFailed] = useState(false);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    let stop = false;
    const read = () =>
      api
        .get<GlobalState>('/api/global-state')
        .then((r) => {
          if (stop) return;
          setG(r);
          setFailed(false);
          // OpenD's own clock (seconds) when it says, else this machine's.
          const server = Number(r.time) * 1000;
          setNow(Number.isFinite(server) && server > 0 ? server : Date.now());
        })
        .catch(() => {
          if (!stop) setFailed(true);
        });
    void read();
    const timer = setInterval(read, MARKET_STATE_EVERY_MS);
    return () => {
      stop = true;
      clearInterval(timer);
    };
  }, [api]);

  const views = g ? marketStates(lang, g) : [];
  return (
    <span className="market-state" data-testid="market-state" role="status" aria-label={t('market.label')}>
      {!g && <span>{failed ? t('market.unavailable') : t('market.loading')}</span>}
      {views.map((v, i) => (
        <span key={v.market} className={`mstate ${v.open ? 'mstate-open' : ''}`} data-testid={`market-state-${v.market}`} data-state={String(v.state)}>
          {i > 0 && <span aria-hidden="true"> · </span>}
          <b>{t(v.market === 'HK' ? 'market.HK' : 'market.US')}</b>: {v.label}{' '}
          <span className="mstate-time">{fmtMarketTime(lang, v.market, now)}</span>
        </span>
      ))}
    </span>
  );
}
