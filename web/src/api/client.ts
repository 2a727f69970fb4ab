// The REST client: JSON with proto field names, the key as a Bearer header, and one
// error type whose user-facing text follows the panel's rules.

import { enT, type T } from '../lib/i18n';

/** The JSON error body every edge error carries. */
export type ErrorBody = { error?: string; reason?: string; code?: number; message?: string };

/** ApiError is a non-2xx answer (or a network failure, status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly body: ErrorBody;
  constructor(status: number, body: ErrorBody, fallback: string) {
    super(body.error || body.message || fallback);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }
  get reason(): string {
    return this.body.reason ?? '';
  }
}

/**
 * userMessage is the text a toast shows for an error; `action` completes
 * "this key is not allowed to ..." (e.g. "place orders").
 */
export function userMessage(err: unknown, action = 'do this', t: T = enT): string {
  if (err instanceof ApiError) {
    switch (err.status) {
      case 401:
        return t('session.expired');
      case 403:
        return t('err.forbidden', { action }) + (err.body.error ? `: ${err.body.error}` : '');
      case 429:
        return err.body.error || t('err.limit');
      case 0:
        return t('err.network', { msg: err.message });
      default:
        return err.body.error || err.body.message || err.message;
    }
  }
  return err instanceof Error ? err.message : String(err);
}

export type Fetch = typeof fetch;

export type ClientOptions = {
  /** Origin of the API ('' = same origin). */
  base?: string;
  /** Returns the key to send (the session key). */
  token: () => string | null;
  /**
   * Called on every 401 of a call made with the session key, after the error is built
   * (the panel returns to login); `key` is the key the call carried, so a late answer
   * for a key the panel has since replaced can be told apart.
   */
  onUnauthorized?: (err: ApiError, key: string | null) => void;
  fetch?: Fetch;
};

/** ApiClient calls the edge's REST API. */
export class ApiClient {
  private readonly opts: ClientOptions;
  constructor(opts: ClientOptions) {
    this.opts = opts;
  }

  /** request sends one call; `key` overrides the session key (login with a pasted key). */
  async request<T>(method: 'GET' | 'POST', path: string, body?: unknown, extra?: { key?: string; headers?: Record<string, string> }): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json', ...(extra?.headers ?? {}) };
    const key = extra?.key ?? this.opts.token();
    if (key) headers.Authorization = `Bearer ${key}`;
    if (method === 'POST') headers['Content-Type'] = 'application/json';
    const f = this.opts.fetch ?? globalThis.fetch.bind(globalThis);
    let res: Response;
    try {
      res = await f(`${this.opts.base ?? ''}${path}`, {
        method,
        headers,
        body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch (e) {
      throw new ApiError(0, {}, e instanceof Error ? e.message : String(e));
    }
    const text = await res.text();
    let parsed: unknown = undefined;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    if (!res.ok) {
      const errBody: ErrorBody = parsed && typeof parsed === 'object' ? (parsed as ErrorBody) : { error: text.trim() || res.statusText };
      const err = new ApiError(res.status, errBody, `HTTP ${res.status}`);
      if (res.status === 401 && !extra?.key) this.opts.onUnauthorized?.(err, key ?? null);
      throw err;
    }
    return (parsed ?? {}) as T;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }
  post<T>(path: string, body: unknown = {}, headers?: Record<string, string>): Promise<T> {
    return this.request<T>('POST', path, body, headers ? { headers } : undefined);
  }
}
