// The session key's life in the browser: kept only in sessionStorage (closing the tab
// forgets it), refreshed at 80% of its life, and dropped on logout or failure.
import { ApiError, userMessage, type ApiClient } from '../api/client';
import type { KeyInfo, SessionResponse } from '../api/types';
import { tr } from './i18n';

export const STORAGE_KEY = 'futugw.session';

export type StoredSession = { key: string; expiresAt: string; createdAt?: string };

export function loadSession(storage: Storage): StoredSession | null {
  try {
    const raw = storage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as StoredSession;
    return typeof s.key === 'string' && s.key ? s : null;
  } catch {
    return null;
  }
}

export function saveSession(storage: Storage, key: string, info?: KeyInfo): StoredSession {
  const s: StoredSession = { key, expiresAt: info?.expires_at ?? '', createdAt: info?.created_at };
  storage.setItem(STORAGE_KEY, JSON.stringify(s));
  return s;
}

export function clearSession(storage: Storage) {
  storage.removeItem(STORAGE_KEY);
}

/**
 * takeFragmentKey reads "#session=<key>" (the URL `make run` and `futucli session`
 * print) and removes the fragment from the address bar so the key does not linger in
 * history or get copied along with the URL.
 */
export function takeFragmentKey(loc: Location, hist: History): string | null {
  const m = /(?:^#|&)session=([^&]+)/.exec(loc.hash);
  if (!m) return null;
  hist.replaceState(null, '', loc.pathname + loc.search);
  return decodeURIComponent(m[1]);
}

/** The parts of window that watchFragment uses (a fake in the tests). */
export type FragmentWindow = {
  location: Location;
  history: History;
  addEventListener(type: 'hashchange', fn: () => void): void;
  removeEventListener(type: 'hashchange', fn: () => void): void;
};

/**
 * watchFragment calls onKey with the key of every "#session=<key>" fragment that
 * appears while the panel is open (a session URL pasted into the open tab fires
 * hashchange, not a load), removing the fragment from the address bar as at start.
 * Other fragments are left alone. Returns the function that stops watching.
 */
export function watchFragment(win: FragmentWindow, onKey: (key: string) => void): () => void {
  const handler = () => {
    const key = takeFragmentKey(win.location, win.history);
    if (key) onKey(key);
  };
  win.addEventListener('hashchange', handler);
  return () => win.removeEventListener('hashchange', handler);
}

export type FragmentSwitch =
  /** The key is the current session's: nothing to do. */
  | { kind: 'same' }
  /** The key works and is now the stored session; `retired` is the old key when it was logged out. */
  | { kind: 'switched'; session: StoredSession; info: KeyInfo; retired: string | null }
  /** The key did not work (expired, revoked, mistyped): the current session is kept. */
  | { kind: 'refused'; message: string };

/**
 * switchSession makes `key` (from a pasted session URL) the tab's session, replacing
 * the stored one: the key is checked first (GET /api/auth/whoami with it), so a stale
 * URL does not throw away a working session; then it is stored, and the old key is
 * logged out (its session ended on the server) unless it belongs to the same session
 * as the new one. The caller restarts everything that used the old key (socket,
 * refresh timer, account data).
 */
/**
 * keyRefusal is why a key was refused at login or in a session URL; a 401 there means
 * the key itself is bad, not that a session ran out.
 */
export function keyRefusal(err: unknown): string {
  if (err instanceof ApiError && err.status === 401) return tr('session.keyInvalid');
  return userMessage(err, tr('act.openSession'), tr);
}

export async function switchSession(api: ApiClient, storage: Storage, key: string): Promise<FragmentSwitch> {
  const current = loadSession(storage);
  if (current?.key === key) return { kind: 'same' };
  const [fresh, old] = await Promise.allSettled([
    api.request<KeyInfo>('GET', '/api/auth/whoami', undefined, { key }),
    current ? api.request<KeyInfo>('GET', '/api/auth/whoami', undefined, { key: current.key }) : Promise.reject(new Error('no session')),
  ]);
  if (fresh.status === 'rejected') {
    return { kind: 'refused', message: tr('session.urlRefused', { why: keyRefusal(fresh.reason) }) };
  }
  // Another tab-level change (a refresh) may have replaced the stored key meanwhile.
  const still = loadSession(storage);
  const session = saveSession(storage, key, fresh.value);
  let retired: string | null = null;
  if (still && old.status === 'fulfilled') {
    const oldSession = old.value.session_id || old.value.id;
    const newSession = fresh.value.session_id || fresh.value.id;
    // Only a session key is retired (a pasted long-lived key is never logged out from here).
    if (old.value.parent_id && oldSession !== newSession) {
      retired = still.key;
      api.request('POST', '/api/auth/logout', {}, { key: still.key }).catch(() => {
        /* the old key expires on its own */
      });
    }
  }
  return { kind: 'switched', session, info: fresh.value, retired };
}

/** The share of a session's life after which it is refreshed. */
export const REFRESH_AT = 0.8;
/** Never refresh sooner than this (clock skew, a nearly expired key). */
export const MIN_DELAY_MS = 5_000;

/**
 * refreshDelay is how long to wait before refreshing a key that expires at expiresAt:
 * 80% of its life (from createdAt when known, else from now), at least MIN_DELAY_MS.
 */
export function refreshDelay(now: number, expiresAt: string, createdAt?: string): number | null {
  const exp = Date.parse(expiresAt);
  if (!Number.isFinite(exp)) return null; // a key that never expires
  const created = createdAt ? Date.parse(createdAt) : NaN;
  const start = Number.isFinite(created) && created <= now ? created : now;
  const at = start + (exp - start) * REFRESH_AT;
  return Math.max(MIN_DELAY_MS, at - now);
}

export type RefresherEvents = {
  /** The new key (already stored). */
  onRefreshed: (s: StoredSession) => void;
  /** Refresh failed: back to login with this message. */
  onFailed: (message: string) => void;
};

/** Refresher keeps one timer that rotates the session key before it expires. */
export class Refresher {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  /** The refresh in flight: a key is refreshed once (a second refresh of the same key is refused). */
  private inflight: Promise<void> | null = null;
  private readonly api: ApiClient;
  private readonly storage: Storage;
  private readonly ev: RefresherEvents;
  private readonly now: () => number;

  constructor(api: ApiClient, storage: Storage, ev: RefresherEvents, now: () => number = Date.now) {
    this.api = api;
    this.storage = storage;
    this.ev = ev;
    this.now = now;
  }

  /** schedule (re)arms the timer for the stored session. */
  schedule(s: StoredSession) {
    this.cancel();
    this.stopped = false;
    const delay = refreshDelay(this.now(), s.expiresAt, s.createdAt);
    if (delay === null) return;
    this.timer = setTimeout(() => void this.refreshNow(), delay);
  }

  /** refreshNow rotates the key at once (also used on a key_expiring notice); a call
   * while a refresh is in flight joins it. */
  refreshNow(): Promise<void> {
    if (!this.inflight) {
      this.inflight = this.rotate().finally(() => {
        this.inflight = null;
      });
    }
    return this.inflight;
  }

  private async rotate(): Promise<void> {
    this.cancel();
    try {
      const r = await this.api.post<SessionResponse>('/api/auth/refresh', {});
      if (this.stopped) return;
      if (!r.key) throw new Error('the refresh answer carried no key');
      const s = saveSession(this.storage, r.key, r.info);
      this.ev.onRefreshed(s);
      this.schedule(s);
    } catch (e) {
      if (this.stopped) return;
      clearSession(this.storage);
      const why = e instanceof Error ? e.message : String(e);
      this.ev.onFailed(`Your session could not be refreshed (${why}); please log in again.`);
    }
  }

  cancel() {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  stop() {
    this.stopped = true;
    this.cancel();
  }
}
