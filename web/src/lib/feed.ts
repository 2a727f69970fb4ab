// The market panels' share of the push stream: the panel hands every quote and gap
// frame to the feed, and the chart, book and time-and-sales listen for their proto id
// and security without re-rendering the rest of the panel on every push.
import type { PushFrame } from './pushes';

export type FeedFrame = Extract<PushFrame, { type: 'quote' } | { type: 'gap' }>;
type Listener = (f: FeedFrame) => void;

export class Feed {
  private readonly listeners = new Map<string, Set<Listener>>();

  private static key(type: string, protoId: number, secKey: string) {
    return `${type}:${protoId}:${secKey}`;
  }

  /** on listens for frames of a type ('quote' or 'gap'), proto id and security; it returns the unsubscribe. */
  on(type: FeedFrame['type'], protoId: number, secKey: string, fn: Listener): () => void {
    const k = Feed.key(type, protoId, secKey);
    let set = this.listeners.get(k);
    if (!set) this.listeners.set(k, (set = new Set()));
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0) this.listeners.delete(k);
    };
  }

  emit(f: FeedFrame) {
    const set = this.listeners.get(Feed.key(f.type, f.proto_id, f.sec_key));
    if (!set) return;
    for (const fn of [...set]) {
      try {
        fn(f);
      } catch (e) {
        console.warn('push frame dropped:', e);
      }
    }
  }
}
