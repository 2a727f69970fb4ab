// End to end: the built panel in Debian's Chromium, through Caddy over HTTPS, against
// the real stack (every service its own process). Run with `npm run e2e` (node --test).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startStack, WEB } from './stack.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const SHOTS = process.env.E2E_SCREENSHOTS || path.join(WEB, 'e2e', 'screenshots');
const T = { timeout: 20_000 };

let stack;
let ctx;
let page;
let userDataDir;
let sessionKey;
let parentKey;
const frames = [];
const cspViolations = [];
const orderResponses = [];
const sockets = [];
const orderStatusForms = new Set(); // typeof order_status in POST /api/orders answers
let shot = 0;

async function snap(name) {
  shot++;
  const file = path.join(SHOTS, `${String(shot).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** snapOf screenshots one element (under the same numbering as snap). */
async function snapOf(locator, name) {
  shot++;
  const file = path.join(SHOTS, `${String(shot).padStart(2, '0')}-${name}.png`);
  await locator.screenshot({ path: file });
  return file;
}

/** whoamiStatus is the HTTP status GET /api/auth/whoami answers to key, straight at the edge. */
async function whoamiStatus(key) {
  const r = await fetch(`http://${stack.edgeAddr}/api/auth/whoami`, { headers: { Authorization: `Bearer ${key}` } });
  return r.status;
}

/** untilRevoked polls until key is refused (revocation reaches every process within a second; allow three). */
async function untilRevoked(key) {
  let status = 0;
  for (let i = 0; i < 30 && status !== 401; i++) {
    status = await whoamiStatus(key);
    if (status !== 401) await new Promise((res) => setTimeout(res, 100));
  }
  return status;
}

const tid = (id) => page.getByTestId(id);

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  console.log(`# screenshots: ${SHOTS}`);
  stack = await startStack();
  console.log(`# stack: ${stack.url} (edge ${stack.edgeAddr}, serving the panel), logs in ${stack.logs}`);
  const minted = await stack.api('/api/admin/keys', {
    method: 'POST',
    body: JSON.stringify({
      id: `e2e-panel-${Date.now()}`,
      scopes: ['qot:read', 'acc:read', 'trade:simulate'],
      limits: { max_orders_per_minute: 2, max_order_value: 500000 },
      expires_in: '1h',
    }),
  });
  parentKey = minted.key;
  const sess = await stack.api('/api/auth/session', { method: 'POST', body: '{}' }, parentKey);
  sessionKey = sess.key;

  userDataDir = mkdtempSync(path.join(tmpdir(), 'futugw-chromium-'));
  ctx = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    ignoreHTTPSErrors: true,
    viewport: { width: 1360, height: 900 },
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--ignore-certificate-errors',
    ],
  });
  page = ctx.pages()[0] ?? (await ctx.newPage());
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) cspViolations.push(m.text());
  });
  page.on('websocket', (ws) => {
    sockets.push(ws);
    ws.on('framereceived', (f) => {
      try {
        frames.push(JSON.parse(typeof f.payload === 'string' ? f.payload : f.payload.toString()));
      } catch {
        /* not JSON */
      }
    });
  });
  page.on('response', async (r) => {
    if (r.url().endsWith('/api/order') && r.request().method() === 'POST') {
      orderResponses.push({ status: r.status(), body: await r.json().catch(() => null), idem: r.request().headers()['idempotency-key'] });
    }
    if (r.url().endsWith('/api/orders') && r.ok()) {
      const body = await r.json().catch(() => null);
      for (const o of body?.orders ?? []) orderStatusForms.add(`${typeof o.order_status} (${JSON.stringify(o.order_status)})`);
    }
  });
});

after(async () => {
  await ctx?.close().catch(() => {});
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  await stack?.stop();
  console.log(`# screenshots written to ${SHOTS}`);
});

