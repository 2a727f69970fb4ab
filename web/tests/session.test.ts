// Session refresh scheduling with fake timers.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiClient } from '../src/api/client';
import { loadSession, Refresher, refreshDelay, saveSession, STORAGE_KEY, switchSession, takeFragmentKey, watchFragment, type FragmentWindow } from '../src/lib/session';
import { backoffDelay } from '../src/lib/pushes';
import { setLang } from '../src/lib/i18n';

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

describe('a session URL pasted into the open tab (hashchange)', () => {
  function fakeWindow(path = '/', search = '') {
    const loc = { hash: '', pathname: path, search } as Location;
    const replaceState = vi.fn((_d: unknown, _t: string, url: string) => {
      loc.hash = url.includes('#') ? url.slice(url.indexOf('#')) : '';
    });
    let listener: (() => void) | null = null;
    const win: FragmentWindow = {
      location: loc,
      history: { replaceState } as unknown as History,
      addEventListener: vi.fn((_t: 'hashchange', fn: () => void) => {
        listener = fn;
      }),
      removeEventListener: vi.fn((_t: 'hashchange', fn: () => void) => {
        if (listener === fn) listener = null;
      }),
    };
    const navigate = (hash: string) => {
      loc.hash = hash;
      listener?.();
    };
    return { win, loc, replaceState, navigate, listening: () => listener !== null };
  }

  it('hands over the key of a new #session= fragment and clears the fragment', () => {
    const { win, loc, replaceState, navigate } = fakeWindow('/panel/', '?x=1');
    const onKey = vi.fn();
    const stop = watchFragment(win, onKey);
    navigate('#session=fk_new%2Bkey');
    expect(onKey).toHaveBeenCalledWith('fk_new+key');
    expect(replaceState).toHaveBeenCalledWith(null, '', '/panel/?x=1');
    expect(loc.hash).toBe('');
    // Other fragments are not ours: left alone, no login.
    navigate('#orders');
    expect(onKey).toHaveBeenCalledOnce();
    expect(loc.hash).toBe('#orders');
    // The session= part may follow other fragment parameters.
    navigate('#a=1&session=fk_third');
    expect(onKey).toHaveBeenLastCalledWith('fk_third');
    stop();
    navigate('#session=fk_after_stop');
    expect(onKey).toHaveBeenCalledTimes(2);
  });

  it('stops listening when asked', () => {
    const { win, listening } = fakeWindow();
    const stop = watchFragment(win, () => {});
    expect(listening()).toBe(true);
    stop();
    expect(listening()).toBe(false);
  });

  type Call = { method: string; url: string; auth: string };
  function server(keys: Record<string, { status: number; body: unknown }>) {
    const calls: Call[] = [];
    const fetch = vi.fn(async (url: string, init: RequestInit) => {
      const auth = (init.headers as Record<string, string>).Authorization ?? '';
      calls.push({ method: init.method ?? 'GET', url, auth });
      if (url === '/api/auth/logout') return new Response('{}');
      const k = auth.replace('Bearer ', '');
      const r = keys[k] ?? { status: 401, body: { error: 'invalid key', reason: 'unauthenticated' } };
      return new Response(JSON.stringify(r.body), { status: r.status });
    });
    const storage = new MemStorage();
    const onUnauthorized = vi.fn();
    const api = new ApiClient({ token: () => loadSession(storage)?.key ?? null, fetch: fetch as unknown as typeof globalThis.fetch, onUnauthorized });
    return { calls, fetch, storage, api, onUnauthorized };
  }
  const info = (id: string, session_id: string, parent_id = 'alice') => ({ status: 200, body: { id, session_id, parent_id, scopes: ['qot:read'], created_at: iso(T0), expires_at: iso(T0 + 30 * 60e3) } });
  const flush = () => new Promise((r) => setTimeout(r, 0));

  it('switches to a working key, stores it with its expiry and logs the old session out', async () => {
    const { calls, storage, api, onUnauthorized } = server({ fk_old: info('s1', 's1'), fk_new: info('s2', 's2') });
    saveSession(storage, 'fk_old');
    const r = await switchSession(api, storage, 'fk_new');
    expect(r.kind).toBe('switched');
    if (r.kind !== 'switched') return;
    expect(r.retired).toBe('fk_old');
    expect(r.info.id).toBe('s2');
    expect(loadSession(storage)).toEqual({ key: 'fk_new', expiresAt: iso(T0 + 30 * 60e3), createdAt: iso(T0) });
    await flush();
    expect(calls.filter((c) => c.url === '/api/auth/logout')).toEqual([{ method: 'POST', url: '/api/auth/logout', auth: 'Bearer fk_old' }]);
    expect(calls.some((c) => c.url === '/api/auth/logout' && c.auth === 'Bearer fk_new')).toBe(false);
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it('keeps the current session when the new key does not work', async () => {
    const { calls, storage, api, onUnauthorized } = server({ fk_old: info('s1', 's1') });
    saveSession(storage, 'fk_old');
    const r = await switchSession(api, storage, 'fk_stale');
    expect(r).toEqual({ kind: 'refused', message: expect.stringMatching(/not valid \(expired, revoked or mistyped\)/) });
    expect(loadSession(storage)?.key).toBe('fk_old');
    await flush();
    expect(calls.some((c) => c.url === '/api/auth/logout')).toBe(false);
    // A refused URL key is not the session's 401: the panel stays.
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it('says why a session URL was refused in the panel\'s language', async () => {
    const { storage, api } = server({ fk_old: info('s1', 's1') });
    saveSession(storage, 'fk_old');
    setLang('zh');
    try {
      const r = await switchSession(api, storage, 'fk_stale');
      expect(r).toEqual({ kind: 'refused', message: '未打开会话链接：此密钥无效（已过期、已撤销或输入有误）' });
    } finally {
      setLang('en');
    }
  });

  it('does nothing for the current key, and logs in when there is no session', async () => {
    const { calls, storage, api } = server({ fk_new: info('s2', 's2') });
    saveSession(storage, 'fk_new');
    expect(await switchSession(api, storage, 'fk_new')).toEqual({ kind: 'same' });
    expect(calls).toEqual([]);
    storage.clear();
    const r = await switchSession(api, storage, 'fk_new');
    expect(r.kind === 'switched' && r.retired).toBe(null);
    expect(loadSession(storage)?.key).toBe('fk_new');
  });

  it('never logs out a key of the same session, nor a long-lived (non-session) key', async () => {
    const same = server({ fk_old: info('s1a', 's1'), fk_new: info('s1b', 's1') });
    saveSession(same.storage, 'fk_old');
    const r1 = await switchSession(same.api, same.storage, 'fk_new');
    expect(r1.kind === 'switched' && r1.retired).toBe(null);
    const parent = server({ fk_parent: { status: 200, body: { id: 'alice', session_id: 'alice', scopes: [] } }, fk_new: info('s2', 's2') });
    saveSession(parent.storage, 'fk_parent');
    const r2 = await switchSession(parent.api, parent.storage, 'fk_new');
    expect(r2.kind === 'switched' && r2.retired).toBe(null);
    await flush();
    expect([...same.calls, ...parent.calls].some((c) => c.url === '/api/auth/logout')).toBe(false);
  });

  it('switches even when the old key no longer works (nothing to log out)', async () => {
    const { calls, storage, api } = server({ fk_new: info('s2', 's2') });
    saveSession(storage, 'fk_dead');
    const r = await switchSession(api, storage, 'fk_new');
    expect(r.kind === 'switched' && r.retired).toBe(null);
    expect(loadSession(storage)?.key).toBe('fk_new');
    await flush();
    expect(calls.some((c) => c.url === '/api/auth/logout')).toBe(false);
  });

  it('reports the key a 401 was answered to, so a late 401 of a replaced key is told apart', async () => {
    const { storage, api, onUnauthorized } = server({});
    saveSession(storage, 'fk_gone');
    await expect(api.get('/api/auth/whoami')).rejects.toThrow();
    expect(onUnauthorized).toHaveBeenCalledWith(expect.anything(), 'fk_gone');
  });
});
