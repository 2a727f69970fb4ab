// The HK broker queue of the selected security, under the order book: /api/broker
// first, then 3015 pushes. US securities have none.
import { useEffect, useState } from 'react';
import type { ApiClient } from '../api/client';
import type { Feed } from '../lib/feed';
import { parseSymbol } from '../lib/symbols';
import { useLang } from '../lib/i18n';
import { base64ToBytes } from '../proto/decode';
import { brokerFromJSON, decodeBroker, type BrokerEntry, type BrokerQueue as Queue } from '../proto/decodeMarket';

const SHOWN = 8;

export function BrokerQueue(props: { api: ApiClient; feed: Feed; secKey: string; ready: boolean }) {
  const { api, feed, secKey, ready } = props;
  const { t } = useLang();
  const [q, setQ] = useState<Queue | null>(null);

  useEffect(() => {
    setQ(null);
    return feed.on('quote', 3015, secKey, (f) => {
      if (f.type !== 'quote') return;
      const b = decodeBroker(base64ToBytes(f.body_b64));
      if (b) setQ(b);
    });
  }, [feed, secKey]);

  useEffect(() => {
    if (!ready) return;
    let security;
    try {
      security = parseSymbol(secKey).security;
    } catch {
      return;
    }
    let stop = false;
    api
      .post<{ broker_ask_list?: unknown; broker_bid_list?: unknown }>('/api/broker', { security })
      .then((r) => {
        if (!stop) setQ((prev) => prev ?? brokerFromJSON(secKey, r));
      })
      .catch(() => {
        if (!stop) setQ((prev) => prev ?? { secKey, asks: [], bids: [] });
      });
    return () => {
      stop = true;
    };
  }, [api, secKey, ready]);

  const side = (list: BrokerEntry[], label: string, cls: string) => (
    <div className={`broker-side ${cls}`}>
      <h3>{label}</h3>
      {list.length === 0 ? (
        <p className="muted small">{t('broker.empty')}</p>
      ) : (
        <ol className="broker-list">
          {list.slice(0, SHOWN).map((b, i) => (
            <li key={`${b.id}-${i}`} title={b.name}>
              <span className="broker-pos">{b.pos}</span> <span className="mono">{b.id}</span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );

  return (
    <div data-testid="broker-queue" data-sec={secKey} data-count={q ? q.asks.length + q.bids.length : 0}>
      <h2>{t('broker.title')}</h2>
      {q === null ? (
        <p className="muted small">{t('broker.loading')}</p>
      ) : (
        <div className="broker-grid">
          {side(q.bids, t('broker.bid'), 'bid')}
          {side(q.asks, t('broker.ask'), 'ask')}
        </div>
      )}
    </div>
  );
}
