// End to end: the built panel in Debian's Chromium, through Caddy over HTTPS, against
// the real stack (every service its own process). Run with `npm run e2e` (node --test).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import protobuf from 'protobufjs';
import { startStack, WEB } from './stack.mjs';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

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
// Console errors and uncaught exceptions of every tab (Chromium's own lines for
// answers the tests provoke, such as the 429, are told apart at the end).
const consoleErrors = [];
// The market panels' REST calls: [path, JSON body].
const marketCalls = [];
const orderResponses = [];
const globalStateCalls = [];
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

/**
 * axeCheck runs axe-core in a tab (evaluated through the DevTools protocol, so the
 * page's CSP is not loosened) and fails on serious or critical violations.
 */
async function axeCheck(p, state) {
  await p.evaluate(axeSource);
  const r = await p.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const text = bad.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} ${n.html.slice(0, 120)} ${n.failureSummary ?? ''}`).join('; ')})`);
  console.log(`# axe (${state}): ${r.violations.length} violations, ${bad.length} serious or critical${r.violations.length ? ': ' + r.violations.map((v) => `${v.id}/${v.impact}`).join(', ') : ''}`);
  assert.deepEqual(text, [], `axe: no serious or critical violations (${state})`);
}

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
  await watchTab(page);
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

/** watchTab records a tab's CSP violations, console errors and market REST calls. */
async function watchTab(p) {
  await p.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  p.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) cspViolations.push(m.text());
    if (m.type() === 'error') consoleErrors.push(`${m.text()} (${m.location()?.url ?? ''})`);
  });
  p.on('pageerror', (e) => consoleErrors.push(`uncaught: ${e.message}`));
  p.on('request', (r) => {
    if (r.url().endsWith('/api/global-state')) globalStateCalls.push(Date.now());
    const m = /\/api\/(subscribe|unsubscribe|history-kline|ticker|orderbook|rt|broker)$/.exec(r.url());
    if (m && r.method() === 'POST') marketCalls.push([m[1], JSON.parse(r.postData() ?? '{}')]);
  });
}

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

/** chartState reads the chart's test hooks. */
const chartState = () =>
  page.evaluate(() => {
    const c = document.querySelector('[data-testid="chart"]');
    return { sec: c?.dataset.sec, period: c?.dataset.period, bars: Number(c?.dataset.bars ?? 0), pushes: Number(c?.dataset.pushes ?? 0), loading: c?.dataset.loading };
  });

/** chartLoaded waits until the chart of sec in period has loaded bars. */
const chartLoaded = (sec, period) =>
  page.waitForFunction(
    ([s, p]) => {
      const c = document.querySelector('[data-testid="chart"]');
      return c && c.dataset.sec === s && c.dataset.period === p && c.dataset.loading === 'false' && Number(c.dataset.bars) > 0;
    },
    [sec, period],
    T,
  );

/** candlePixels counts the chart canvas pixels in the candles' up and down colours. */
const candlePixels = () =>
  page.evaluate(() => {
    let best = 0;
    for (const cv of document.querySelectorAll('[data-testid="chart"] canvas')) {
      if (!cv.width || !cv.height) continue;
      const d = cv.getContext('2d')?.getImageData(0, 0, cv.width, cv.height).data;
      if (!d) continue;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) {
        const [r, g, b] = [d[i], d[i + 1], d[i + 2]];
        if ((Math.abs(r - 15) < 8 && Math.abs(g - 138) < 8 && Math.abs(b - 75) < 8) || (Math.abs(r - 198) < 8 && Math.abs(g - 43) < 8 && Math.abs(b - 43) < 8)) n++;
      }
      best = Math.max(best, n);
    }
    return best;
  });

