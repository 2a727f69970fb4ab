// The panel in Debian's Chromium against the docker compose stack, through compose's
// Caddy over HTTPS. Run by drills/compose_test.go (`make compose-test`), not by
// `npm run e2e` (its name does not match node --test's patterns):
//
//   FUTUGW_URL=https://localhost FUTUGW_SESSION=fk_... node e2e/compose-panel.mjs
//
// It logs in with the session URL, waits for the live WebSocket and a changing quote,
// places a simulated limit order after the confirmation step, sees it listed with its
// pushed status, cancels it and logs out. Exit status 0 means every step passed.
// E2E_SCREENSHOTS=dir keeps a screenshot per step.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const URL_ = process.env.FUTUGW_URL || 'https://localhost';
const SESSION = process.env.FUTUGW_SESSION;
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const SHOTS = process.env.E2E_SCREENSHOTS || '';
const T = { timeout: 30_000 };
if (!SESSION) {
  console.error('compose-panel: FUTUGW_SESSION (a session key) is required');
  process.exit(2);
}

const userDataDir = mkdtempSync(path.join(tmpdir(), 'futugw-compose-chromium-'));
const ctx = await chromium.launchPersistentContext(userDataDir, {
  executablePath: CHROMIUM,
  headless: true,
  ignoreHTTPSErrors: true,
  viewport: { width: 1360, height: 900 },
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run', '--ignore-certificate-errors',
  ],
});
const page = ctx.pages()[0] ?? (await ctx.newPage());
const tid = (id) => page.getByTestId(id);
const frames = [];
page.on('websocket', (ws) => {
  ws.on('framereceived', (f) => {
    try {
      frames.push(JSON.parse(typeof f.payload === 'string' ? f.payload : f.payload.toString()));
    } catch {
      /* not JSON */
    }
  });
});
let shot = 0;
async function snap(name) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `compose-${String(++shot).padStart(2, '0')}-${name}.png`), fullPage: true });
}
async function step(name, fn) {
  const t0 = Date.now();
  await fn();
  console.log(`compose-panel: ok  ${name} (${Date.now() - t0} ms)`);
  await snap(name.replace(/[^a-z0-9]+/gi, '-'));
}

let failed = false;
try {
  await step('logs in over HTTPS with the session URL (HSTS from Caddy, CSP from the edge)', async () => {
    const res = await page.goto(`${URL_}/#session=${SESSION}`);
    assert.equal(res.status(), 200);
    assert.match(res.headers()['strict-transport-security'] ?? '', /max-age=\d+/);
    assert.match(res.headers()['content-security-policy'] ?? '', /script-src 'self'/);
    await tid('ws-status').getByText('WS live').waitFor(T);
    assert.equal(new URL(page.url()).hash, '', 'the fragment is removed from the address bar');
  });

  await step('shows a live, changing quote decoded from WebSocket frames', async () => {
    await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid="quote-price-HK.00700"]')?.textContent ?? ''), null, T);
    const first = await tid('quote-price-HK.00700').textContent();
    await page.waitForFunction(
      (v) => {
        const t = document.querySelector('[data-testid="quote-price-HK.00700"]')?.textContent;
        return t && t !== v;
      },
      first,
      T,
    );
    assert.ok(frames.some((f) => f.type === 'quote' && f.sec_key === 'HK.00700' && f.body_b64), 'quote frames over wss');
  });

  let orderId;
  await step('places a simulated limit order after the confirmation step', async () => {
    await tid('ticket-account').selectOption('1001');
    await tid('ticket-symbol').selectOption('HK.00700');
    await tid('ticket-side-buy').click();
    await tid('ticket-type').selectOption('ORDER_TYPE_NORMAL');
    const last = Number((await tid('quote-price-HK.00700').textContent()).replace(/,/g, ''));
    await tid('ticket-price').fill((Math.floor(last * 0.9 * 5) / 5).toFixed(1)); // rests on the book
    await tid('ticket-qty').fill('100');
    await tid('ticket-review').click();
    await tid('confirm-summary').waitFor(T);
    await tid('ticket-confirm-send').click();
    const toast = tid('toast-success').filter({ hasText: 'order_id=' }).first();
    await toast.waitFor(T);
    orderId = /order_id=(\d+)/.exec(await toast.locator('span').first().textContent())[1];
    assert.ok(orderId);
  });

  await step('lists the order with its pushed status', async () => {
    await tid(`order-row-${orderId}`).waitFor(T);
    await page.waitForFunction((id) => /Submitted/.test(document.querySelector(`[data-testid="order-status-${id}"]`)?.textContent ?? ''), orderId, T);
    assert.ok(frames.some((f) => f.type === 'trade' && f.proto_id === 2208 && f.acc_id === '1001'), 'order pushes (2208) on the socket');
  });

  await step('cancels the order', async () => {
    await tid(`order-cancel-${orderId}`).click();
    await tid(`order-cancel-confirm-${orderId}`).click();
    await page.waitForFunction((id) => /Cancelled/.test(document.querySelector(`[data-testid="order-status-${id}"]`)?.textContent ?? ''), orderId, T);
  });

  await step('logs out', async () => {
    await tid('logout').click();
    await tid('login-form').waitFor(T);
    const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage }));
    assert.ok(!stored.includes(SESSION), 'session key removed');
  });
} catch (e) {
  failed = true;
  console.error(`compose-panel: FAILED: ${e.stack ?? e}`);
  await snap('failure').catch(() => {});
} finally {
  await ctx.close().catch(() => {});
  rmSync(userDataDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