test('logs in with a session URL over HTTPS and keeps only the session key', async () => {
  const res = await page.goto(`${stack.url}/#session=${sessionKey}`);
  assert.equal(res.status(), 200);
  const h = res.headers();
  assert.match(h['strict-transport-security'] ?? '', /max-age=\d+/, 'HSTS from Caddy');
  assert.match(h['content-security-policy'] ?? '', /script-src 'self'/, 'CSP on the panel');
  assert.doesNotMatch(h['content-security-policy'], /unsafe-eval|unsafe-inline/);
  await tid('ws-status').getByText('WS live').waitFor(T);
  assert.equal(new URL(page.url()).hash, '', 'the fragment is removed from the address bar');
  const stored = await page.evaluate(() => ({ session: { ...sessionStorage }, local: { ...localStorage } }));
  assert.ok(JSON.stringify(stored.session).includes(sessionKey), 'session key in sessionStorage');
  assert.ok(!JSON.stringify(stored).includes(parentKey), 'the long-lived key is never stored');
  assert.deepEqual(stored.local, {}, 'nothing in localStorage');
  await snap('logged-in');
});

test('switches to a session URL pasted into the open tab, without a reload', async () => {
  const oldKey = sessionKey;
  const second = await stack.api('/api/auth/session', { method: 'POST', body: '{}' }, parentKey);
  assert.ok(second.key && second.key !== oldKey);
  const socketsBefore = sockets.length;
  await page.evaluate((k) => {
    window.__notReloaded = true;
    location.hash = `session=${k}`;
  }, second.key);
  await page.waitForFunction(
    (k) => (sessionStorage.getItem('futugw.session') ?? '').includes(k),
    second.key,
    T,
  );
  await page.waitForFunction(() => location.hash === '', null, T);
  assert.equal(new URL(page.url()).hash, '', 'the fragment is removed from the address bar');
  // A new socket with the new key: the old one is closed, the new one live.
  await page.waitForFunction(() => document.querySelector('[data-testid="ws-status"]')?.textContent?.includes('WS live'), null, T);
  const deadline = Date.now() + T.timeout;
  while (sockets.length === socketsBefore && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.ok(sockets.length > socketsBefore, 'a new WebSocket was opened for the new session');
  for (const ws of sockets.slice(0, socketsBefore)) {
    const closeDeadline = Date.now() + 5_000;
    while (!ws.isClosed() && Date.now() < closeDeadline) await new Promise((r) => setTimeout(r, 100));
    assert.ok(ws.isClosed(), 'the old session\'s socket is closed');
  }
  await tid('ws-status').getByText('WS live').waitFor(T);
  assert.equal(await page.evaluate(() => window.__notReloaded), true, 'the page was not reloaded');
  const stored = await page.evaluate(() => ({ ...sessionStorage }));
  assert.ok(!JSON.stringify(stored).includes(oldKey), 'the old session key is gone from sessionStorage');
  assert.ok(!JSON.stringify(stored).includes(parentKey), 'the long-lived key is never stored');
  // The replaced session was logged out on the server; the new one works.
  assert.equal(await untilRevoked(oldKey), 401, 'the old session key no longer works');
  assert.equal(await whoamiStatus(second.key), 200, 'the new session key works');
  sessionKey = second.key;
  await snap('session-switched');
});

test('the ticket offers only accounts the key may trade; a real account stays marked', async () => {
  // The key has trade:simulate, not trade:real; opend-sim has 1001/1002 (simulated) and 2001/2002 (real).
  await page.waitForFunction(() => document.querySelector('[data-testid="ticket-account"] option[value="1001"]'), null, T);
  const ticketAccounts = await tid('ticket-account').locator('option').evaluateAll((os) => os.map((o) => o.value));
  assert.deepEqual(ticketAccounts, ['1001', '1002'], 'only the simulated accounts in the ticket');
  // The account views still list the real accounts (acc:read), marked REAL.
  await page.waitForFunction(() => document.querySelector('[data-testid="view-account"] option[value="2001"]'), null, T);
  const viewAccounts = await tid('view-account').locator('option').evaluateAll((os) => os.map((o) => [o.value, o.textContent]));
  const real = viewAccounts.filter(([v]) => v.startsWith('2'));
  assert.ok(real.length > 0 && real.every(([, t]) => /REAL/.test(t)), `real accounts listed and marked: ${JSON.stringify(viewAccounts)}`);
  await tid('view-account').selectOption('2001');
  await tid('view-real-warning').waitFor(T);
  assert.match(await tid('view-real-warning').textContent(), /not trade it/);
  await tid('orders-account').getByText('account 2001').waitFor(T);
  assert.ok((await page.getByTestId('real-badge').count()) >= 1, 'a REAL badge on the account views');
  assert.equal(await tid('ticket-account').inputValue(), '1001', 'the ticket stays on a tradable account');
  assert.equal(await tid('real-warning').count(), 0, 'no real account in the ticket');
  await snap('real-account-viewed');
  await tid('view-account').selectOption('1001');
  await tid('orders-account').getByText('account 1001').waitFor(T);
  assert.equal(await tid('view-real-warning').count(), 0);
});

test('shows a live quote change decoded from body_b64', async () => {
  const price = tid('quote-price-HK.00700');
  await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid="quote-price-HK.00700"]')?.textContent ?? ''), null, T);
  const first = await price.textContent();
  await page.waitForFunction(
    (v) => {
      const t = document.querySelector('[data-testid="quote-price-HK.00700"]')?.textContent;
      return t && t !== v;
    },
    first,
    T,
  );
  const second = await price.textContent();
  assert.notEqual(second, first);
  assert.ok(frames.some((f) => f.type === 'quote' && f.proto_id === 3005 && f.sec_key === 'HK.00700' && f.body_b64), 'quote frames with body_b64');
  // US.AAPL is on the default watchlist too.
  await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid="quote-price-US.AAPL"]')?.textContent ?? ''), null, T);
  await snap('quote-changed');
});