test('the chart draws history, follows the period switch and K-line pushes, and loads older bars on scroll-back', async () => {
  // The selected security (the first of the watchlist) in the default period: day.
  await chartLoaded('HK.00700', 'day');
  assert.ok((await tid('chart').locator('canvas').count()) > 0, 'the chart has canvases');
  assert.ok((await candlePixels()) > 200, 'candles are drawn in the up/down colours');
  const dayCalls = marketCalls.filter(([p, b]) => p === 'history-kline' && b.kl_type === 2);
  assert.ok(dayCalls.length > 0, 'day bars read from /api/history-kline');
  assert.deepEqual(dayCalls[0][1].security, { market: 1, code: '00700' });
  assert.ok(
    marketCalls.some(([p, b]) => p === 'subscribe' && b.security_list?.[0]?.code === '00700' && [2, 4, 6].every((t) => b.sub_type_list.includes(t))),
    'order book, ticker and day K-line subscribed for HK.00700',
  );

  // Switch to 1 minute: its K-line is subscribed and the day K-line unsubscribed.
  const callsBefore = marketCalls.length;
  await tid('chart-period-1m').click();
  await chartLoaded('HK.00700', '1m');
  const switched = marketCalls.slice(callsBefore);
  assert.ok(switched.some(([p, b]) => p === 'subscribe' && b.sub_type_list.includes(11) && b.security_list[0].code === '00700'), `1m K-line subscribed: ${JSON.stringify(switched)}`);
  assert.ok(switched.some(([p, b]) => p === 'unsubscribe' && b.sub_type_list.includes(6) && !b.sub_type_list.includes(2)), 'the day K-line unsubscribed, the book kept');
  // A 3007 push of that period reaches the chart and updates (or appends) its last bar.
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart"]')?.dataset.pushes) >= 1, null, T);
  assert.ok(frames.some((f) => f.type === 'quote' && f.proto_id === 3007 && f.sec_key === 'HK.00700' && f.body_b64), 'K-line frames (3007) on the socket');
  const loaded = await chartState();
  console.log(`# chart: ${loaded.bars} 1m bars loaded, ${loaded.pushes} K-line pushes applied`);
  await snapOf(tid('chart'), 'chart-1m');

  // Drag the chart to the right (back in time) until older bars are loaded.
  const callsAtLoad = marketCalls.length;
  const loadedFrom = marketCalls.filter(([p, b]) => p === 'history-kline' && b.kl_type === 1).map(([, b]) => b.begin_time).sort()[0];
  const box = await tid('chart').boundingBox();
  let after = loaded;
  for (let i = 0; i < 12 && after.bars <= loaded.bars; i++) {
    await page.mouse.move(box.x + 40, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width - 60, box.y + box.height / 2, { steps: 10 });
    await page.mouse.up();
    await page.waitForFunction(() => document.querySelector('[data-testid="chart"]')?.dataset.loading === 'false', null, T);
    after = await chartState();
  }
  assert.ok(after.bars > loaded.bars, `older bars loaded on scroll-back: ${loaded.bars} -> ${after.bars}`);
  const older = marketCalls.slice(callsAtLoad).filter(([p, b]) => p === 'history-kline' && b.kl_type === 1);
  assert.ok(older.length > 0 && older.every(([, b]) => b.end_time < loadedFrom), `older windows requested, before ${loadedFrom}: ${JSON.stringify(older.map(([, b]) => b.end_time))}`);
  await snapOf(tid('chart'), 'chart-scrolled-back');
});

test('the order book shows 10 levels a side from pushes, and a click on a price fills the ticket', async () => {
  await page.waitForFunction(() => document.querySelector('[data-testid="orderbook"]')?.dataset.levels === '10/10', null, T);
  assert.equal(await tid('orderbook').locator('tbody tr[data-testid^="book-ask-"]').count(), 10);
  assert.equal(await tid('orderbook').locator('tbody tr[data-testid^="book-bid-"]').count(), 10);
  assert.ok(frames.some((f) => f.type === 'quote' && f.proto_id === 3013 && f.sec_key === 'HK.00700'), 'order book frames (3013)');
  // Asks above bids, prices falling down the table.
  const prices = await tid('orderbook').locator('[data-testid^="book-price-"]').evaluateAll((bs) => bs.map((b) => Number(b.textContent.replace(/,/g, ''))));
  assert.equal(prices.length, 20);
  assert.ok(prices.every((p, i) => i === 0 || p < prices[i - 1]), `levels in price order: ${prices.join(' ')}`);
  // Pushes move it.
  const before = await tid('orderbook').locator('tbody').textContent();
  await page.waitForFunction((t) => document.querySelector('[data-testid="orderbook"] tbody')?.textContent !== t, before, T);

  await tid('ticket-symbol').selectOption('HK.00700');
  await tid('ticket-type').selectOption('ORDER_TYPE_MARKET');
  // Read the price and click in one go: the book re-renders on every push.
  const clicked = await page.evaluate(() => {
    const b = document.querySelector('[data-testid="book-price-ask-3"]');
    const text = b.textContent;
    b.click();
    return text;
  });
  await page.waitForFunction((v) => document.querySelector('[data-testid="ticket-price"]')?.value === v, String(Number(clicked.replace(/,/g, ''))), T);
  assert.equal(await tid('ticket-type').inputValue(), 'ORDER_TYPE_NORMAL', 'a clicked price makes the ticket a limit order');
  await snapOf(tid('orderbook'), 'orderbook');
});

