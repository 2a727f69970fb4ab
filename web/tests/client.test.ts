// The API client's error mapping: what a toast shows for each status.
import { describe, expect, it, vi } from 'vitest';
import { ApiClient, ApiError, userMessage } from '../src/api/client';

function fakeFetch(status: number, body: unknown) {
  return vi.fn(async () => new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }));
}

async function failure(status: number, body: unknown, onUnauthorized = vi.fn()) {
  const api = new ApiClient({ token: () => 'fk_session', fetch: fakeFetch(status, body) as unknown as typeof fetch, onUnauthorized });
  try {
    await api.post('/api/order', { code: '00700' });
  } catch (e) {
    return { err: e as ApiError, onUnauthorized };
  }
  throw new Error('no error');
}

describe('error mapping', () => {
  it('401: session expired, and the panel is told', async () => {
    const { err, onUnauthorized } = await failure(401, { error: 'key expired', reason: 'expired', code: 16, message: 'key expired' });
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(401);
    expect(userMessage(err, 'place orders')).toBe('session expired, please log in again');
    expect(onUnauthorized).toHaveBeenCalledOnce();
  });

  it('403: this key is not allowed to ...', async () => {
    const { err } = await failure(403, { error: 'scope trade:real required', reason: 'scope', code: 7, message: 'x' });
    expect(userMessage(err, 'place orders on real accounts')).toBe('this key is not allowed to place orders on real accounts: scope trade:real required');
  });

  it("429: the server's error text", async () => {
    const { err } = await failure(429, { error: 'max_orders_per_minute: 2 orders per minute reached', reason: 'max_orders_per_minute', code: 8, message: 'm' });
    expect(err.reason).toBe('max_orders_per_minute');
    expect(userMessage(err)).toBe('max_orders_per_minute: 2 orders per minute reached');
  });

  it('other statuses: the message', async () => {
    const { err } = await failure(400, { error: 'qty must be a multiple of the lot size 100', reason: 'invalid', code: 3, message: 'qty' });
    expect(userMessage(err)).toBe('qty must be a multiple of the lot size 100');
    const { err: e503 } = await failure(503, 'upstream down');
    expect(e503.status).toBe(503);
    expect(userMessage(e503)).toBe('upstream down');
  });

  it('network failures become status 0', async () => {
    const api = new ApiClient({ token: () => 'k', fetch: (async () => { throw new TypeError('Failed to fetch'); }) as unknown as typeof fetch });
    const err = (await api.get('/api/accounts').catch((e) => e)) as ApiError;
    expect(err.status).toBe(0);
    expect(userMessage(err)).toBe('network error: Failed to fetch');
  });

  it('sends the key, JSON and extra headers', async () => {
    const f = vi.fn(async () => new Response('{"order_id":"7"}', { status: 200 }));
    const api = new ApiClient({ token: () => 'fk_s', fetch: f as unknown as typeof fetch });
    const r = await api.post<{ order_id: string }>('/api/order', { qty: 100 }, { 'Idempotency-Key': 'abc' });
    expect(r.order_id).toBe('7');
    const [url, init] = f.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/order');
    const h = init.headers as Record<string, string>;
    expect(h.Authorization).toBe('Bearer fk_s');
    expect(h['Idempotency-Key']).toBe('abc');
    expect(init.body).toBe('{"qty":100}');
  });

  it('a pasted key overrides the session key and a 401 on it does not log out', async () => {
    const onUnauthorized = vi.fn();
    const f = fakeFetch(401, { error: 'invalid key' });
    const api = new ApiClient({ token: () => null, fetch: f as unknown as typeof fetch, onUnauthorized });
    await api.request('POST', '/api/auth/session', {}, { key: 'fk_long' }).catch(() => {});
    const init = (f.mock.calls[0] as unknown as [string, RequestInit])[1];
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer fk_long');
    expect(onUnauthorized).not.toHaveBeenCalled();
  });
});