async function fillTicket({ qty = '100', belowMarket = 0.9 } = {}) {
  await tid('ticket-account').selectOption('1001');
  await tid('ticket-symbol').selectOption('HK.00700');
  await tid('ticket-side-buy').click();
  await tid('ticket-type').selectOption('ORDER_TYPE_NORMAL');
  const last = Number((await tid('quote-price-HK.00700').textContent()).replace(/,/g, ''));
  // Far below the market so it rests on the book (it can then be cancelled).
  const limit = (Math.floor(last * belowMarket * 5) / 5).toFixed(1);
  await tid('ticket-price').fill(limit);
  await tid('ticket-qty').fill(qty);
  return limit;
}

let orderId;

test('places a simulated order after a confirmation step, once even on a double click', async () => {
  const limit = await fillTicket();
  // Price and Qty sit side by side: their inputs start at the same height.
  const priceBox = await tid('ticket-price').boundingBox();
  const qtyBox = await tid('ticket-qty').boundingBox();
  assert.ok(priceBox && qtyBox, 'both inputs visible');
  assert.ok(Math.abs(priceBox.y - qtyBox.y) <= 1, `Price top ${priceBox.y} vs Qty top ${qtyBox.y}`);
  assert.ok(Math.abs(priceBox.height - qtyBox.height) <= 1, `Price height ${priceBox.height} vs Qty height ${qtyBox.height}`);
  await snapOf(tid('ticket'), 'ticket-aligned');
  await tid('ticket-review').click();
  const summary = await tid('confirm-summary').textContent(T);
  assert.match(summary, new RegExp(`BUY 100 HK\\.00700 limit ${limit.replace('.', '\\.')}`));
  await snap('order-confirm');
  const before = orderResponses.length;
  await tid('ticket-confirm-send').dblclick();
  const toast = tid('toast-success').filter({ hasText: 'order_id=' }).first();
  await toast.waitFor(T);
  orderId = /order_id=(\d+)/.exec(await toast.locator("span").first().textContent())[1];
  assert.ok(orderId);
  const sent = orderResponses.slice(before);
  assert.equal(sent.length, 1, 'one POST /api/order for a double click');
  assert.ok(sent[0].idem, 'Idempotency-Key header sent');
  await snap('order-placed');
});