test('time and sales lists the latest trades from pushes, newest first', async () => {
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="ticker"]')?.dataset.rows) >= 5, null, T);
  assert.ok(frames.some((f) => f.type === 'quote' && f.proto_id === 3011 && f.sec_key === 'HK.00700'), 'ticker frames (3011)');
  const top = await tid('ticker').locator('[data-testid="tick"]').first().textContent();
  await page.waitForFunction((t) => document.querySelector('[data-testid="ticker"] [data-testid="tick"]')?.textContent !== t, top, T);
  const times = await tid('ticker').locator('[data-testid="tick"] td:first-child').allTextContents();
  assert.ok(times.every((t, i) => i === 0 || t <= times[i - 1]), `newest first: ${times.slice(0, 8).join(' ')}`);
  assert.ok(times.length <= 60, 'a bounded list');
  await snapOf(tid('ticker'), 'time-and-sales');
});

test('the status bar shows each market state, times in the market zone, without polling fast', async () => {
  await page.waitForFunction(() => document.querySelector('[data-testid="market-state-HK"]') && document.querySelector('[data-testid="market-state-US"]'), null, T);
  const hk = await tid('market-state-HK').textContent();
  const us = await tid('market-state-US').textContent();
  assert.match(hk, /HK: (Closed|Morning trading|Lunch break|Afternoon trading|Auction|Waiting to open|Closing auction|[A-Z][a-z -]+) \d\d:\d\d HKT/);
  assert.match(us, /US: [A-Z][A-Za-z -]+ \d\d:\d\d ET/);
  const state = await tid('market-state-HK').getAttribute('data-state');
  assert.match(state, /^QOT_MARKET_STATE_/, 'the state as /api/global-state names it');
  // Read on mount and every 30 s: a page open for well under a minute has read it at most twice.
  const opened = globalStateCalls[0];
  const inWindow = globalStateCalls.filter((t) => t - opened < 25_000).length;
  assert.ok(globalStateCalls.length >= 1 && inWindow <= 2, `global state read ${globalStateCalls.length} times`);
  console.log(`# market state: ${hk.trim()} ${us.trim()}`);
  await snapOf(page.locator('header.topbar'), 'market-state');
});

test('the intraday view and the HK broker queue load and follow pushes', async () => {
  await page.waitForFunction(() => {
    const rt = document.querySelector('[data-testid="rt"]');
    return rt?.dataset.sec === 'HK.00700' && Number(rt.dataset.points) > 0;
  }, null, T);
  assert.ok(marketCalls.some(([p, b]) => p === 'subscribe' && b.security_list?.[0]?.code === '00700' && [5, 14].every((t) => b.sub_type_list.includes(t))), 'RT and broker queue subscribed for HK.00700');
  assert.ok(marketCalls.some(([p]) => p === 'rt'), '/api/rt read');
  assert.ok((await tid('rt').locator('canvas').count()) > 0, 'the intraday line is drawn');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="broker-queue"]')?.dataset.count) > 0, null, T);
  assert.ok((await tid('broker-queue').locator('li').count()) > 0, 'brokers listed');
  const rtPushes = frames.filter((f) => f.type === 'quote' && f.proto_id === 3009).length;
  const brokerPushes = frames.filter((f) => f.type === 'quote' && f.proto_id === 3015).length;
  console.log(`# intraday: ${await tid('rt').getAttribute('data-points')} points, ${rtPushes} RT pushes; broker queue: ${await tid('broker-queue').getAttribute('data-count')} brokers, ${brokerPushes} broker pushes`);
  await snapOf(tid('rt'), 'intraday');
  await snapOf(tid('broker-queue'), 'broker-queue');
});

