// The market panels' feed: frames reach the listeners of their type, proto id and security only.
import { describe, expect, it, vi } from 'vitest';
import { Feed, type FeedFrame } from '../src/lib/feed';

const quote = (proto_id: number, sec_key: string): FeedFrame => ({ type: 'quote', proto_id, sec_key, body_b64: '' });

describe('feed', () => {
  it('routes by type, proto id and security, until unsubscribed', () => {
    const feed = new Feed();
    const book = vi.fn();
    const gaps = vi.fn();
    const off = feed.on('quote', 3013, 'HK.00700', book);
    feed.on('gap', 3011, 'HK.00700', gaps);
    feed.emit(quote(3013, 'HK.00700'));
    feed.emit(quote(3013, 'US.AAPL'));
    feed.emit(quote(3011, 'HK.00700'));
    feed.emit({ type: 'gap', proto_id: 3011, sec_key: 'HK.00700', missed: 3 });
    expect(book).toHaveBeenCalledTimes(1);
    expect(gaps).toHaveBeenCalledWith({ type: 'gap', proto_id: 3011, sec_key: 'HK.00700', missed: 3 });
    off();
    feed.emit(quote(3013, 'HK.00700'));
    expect(book).toHaveBeenCalledTimes(1);
  });

  it('a listener that throws does not stop the others', () => {
    const feed = new Feed();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const ok = vi.fn();
    feed.on('quote', 3007, 'HK.00700', () => {
      throw new Error('bad body');
    });
    feed.on('quote', 3007, 'HK.00700', ok);
    feed.emit(quote(3007, 'HK.00700'));
    expect(ok).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });
});