test('lists the order with its push-driven status', async () => {
  const row = tid(`order-row-${orderId}`);
  await row.waitFor(T);
  const tradeFrames = frames.filter((f) => f.type === 'trade' && f.proto_id === 2208 && f.acc_id === '1001' && f.body_b64);
  assert.ok(tradeFrames.length > 0, 'order pushes (2208) arrived on the socket');
  await page.waitForFunction((id) => /Submitted/.test(document.querySelector(`[data-testid="order-status-${id}"]`)?.textContent ?? ''), orderId, T);
  // The REST form of order_status (an enum name, or a number from an older server): the
  // panel reads both; which one this server sent is only reported.
  await tid('orders-reload').click();
  await page.waitForFunction((id) => /Submitted/.test(document.querySelector(`[data-testid="order-status-${id}"]`)?.textContent ?? ''), orderId, T);
  console.log(`# order_status over REST: ${[...orderStatusForms].join(', ') || 'no orders listed'}`);
  await snap('order-listed');
});

test('cancels the order with confirmation and shows the pushed status', async () => {
  const pushesBefore = frames.filter((f) => f.type === 'trade').length;
  await tid(`order-cancel-${orderId}`).click();
  await tid(`order-cancel-confirm-${orderId}`).click();
  await page.waitForFunction((id) => /Cancelled/.test(document.querySelector(`[data-testid="order-status-${id}"]`)?.textContent ?? ''), orderId, T);
  assert.ok(frames.filter((f) => f.type === 'trade').length > pushesBefore, 'the cancel arrived as a trade push');
  await snap('order-cancelled');
});

test("hits the per-minute order limit and shows the server's message", async () => {
  let limited = null;
  for (let i = 0; i < 3 && !limited; i++) {
    await fillTicket({ belowMarket: 0.9 - 0.01 * (i + 1) });
    await tid('ticket-review').click();
    const before = orderResponses.length;
    await tid('ticket-confirm-send').click();
    const deadline = Date.now() + 10_000;
    while (orderResponses.length === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const r = orderResponses[orderResponses.length - 1];
    if (r.status === 429) limited = r;
    else assert.equal(r.status, 200, `unexpected ${r.status}: ${JSON.stringify(r.body)}`);
  }
  assert.ok(limited, 'a 429 within three orders (max_orders_per_minute 2)');
  assert.ok(limited.body?.error, '429 carries an error text');
  const toast = tid('toast-error').filter({ hasText: limited.body.error }).first();
  await toast.waitFor(T);
  assert.equal((await toast.locator('span').first().textContent()).trim(), limited.body.error);
  await snap('rate-limited');
});

test('logs out: the session key is revoked and the panel returns to login', async () => {
  await tid('logout').click();
  await tid('login-form').waitFor(T);
  const msg = await tid('login-message').textContent();
  assert.match(msg, /logged out/);
  const stored = await page.evaluate(() => ({ ...sessionStorage }));
  assert.ok(!JSON.stringify(stored).includes(sessionKey), 'session key removed');
  // Revocation reaches every process within a second (Redis pub/sub); allow three.
  assert.equal(await untilRevoked(sessionKey), 401, 'the session key no longer works');
  await snap('logged-out');
});

test('no Content-Security-Policy violations (no eval, no inline code)', async () => {
  const inPage = await page.evaluate(() => window.__csp ?? []);
  assert.deepEqual([...cspViolations, ...inPage], []);
});