test("the Futu watchlist shows the user's groups; without qot:write the changes are explained, not offered", async () => {
  await page.waitForFunction(() => document.querySelector('[data-testid="futu-watchlist"]')?.dataset.loaded === 'true', null, T);
  assert.equal(await tid('futu-group').inputValue(), 'Favourites', 'the first custom group');
  const groups = await tid('futu-group').locator('option').evaluateAll((os) => os.map((o) => o.value));
  assert.ok(['Favourites', 'Watching', 'All', 'US'].every((g) => groups.includes(g)), `groups: ${groups}`);
  for (const k of ['HK.00700', 'HK.09988', 'US.AAPL', 'US.MSFT']) await tid(`futu-sec-${k}`).waitFor(T);
  // The key has qot:read only: add and remove are disabled and the note says why.
  assert.match(await tid('futu-scope-note').textContent(), /qot:write/);
  assert.equal(await tid('futu-add').isDisabled(), true);
  assert.equal(await tid('futu-remove-HK.09988').isDisabled(), true);
  await snapOf(tid('futu-watchlist'), 'futu-watchlist-read-only');
  // A security of the group opens on the panel (and joins the local watchlist).
  await tid('futu-sec-HK.09988').getByRole('button', { name: 'Show HK.09988' }).click();
  await tid('quote-row-HK.09988').waitFor(T);
  await page.waitForFunction(() => document.querySelector('[data-testid="chart"]')?.dataset.sec === 'HK.09988', null, T);
  await tid('quote-row-HK.00700').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="chart"]')?.dataset.sec === 'HK.00700', null, T);
  // The chosen group is kept across a reload (its name only, in localStorage).
  await tid('futu-group').selectOption('Watching');
  await page.waitForFunction(() => document.querySelector('[data-testid="futu-watchlist"]')?.dataset.loaded === 'true', null, T);
  await page.reload();
  await tid('ws-status').getByText('WS live').waitFor(T);
  await page.waitForFunction(() => document.querySelector('[data-testid="futu-watchlist"]')?.dataset.group === 'Watching', null, T);
  const local = await page.evaluate(() => ({ ...localStorage }));
  assert.deepEqual(local, { 'futugw.futuGroup': 'Watching' }, 'only the group name in localStorage');
  assert.ok(!JSON.stringify(local).includes(sessionKey) && !JSON.stringify(local).includes(parentKey), 'no key in localStorage');
});

test('with a qot:write key, a security is added to and removed from a Futu group', async () => {
  const writer = await stack.api('/api/admin/keys', {
    method: 'POST',
    body: JSON.stringify({ id: `e2e-qotwrite-${Date.now()}`, scopes: ['qot:read', 'qot:write', 'acc:read'], expires_in: '1h' }),
  });
  const sess = await stack.api('/api/auth/session', { method: 'POST', body: '{}' }, writer.key);
  const tab = await ctx.newPage();
  await watchTab(tab);
  const t2 = (id) => tab.getByTestId(id);
  try {
    await tab.goto(`${stack.url}/#session=${sess.key}`);
    await t2('ws-status').getByText('WS live').waitFor(T);
    // The group chosen in the first tab (localStorage is the origin's).
    await tab.waitForFunction(() => {
      const w = document.querySelector('[data-testid="futu-watchlist"]');
      return w?.dataset.group === 'Watching' && w.dataset.loaded === 'true';
    }, null, T);
    assert.equal(await t2('futu-scope-note').count(), 0, 'no scope note for a qot:write key');
    await t2('futu-input').fill('US.AAPL');
    await t2('futu-add').click();
    await t2('futu-sec-US.AAPL').waitFor(T);
    assert.match(await t2('futu-note').textContent(), /US\.AAPL added to Watching/);
    await t2('futu-sec-US.AAPL').getByText('Apple Inc.').waitFor(T);
    const onServer = await stack.api('/api/user-security', { method: 'POST', body: JSON.stringify({ group_name: 'Watching' }) }, writer.key);
    assert.ok(onServer.static_info_list.some((s) => s.basic.security.code === 'AAPL'), 'the group changed in Futu');
    await snapOf(t2('futu-watchlist'), 'futu-watchlist-added');
    await t2('futu-remove-US.AAPL').click();
    await t2('futu-sec-US.AAPL').waitFor({ state: 'detached', ...T });
    const after = await stack.api('/api/user-security', { method: 'POST', body: JSON.stringify({ group_name: 'Watching' }) }, writer.key);
    assert.ok(!(after.static_info_list ?? []).some((s) => s.basic.security.code === 'AAPL'), 'and back');
    assert.deepEqual(await tab.evaluate(() => window.__csp ?? []), [], 'no CSP violations in the second tab');
  } finally {
    await t2('logout').click().catch(() => {});
    await tab.close();
  }
});

