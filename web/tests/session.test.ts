// Session refresh scheduling with fake timers.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiClient } from '../src/api/client';
import { loadSession, Refresher, refreshDelay, saveSession, STORAGE_KEY, takeFragmentKey } from '../src/lib/session';
import { backoffDelay } from '../src/lib/pushes';

class MemStorage implements Storage {
  private m = new Map<string, string>();
  get length() { return this.m.size; }
  clear() { this.m.clear(); }
  getItem(k: string) { return this.m.get(k) ?? null; }
  key(i: number) { return [...this.m.keys()][i] ?? null; }
  removeItem(k: string) { this.m.delete(k); }
  setItem(k: string, v: string) { this.m.set(k, v); }
}

const T0 = Date.parse('2026-11-24T10:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

describe('refreshDelay', () => {
  it('is 80% of the life from creation', () => {
    expect(refreshDelay(T0, iso(T0 + 30 * 60e3), iso(T0))).toBe(24 * 60e3);
    // Reloaded 10 minutes into the session: 14 minutes left until the 80% mark.
    expect(refreshDelay(T0 + 10 * 60e3, iso(T0 + 30 * 60e3), iso(T0))).toBe(14 * 60e3);
  });
  it('uses now when the creation time is unknown, and never less than 5 s', () => {
    expect(refreshDelay(T0, iso(T0 + 10 * 60e3))).toBe(8 * 60e3);
    expect(refreshDelay(T0, iso(T0 - 1000), iso(T0 - 60e3))).toBe(5000);
  });
  it('is null for a key without expiry', () => {
    expect(refreshDelay(T0, '')).toBeNull();
  });
});

describe('Refresher', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => vi.useRealTimers());

  function setup(responses: Array<() => Response>) {
    const storage = new MemStorage();
    const first = saveSession(storage, 'fk_one', { id: 's', scopes: [], created_at: iso(T0), expires_at: iso(T0 + 30 * 60e3) });
    const fetch = vi.fn(async () => (responses.shift() ?? (() => new Response('{}', { status: 500 })))());
    const api = new ApiClient({ token: () => loadSession(storage)?.key ?? null, fetch: fetch as unknown as typeof globalThis.fetch });
    const onRefreshed = vi.fn();
    const onFailed = vi.fn();
    const r = new Refresher(api, storage, { onRefreshed, onFailed });
    r.schedule(first);
    return { storage, fetch, onRefreshed, onFailed, r };
  }

  it('refreshes at 80% of the life, stores the new key and re-arms', async () => {
    const t1 = T0 + 24 * 60e3;
    const { storage, fetch, onRefreshed, r } = setup([
      () => new Response(JSON.stringify({ key: 'fk_two', info: { id: 's', scopes: [], created_at: iso(t1), expires_at: iso(t1 + 30 * 60e3) } })),
      () => new Response(JSON.stringify({ key: 'fk_three', info: { id: 's', scopes: [], created_at: iso(t1 + 24 * 60e3), expires_at: iso(t1 + 54 * 60e3) } })),
    ]);
    await vi.advanceTimersByTimeAsync(24 * 60e3 - 1);
    expect(fetch).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(fetch).toHaveBeenCalledOnce();
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/auth/refresh');
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer fk_one');
    expect(onRefreshed).toHaveBeenCalledWith(expect.objectContaining({ key: 'fk_two' }));
    expect(JSON.parse(storage.getItem(STORAGE_KEY)!).key).toBe('fk_two');
    // The next refresh is 24 minutes later, with the new key.
    await vi.advanceTimersByTimeAsync(24 * 60e3);
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(((fetch.mock.calls[1] as unknown as [string, RequestInit])[1].headers as Record<string, string>).Authorization).toBe('Bearer fk_two');
    r.stop();
  });

  it('on failure clears the session and reports a clear message', async () => {
    const { storage, onFailed, onRefreshed } = setup([() => new Response(JSON.stringify({ error: 'key revoked' }), { status: 401 })]);
    await vi.advanceTimersByTimeAsync(24 * 60e3);
    expect(onRefreshed).not.toHaveBeenCalled();
    expect(onFailed).toHaveBeenCalledOnce();
    expect(onFailed.mock.calls[0][0]).toMatch(/could not be refreshed \(key revoked\); please log in again/);
    expect(storage.getItem(STORAGE_KEY)).toBeNull();
  });

  it('joins a refresh already in flight instead of refreshing the same key twice', async () => {
    const t1 = T0 + 24 * 60e3;
    const { fetch, onRefreshed, onFailed, r } = setup([
      () => new Response(JSON.stringify({ key: 'fk_two', info: { id: 's', scopes: [], created_at: iso(t1), expires_at: iso(t1 + 30 * 60e3) } })),
      () => new Response(JSON.stringify({ reason: 'already_refreshed' }), { status: 400 }),
    ]);
    await Promise.all([r.refreshNow(), r.refreshNow()]); // the timer and a key_expiring notice at once
    expect(fetch).toHaveBeenCalledOnce();
    expect(onRefreshed).toHaveBeenCalledOnce();
    expect(onFailed).not.toHaveBeenCalled();
    r.stop();
  });

  it('stop cancels the pending refresh', async () => {
    const { fetch, r } = setup([]);
    r.stop();
    await vi.advanceTimersByTimeAsync(60 * 60e3);
    expect(fetch).not.toHaveBeenCalled();
  });
});

describe('fragment login and backoff', () => {
  it('takes #session= and removes it from the address bar', () => {
    const replaceState = vi.fn();
    const key = takeFragmentKey({ hash: '#session=fk_abc', pathname: '/', search: '' } as Location, { replaceState } as unknown as History);
    expect(key).toBe('fk_abc');
    expect(replaceState).toHaveBeenCalledWith(null, '', '/');
    expect(takeFragmentKey({ hash: '' } as Location, { replaceState } as unknown as History)).toBeNull();
  });
  it('backs off exponentially up to 15 s', () => {
    const mid = () => 0.5;
    expect([0, 1, 2, 3, 4, 5, 10].map((a) => backoffDelay(a, mid))).toEqual([500, 1000, 2000, 4000, 8000, 15000, 15000]);
  });
});
