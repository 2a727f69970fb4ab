// Futu's official JavaScript SDK (npm futu-api, unchanged) in Debian's Chromium,
// through Caddy, against the real stack: a page on another origin (a static site of
// its own, served by Caddy over HTTPS) bundles the package with esbuild, Node's `util`
// and `crypto` aliased to the tiny shims in sdk-page/, and connects with
// `new ftWebsocket().start('localhost', <the SDK site's port>, true, key)` to
// deploy/Caddyfile's SDK site in front of the edge's -sdk-addr. The page logs in,
// reads GetGlobalState, subscribes (Qot_Sub) and receives the 3005 push, reads day
// K-lines, lists accounts, places and cancels a simulated order, has an order over its
// key's max_order_value and a real-account order (without trade:real) refused with
// retType -1 and the reason, and its socket closes (4003) when the key is revoked.
// Run with `npm run e2e` (node --test).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { startStack, freePort, WEB } from './stack.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const MAX_VALUE = 200_000; // the key's max_order_value (HKD): one lot of HK.00700 at the page's price is under it
const testGlobals = '{\n\tadmin off\n\tskip_install_trust\n\thttp_port {$CADDY_HTTP_PORT}\n\thttps_port {$CADDY_HTTPS_PORT}\n}\n';

let stack;
let browser;
let work;
let appOrigin;
let sdkPort;
let edgeSDK;

/** bundle writes the page's script, futu-api included, to out. */
async function bundle(out) {
  await build({
    absWorkingDir: WEB,
    entryPoints: [path.join(here, 'sdk-page', 'page.js')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    alias: { util: path.join(here, 'sdk-page', 'util.js'), crypto: path.join(here, 'sdk-page', 'crypto.js') },
    outfile: out,
    logLevel: 'error',
  });
}

before(async () => {
  stack = await startStack();
  work = mkdtempSync(path.join(tmpdir(), 'futugw-sdkweb-'));
  const appDir = path.join(work, 'app');
  mkdirSync(appDir);
  await bundle(path.join(appDir, 'sdk.js'));
  writeFileSync(path.join(appDir, 'index.html'),
    '<!doctype html><meta charset="utf-8"><title>futu-api in the browser</title>' +
    '<h1>futu-api (ftWebsocket) through Caddy</h1><ol id="steps"></ol><script src="sdk.js"></script>');
  const appCaddyfile = path.join(work, 'app.Caddyfile');
  writeFileSync(appCaddyfile, `${testGlobals}{$FUTUGW_SITE} {\n\troot * ${appDir}\n\tfile_server\n}\n`);
  appOrigin = await stack.startCaddy('caddy-sdkapp', '127.0.0.1:1', { caddyfile: appCaddyfile });

  // An edge whose SDK listener (same Origin policy as /ws) admits the page's origin,
  // and deploy/Caddyfile's SDK site in front of it.
  edgeSDK = `127.0.0.1:${await freePort()}`;
  const edge = await stack.startEdge('edge-sdkweb', ['-cors-origins', appOrigin, '-sdk-addr', edgeSDK]);
  sdkPort = await freePort();
  await stack.startCaddy('caddy-sdk', edge, { env: { FUTUGW_SDK_SITE: `https://localhost:${sdkPort}`, SDK_UPSTREAM: edgeSDK } });

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--ignore-certificate-errors'],
  });
});