test("positions' P/L follows the quote pushes of the held security", async () => {
  // A filled market buy on the simulated US account (1002), through the stack with a key of its own.
  const trader = await stack.api('/api/admin/keys', {
    method: 'POST',
    body: JSON.stringify({ id: `e2e-trader-${Date.now()}`, scopes: ['qot:read', 'acc:read', 'trade:simulate'], expires_in: '1h' }),
  });
  const placed = await stack.api('/api/order', {
    method: 'POST',
    headers: { 'Idempotency-Key': `e2e-pl-${Date.now()}` },
    body: JSON.stringify({ trd_env: 'TRD_ENV_SIMULATE', acc_id: '1002', trd_market: 'TRD_MARKET_US', code: 'AAPL', trd_side: 'TRD_SIDE_BUY', order_type: 'ORDER_TYPE_MARKET', qty: 10 }),
  }, trader.key);
  assert.ok(placed.order_id);
  const ref = { trd_env: 'TRD_ENV_SIMULATE', acc_id: '1002', trd_market: 'TRD_MARKET_US' };
  let held = null;
  for (let i = 0; i < 50 && !held; i++) {
    const r = await stack.api('/api/positions', { method: 'POST', body: JSON.stringify(ref) }, trader.key);
    held = (r.positions ?? []).find((p) => p.code === 'AAPL' && p.qty > 0) ?? null;
    if (!held) await new Promise((res) => setTimeout(res, 200));
  }
  assert.ok(held, 'the buy filled into a position');
  try {
    await tid('view-account').selectOption('1002');
    const row = tid('position-AAPL');
    await row.waitFor(T);
    await page.waitForFunction(() => document.querySelector('[data-testid="position-AAPL"]')?.dataset.live === 'true', null, T);
    const read = () =>
      row.evaluate((tr) => {
        const n = (td) => Number(td.textContent.replace(/[,+]/g, ''));
        const tds = tr.querySelectorAll('td');
        return { qty: n(tds[1]), price: n(tds[3]), cost: n(tds[4]), pl: n(tds[5]) };
      });
    const a = await read();
    // The row's P/L is (current − cost) × qty, from the shown price (rounded to 3 decimals).
    assert.ok(Math.abs(a.pl - (a.price - a.cost) * a.qty) <= a.qty * 0.001 + 0.011, `P/L ${JSON.stringify(a)}`);
    const first = await tid('position-pl-AAPL').textContent();
    await page.waitForFunction((t) => document.querySelector('[data-testid="position-pl-AAPL"]')?.textContent !== t, first, T);
    const b = await read();
    assert.ok(Math.abs(b.pl - (b.price - b.cost) * b.qty) <= b.qty * 0.001 + 0.011, `P/L moved with the quote ${JSON.stringify(b)}`);
    console.log(`# live P/L: ${first.trim()} -> ${b.pl} (qty ${b.qty}, cost ${b.cost}, price ${a.price} -> ${b.price})`);
    await snapOf(page.locator('.area-account'), 'positions-live-pl');
  } finally {
    await tid('view-account').selectOption('1001');
    await tid('orders-account').getByText('account 1001').waitFor(T);
  }
});

