// The order book of the selected security: 10 levels a side from 3013 pushes (the
// first view from /api/orderbook), the user's resting orders marked at their price,
// and a click on a price puts it on the order ticket.
import { useEffect, useMemo, useRef, useState } from 'react';
import { ApiClient, userMessage } from '../api/client';
import type { Order } from '../api/types';
import { BOOK_DEPTH, bookView, levelsFromJSON, ownResting, type BookLevelJSON, type BookRow } from '../lib/book';
import type { Feed } from '../lib/feed';
import { parseSymbol } from '../lib/symbols';
import { base64ToBytes, decodeOrderBook, type BookLevel } from '../proto/decode';
import { fmtPrice as fmtPriceIn, fmtVolume as fmtVolumeIn, useLang } from '../lib/i18n';

type Book = { asks: BookLevel[]; bids: BookLevel[] };

export function OrderBook(props: {
  api: ApiClient;
  feed: Feed;
  secKey: string;
  /** Whether the book is subscribed (the REST read needs it). */
  ready: boolean;
  orders: Order[];
  onPrice: (price: number) => void;
}) {
  const { api, feed, secKey, ready, orders, onPrice } = props;
  const { lang, t } = useLang();
  const fmtPrice = (v: number | undefined) => fmtPriceIn(lang, v);
  const fmtVolume = (v: number | undefined) => fmtVolumeIn(lang, v);
  const [book, setBook] = useState<Book | null>(null);
  const [error, setError] = useState('');
  const pushed = useRef(false);

  useEffect(() => {
    setBook(null);
    setError('');
    pushed.current = false;
    return feed.on('quote', 3013, secKey, (f) => {
      if (f.type !== 'quote') return;
      const b = decodeOrderBook(base64ToBytes(f.body_b64));
      if (!b) return;
      pushed.current = true;
      setError('');
      setBook({ asks: b.asks, bids: b.bids });
    });
  }, [feed, secKey]);

  // The first view, until the first push.
  useEffect(() => {
    if (!ready || pushed.current) return;
    let security;
    try {
      security = parseSymbol(secKey).security;
    } catch {
      return;
    }
    let cancelled = false;
    api
      .post<{ order_book_ask_list?: BookLevelJSON[]; order_book_bid_list?: BookLevelJSON[] }>('/api/orderbook', { security, num: BOOK_DEPTH })
      .then((r) => {
        if (cancelled || pushed.current) return; // a push is newer than this answer
        setBook({ asks: levelsFromJSON(r.order_book_ask_list), bids: levelsFromJSON(r.order_book_bid_list) });
      })
      .catch((e) => {
        if (!cancelled && !pushed.current) setError(userMessage(e, t('act.readBook', { sec: secKey }), t));
      });
    return () => {
      cancelled = true;
    };
  }, [api, secKey, ready]);

  const code = secKey.split('.').slice(1).join('.');
  const own = useMemo(() => ownResting(orders, code), [orders, code]);
  const view = useMemo(() => (book ? bookView(book.asks, book.bids, own) : null), [book, own]);

  const row = (r: BookRow) => (
    <tr key={`${r.side}-${r.level}`} className={`book-${r.side} ${r.own.length ? 'book-mine' : ''}`} data-testid={`book-${r.side}-${r.level}`}>
      <td className="num book-price">
        <button
          type="button"
          className={`link ${r.side === 'ask' ? 'neg' : 'pos'}`}
          title={t('book.usePrice')}
          onClick={() => onPrice(r.price)}
          data-testid={`book-price-${r.side}-${r.level}`}
        >
          {fmtPrice(r.price)}
        </button>
      </td>
      <td className="num book-vol">
        <span className={`depth depth-${r.side}`} style={{ width: `${Math.round(r.depth * 100)}%` }} />
        <span className="book-vol-text">{fmtVolume(r.volume)}</span>
      </td>
      <td className="num muted small">{r.orders || ''}</td>
      <td className="book-own">
        {r.own.map((o) => (
          <span key={o.orderId} className={`own own-${o.side.toLowerCase()}`} title={`your ${o.side} order ${o.orderId}`} data-testid="book-own" data-order={o.orderId}>
            {o.side === 'BUY' ? 'B' : 'S'} {o.qty}
          </span>
        ))}
      </td>
    </tr>
  );

  return (
    <>
      <h2>
        {t('book.title')} <span className="muted small">{secKey}</span>
      </h2>
      {error && <p className="banner banner-error small">{error}</p>}
      <table className="table book" data-testid="orderbook" data-levels={view ? `${view.asks.length}/${view.bids.length}` : '0/0'}>
        <thead>
          <tr>
            <th className="num">{t('book.price')}</th>
            <th className="num">{t('book.volume')}</th>
            <th className="num">{t('book.orders')}</th>
            <th>{t('book.mine')}</th>
          </tr>
        </thead>
        <tbody>
          {view ? (
            <>
              {view.asks.map(row)}
              <tr className="book-spread">
                <td colSpan={4} className="muted small" data-testid="book-spread">
                  {t('book.spread', { v: view.spread === null ? '–' : fmtPrice(view.spread) })}
                </td>
              </tr>
              {view.bids.map(row)}
            </>
          ) : (
            <tr>
              <td colSpan={4} className="muted">
                {error ? t('book.none') : t('book.loading')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {view && view.beyond.length > 0 && (
        <p className="book-beyond small muted" data-testid="book-own-beyond">
          {t('book.beyond')}{' '}
          {view.beyond.map((o) => (
            <span key={o.orderId} className={`own own-${o.side.toLowerCase()}`} title={`your ${o.side} order ${o.orderId}`} data-order={o.orderId}>
              {o.side === 'BUY' ? 'B' : 'S'} {o.qty} @ {fmtPrice(o.price)}
            </span>
          ))}
        </p>
      )}
    </>
  );
}
