// Basic quotes for the viewed account's positions, so their P/L follows the market:
// subscribes (sub type 1) what is held and reads a first snapshot; the 3005 pushes
// reach the panel's quote map like the watchlist's.
import { useEffect, useRef } from 'react';
import type { ApiClient } from '../api/client';
import type { BasicQuoteJSON } from '../api/types';
import { parseSymbol } from './symbols';

export function usePositionQuotes(api: ApiClient, keys: string[], onQuote: (q: BasicQuoteJSON) => void) {
  const held = useRef(new Set<string>());
  const onQuoteRef = useRef(onQuote);
  onQuoteRef.current = onQuote;
  const joined = [...new Set(keys)].sort().join(',');
  useEffect(() => {
    const want = joined ? joined.split(',') : [];
    const add = want.filter((k) => !held.current.has(k));
    const securities = add.flatMap((k) => {
      try {
        return [parseSymbol(k).security];
      } catch {
        return [];
      }
    });
    for (const k of add) held.current.add(k);
    if (!securities.length) return;
    void (async () => {
      try {
        await api.post('/api/subscribe', { security_list: securities, sub_type_list: [1] });
        const r = await api.post<{ quotes: BasicQuoteJSON[] }>('/api/quote', { security_list: securities });
        for (const q of r.quotes ?? []) onQuoteRef.current(q);
      } catch {
        // Without quotes the positions keep the server's P/L.
        for (const k of add) held.current.delete(k);
      }
    })();
  }, [api, joined]);
}