test('switches to simplified Chinese and back: strings and number formats change, the choice is kept', async () => {
  await axeCheck(page, 'panel, English');
  const volumeText = () => page.evaluate(() => [...document.querySelectorAll('[data-testid="watchlist"] tbody td:nth-child(5)')].map((td) => td.textContent).join(' '));
  assert.match(await tid('market-state-HK').textContent(), /HK: .* HKT/);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en-US');
  const typeOption = tid('ticket-type').locator('option[value="ORDER_TYPE_NORMAL"]');
  assert.equal(await typeOption.textContent(), 'Limit');
  await page.getByRole('heading', { name: "Today's orders" }).waitFor(T);
  await tid('lang-switch').selectOption('zh');
  await page.getByRole('heading', { name: '自选股' }).waitFor(T);
  await page.getByRole('heading', { name: '资金与持仓' }).waitFor(T);
  // The ticket and the orders, fills, history and cash flow areas follow.
  await page.getByRole('heading', { name: '下单', exact: true }).waitFor(T);
  assert.equal(await typeOption.textContent(), '限价单');
  assert.equal(await tid('ticket-tif').locator('option[value="TIME_IN_FORCE_GTC"]').textContent(), '撤单前有效');
  await page.getByRole('heading', { name: '今日订单' }).waitFor(T);
  await page.getByRole('heading', { name: '今日成交' }).waitFor(T);
  await page.getByRole('heading', { name: '现金流水' }).waitFor(T);
  assert.match(await tid('cancel-all').textContent(), /全部撤单/);
  assert.match(await tid('key-limits').textContent(), /密钥限制/);
  assert.match(await tid('market-state-HK').textContent(), /港股: .* 香港时间/);
  assert.match(await tid('market-state-US').textContent(), /美股: .* 美东时间/);
  assert.match(await tid('ws-status').textContent(), /WS 实时/);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  // Volumes in 万 / 亿 (English shows K / M / B).
  await page.waitForFunction(() => /[万亿]/.test(document.querySelector('[data-testid="watchlist"] tbody')?.textContent ?? ''), null, T);
  console.log(`# volumes in Chinese: ${await volumeText()}`);
  await snap('language-zh');
  await axeCheck(page, 'panel, Chinese');
  // Kept across a reload.
  await page.reload();
  await tid('ws-status').getByText('WS 实时').waitFor(T);
  assert.equal(await page.evaluate(() => localStorage.getItem('futugw.lang')), 'zh');
  await tid('lang-switch').selectOption('en');
  await page.getByRole('heading', { name: 'Watchlist', exact: true }).waitFor(T);
  await tid('ws-status').getByText('WS live').waitFor(T);
  assert.equal(await typeOption.textContent(), 'Limit');
  await page.getByRole('heading', { name: "Today's orders" }).waitFor(T);
  await page.waitForFunction(() => /\d[KMB]/.test(document.querySelector('[data-testid="watchlist"] tbody')?.textContent ?? ''), null, T);
  console.log(`# volumes in English: ${await volumeText()}`);
});

test('at 1280x800 the chart, book and ticket fit side by side', async () => {
  await page.setViewportSize({ width: 1280, height: 800 });
  try {
    await page.waitForFunction(() => document.documentElement.scrollWidth <= 1280, null, T);
    for (const id of ['chart', 'orderbook', 'ticket']) {
      const b = await tid(id).boundingBox();
      assert.ok(b && b.x >= 0 && b.x + b.width <= 1280 && b.y < 800, `${id} within the viewport: ${JSON.stringify(b)}`);
    }
    shot++;
    await page.screenshot({ path: path.join(SHOTS, `${String(shot).padStart(2, '0')}-layout-1280x800.png`) });
  } finally {
    await page.setViewportSize({ width: 1360, height: 900 });
  }
});