after(async () => {
  await browser?.close().catch(() => {});
  await stack?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('the official SDK in Chromium through Caddy: quotes, a simulated order, refusals, revocation', { timeout: 120_000 }, async (t) => {
  const id = `e2e-sdkweb-${Date.now()}`;
  const { key } = await stack.api('/api/admin/keys', {
    method: 'POST',
    body: JSON.stringify({ id, scopes: ['qot:read', 'acc:read', 'trade:simulate'], limits: { max_order_value: MAX_VALUE }, expires_in: '1h' }),
  });
  const ctx = await browser.newContext({ ignoreHTTPSErrors: true });
  try {
    const page = await ctx.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${appOrigin}/`);
    await page.evaluate((cfg) => { window.runSDK(cfg); }, { host: 'localhost', port: sdkPort, key, maxOrderValue: MAX_VALUE });
    const steps = () => page.evaluate(() => window.sdk.steps);
    const wait = (fn, arg, what) => page.waitForFunction(fn, arg, { timeout: 60_000 }).catch(async (e) => {
      throw new Error(`${what}: ${e.message}\nsteps: ${JSON.stringify(await steps(), null, 1)}\npage errors: ${errors.join('; ')}\nlogs in ${stack.logs}`);
    });
    await wait(() => window.sdk.awaitingRevoke || window.sdk.done, null, 'the trade steps');
    assert.equal(await page.evaluate(() => window.sdk.done), false, `a step failed: ${JSON.stringify(await steps(), null, 1)}`);

    const asked = Date.now();
    await stack.api(`/api/admin/keys/${encodeURIComponent(id)}`, { method: 'DELETE' });
    await wait(() => window.sdk.done, null, 'the close after the revocation');
    const got = await steps();
    const at = await page.evaluate(() => window.sdk.closedAt);
    await page.screenshot({ path: path.join(stack.dir, 'sdk-page.png'), fullPage: true });

    for (const s of got) t.diagnostic(`${s.ok ? 'ok  ' : 'FAIL'} ${s.name}: ${JSON.stringify(s.detail)}`);
    for (const s of got) assert.ok(s.ok, `${s.name}: ${JSON.stringify(s.detail)}`);
    assert.deepEqual(got.map((s) => s.name), [
      'login', 'GetGlobalState', 'Qot_Sub', 'Qot_UpdateBasicQot push', 'Qot_RequestHistoryKL', 'Trd_GetAccList',
      'Trd_PlaceOrder simulated', 'Trd_ModifyOrder cancel', 'order over max_order_value refused',
      'real-account order refused without trade:real',
      'revoke closes the socket',
    ]);
    const detail = Object.fromEntries(got.map((s) => [s.name, s.detail]));
    assert.ok(detail['Qot_UpdateBasicQot push'] > 0, 'the push carries a price');
    assert.match(detail['order over max_order_value refused'], /exceeds this key's max_order_value .*\(reason max_order_value\)/);
    assert.match(detail['real-account order refused without trade:real'], /trade:real .*\(reason scope_denied\)/);
    assert.equal(detail['revoke closes the socket'], 4003, 'closed as revoked');
    assert.ok(at - asked < 5000, `closed ${at - asked} ms after the revocation was asked for`);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

test('the SDK listener refuses the page\'s socket when its origin is not in -cors-origins', { timeout: 60_000 }, async () => {
  // The same page and Caddy site, in front of an edge with the default Origin policy.
  const plainSDK = `127.0.0.1:${await freePort()}`;
  const edge = await stack.startEdge('edge-sdkplain', ['-sdk-addr', plainSDK]);
  const plainPort = await freePort();
  await stack.startCaddy('caddy-sdkplain', edge, { env: { FUTUGW_SDK_SITE: `https://localhost:${plainPort}`, SDK_UPSTREAM: plainSDK } });
  const ctx = await browser.newContext({ ignoreHTTPSErrors: true });
  try {
    const page = await ctx.newPage();
    await page.goto(`${appOrigin}/`);
    const probe = (port) => page.evaluate((p) => new Promise((resolve) => {
      const ws = new WebSocket(`wss://localhost:${p}`);
      let opened = false;
      ws.onopen = () => { opened = true; ws.close(); };
      ws.onclose = (ev) => resolve({ opened, code: ev.code });
    }), port);
    assert.deepEqual(await probe(plainPort), { opened: false, code: 1006 }, 'the default edge refuses the page\'s origin');
    assert.equal((await probe(sdkPort)).opened, true, 'the edge with -cors-origins admits it');
  } finally {
    await ctx.close();
  }
});