// A second tab whose socket runs through Playwright, so the test can add frames the
// real stack only sends under load (a gap) or hold the book still.
test('a gap frame shows a notice that reloads trades; own resting orders are marked in the book', async () => {
  const tab = await ctx.newPage();
  await watchTab(tab);
  const routed = [];
  let holdBook = false;
  await tab.routeWebSocket(/\/ws$/, (ws) => {
    routed.push(ws);
    const server = ws.connectToServer();
    server.onMessage((m) => {
      if (holdBook && typeof m === 'string' && m.includes('"proto_id":3013')) return;
      ws.send(m);
    });
  });
  const sess = await stack.api('/api/auth/session', { method: 'POST', body: '{}' }, parentKey);
  const t2 = (id) => tab.getByTestId(id);
  try {
    await tab.goto(`${stack.url}/#session=${sess.key}`);
    await t2('ws-status').getByText('WS live').waitFor(T);
    await tab.waitForFunction(() => Number(document.querySelector('[data-testid="ticker"]')?.dataset.rows) >= 3, null, T);

    // The server names ticks it dropped for this socket with a gap frame.
    routed.at(-1).send(JSON.stringify({ type: 'gap', proto_id: 3011, sec_key: 'HK.00700', missed: 42 }));
    const notice = t2('ticker-gap');
    await notice.waitFor(T);
    assert.equal((await notice.textContent()).trim(), '42 trades missed — reload');
    // A gap of another security is not this list's.
    routed.at(-1).send(JSON.stringify({ type: 'gap', proto_id: 3011, sec_key: 'US.AAPL', missed: 5 }));
    await snapOf(t2('ticker'), 'time-and-sales-gap');
    const reloads = marketCalls.filter(([p]) => p === 'ticker').length;
    const answered = tab.waitForResponse((r) => r.url().endsWith('/api/ticker') && r.ok(), T);
    await notice.click();
    await answered;
    await notice.waitFor({ state: 'detached', ...T });
    assert.equal(marketCalls.filter(([p]) => p === 'ticker').length, reloads + 1, 'the notice reloaded /api/ticker');
    assert.ok(Number(await t2('ticker').getAttribute('data-rows')) >= 1);

    // A resting buy far below the market (a real order through the stack) ...
    await tab.waitForFunction(() => document.querySelector('[data-testid="ticket-account"] option[value="1001"]'), null, T);
    await t2('ticket-account').selectOption('1001');
    await t2('ticket-symbol').selectOption('HK.00700');
    await t2('ticket-side-buy').click();
    await t2('ticket-type').selectOption('ORDER_TYPE_NORMAL');
    await tab.waitForFunction(() => /\d/.test(document.querySelector('[data-testid="quote-price-HK.00700"]')?.textContent ?? ''), null, T);
    const last = Number((await t2('quote-price-HK.00700').textContent()).replace(/,/g, ''));
    const limit = Math.floor(last * 0.85 * 5) / 5;
    await t2('ticket-price').fill(limit.toFixed(1));
    await t2('ticket-qty').fill('100');
    await t2('ticket-review').click();
    await t2('ticket-confirm-send').click();
    const toast = t2('toast-success').filter({ hasText: 'order_id=' }).first();
    await toast.waitFor(T);
    const id = /order_id=(\d+)/.exec(await toast.textContent())[1];
    await tab.waitForFunction((oid) => /Submitted/.test(document.querySelector(`[data-testid="order-status-${oid}"]`)?.textContent ?? ''), id, T);
    // ... is listed under the book while the book is far from its price ...
    await t2('book-own-beyond').locator(`[data-order="${id}"]`).waitFor(T);
    await snapOf(t2('orderbook').locator('xpath=..'), 'orderbook-own-order-beyond');
    // ... and marked when the book holds its price: the real book moves on, so this
    // tab's pushes are held and a book around the order's price is pushed instead.
    holdBook = true;
    const tick = 0.2;
    const lv = (p, i) => ({ price: Number(p.toFixed(1)), volume: 100 * (i + 1), orederCount: i + 1 });
    const bids = Array.from({ length: 10 }, (_, i) => lv(limit + (2 - i) * tick, i));
    const asks = Array.from({ length: 10 }, (_, i) => lv(limit + (3 + i) * tick, i));
    routed.at(-1).send(JSON.stringify({ type: 'quote', proto_id: 3013, sec_key: 'HK.00700', body_b64: orderBookBody({ market: 1, code: '00700' }, asks, bids) }));
    const mark = t2('book-bid-2').locator(`[data-testid="book-own"][data-order="${id}"]`);
    await mark.waitFor(T);
    assert.equal((await mark.textContent()).trim(), 'B 100');
    assert.equal(await t2('orderbook').locator('[data-testid="book-own"]').count(), 1, 'marked at its price only');
    assert.equal(await t2('book-own-beyond').count(), 0, 'no longer listed beyond the book');
    await snapOf(t2('orderbook'), 'orderbook-own-order');
    holdBook = false;

    await t2(`order-cancel-${id}`).click();
    await t2(`order-cancel-confirm-${id}`).click();
    await tab.waitForFunction((oid) => /Cancelled/.test(document.querySelector(`[data-testid="order-status-${oid}"]`)?.textContent ?? ''), id, T);
    // A cancelled order is no longer marked (the next real book push redraws it).
    await tab.waitForFunction(() => document.querySelectorAll('[data-testid="book-own"]').length === 0, null, T);

    // The chart's forming bar: a K-line push for a day after the last one appends a
    // bar, the next push of that day updates it (pushes the real stack sends only in a
    // market's session).
    await tab.waitForFunction(() => {
      const c = document.querySelector('[data-testid="chart"]');
      return c?.dataset.period === 'day' && c.dataset.loading === 'false' && Number(c.dataset.bars) > 0;
    }, null, T);
    const chart2 = t2('chart');
    const bars0 = Number(await chart2.getAttribute('data-bars'));
    const lastDay = (await chart2.getAttribute('data-last')).slice(0, 10);
    const next = new Date(Date.parse(`${lastDay}T00:00:00Z`) + 86400_000).toISOString().slice(0, 10) + ' 00:00:00';
    const sendBar = (close) =>
      routed.at(-1).send(JSON.stringify({
        type: 'quote', proto_id: 3007, sec_key: 'HK.00700',
        body_b64: klBody({ market: 1, code: '00700' }, 2, { time: next, openPrice: 400, highPrice: 420, lowPrice: 390, closePrice: close, volume: 12345 }),
      }));
    sendBar(410);
    await tab.waitForFunction(([n, t]) => {
      const c = document.querySelector('[data-testid="chart"]');
      return Number(c?.dataset.bars) === n + 1 && c.dataset.last === `${t} 410`;
    }, [bars0, next], T);
    sendBar(415.2);
    await tab.waitForFunction((t) => document.querySelector('[data-testid="chart"]')?.dataset.last === `${t} 415.2`, next, T);
    assert.equal(Number(await chart2.getAttribute('data-bars')), bars0 + 1, 'the same bar updated, not a new one');
    await snapOf(chart2, 'chart-live-bar');

    const inTab = await tab.evaluate(() => window.__csp ?? []);
    assert.deepEqual(inTab, [], 'no CSP violations in the second tab');
  } finally {
    await t2('logout').click().catch(() => {});
    await tab.close();
  }
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
  await axeCheck(page, 'login');
});

test('no Content-Security-Policy violations (no eval, no inline code)', async () => {
  const inPage = await page.evaluate(() => window.__csp ?? []);
  assert.deepEqual([...cspViolations, ...inPage], []);
});

test('no console errors besides the answers the tests provoke', async () => {
  // Chromium logs a refused request itself ("Failed to load resource: ... 429 (url)"):
  // the rate-limit test provokes one on purpose, on POST /api/order. Only that one is
  // allowed: a 429 anywhere else (a paced read) fails the test.
  const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const expected = new RegExp(`^Failed to load resource: the server responded with a status of 429\\b.*\\(${esc(stack.url)}/api/order\\)$`);
  const provoked = consoleErrors.filter((e) => expected.test(e));
  console.log(`# console errors: ${consoleErrors.length} (${provoked.length} provoked 429 on /api/order)`);
  assert.deepEqual(consoleErrors.filter((e) => !expected.test(e)), []);
  assert.ok(provoked.length <= 1, `one provoked 429, not ${provoked.length}`);
});

const futuProto = (() => {
  const dir = path.join(path.dirname(createRequire(import.meta.url).resolve('futu-api/package.json')), 'proto');
  const root = new protobuf.Root();
  root.resolvePath = (_o, target) => path.join(dir, path.basename(target));
  root.loadSync(['Qot_UpdateOrderBook.proto', 'Qot_UpdateKL.proto'], { keepCase: true });
  return root;
})();

/** klBody encodes a 3007 push body (Qot_UpdateKL.Response) of one bar. */
function klBody(security, klType, bar) {
  const T = futuProto.lookupType('Qot_UpdateKL.Response');
  const bytes = T.encode(T.fromObject({ retType: 0, s2c: { rehabType: 1, klType, security, klList: [{ isBlank: false, ...bar }] } })).finish();
  return Buffer.from(bytes).toString('base64');
}

/** orderBookBody encodes a 3013 push body (Qot_UpdateOrderBook.Response) with Futu's official definitions. */
function orderBookBody(security, asks, bids) {
  const T = futuProto.lookupType('Qot_UpdateOrderBook.Response');
  const bytes = T.encode(T.fromObject({ retType: 0, s2c: { security, orderBookAskList: asks, orderBookBidList: bids } })).finish();
  return Buffer.from(bytes).toString('base64');
}
