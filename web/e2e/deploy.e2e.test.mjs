// Deployment end to end: the shipped Caddyfile's certificates and private endpoints,
// and both ways of doing CORS for a page served from another origin (the user's
// design note: its client code, its Caddy `header` block), in Debian's Chromium
// against the real stack. Run with `npm run e2e` (node --test).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import https from 'node:https';
import tls from 'node:tls';
import { chromium } from 'playwright-core';
import protobuf from 'protobufjs';
import { startStack, REPO } from './stack.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CADDYFILE = path.join(REPO, 'deploy', 'Caddyfile');
const T = { timeout: 20_000 };

let stack;
let browser;
let appOrigin;
let sessionKey;
let work;

// The design note's client code (seed-browser-case.txt), TypeScript types removed, the
// React hook as a plain function; API and WS_URL are filled in per setup.
const noteClient = (api) => `
const API = '${api}'
const WS_URL = '${api.replace('https://', 'wss://')}/ws'
const token = () => sessionStorage.getItem('futu_token')
async function apiPost(path, body) {
  const res = await fetch(\`\${API}\${path}\`, {
    method: 'POST',
    headers: {
      'Authorization': \`Bearer \${token()}\`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify(body),
  })
  if (res.status === 401) throw new Error('token 过期,请重新登录')
  if (res.status === 403) throw new Error('scope 不够')
  if (res.status === 429) {
    const err = await res.json()
    throw new Error(\`限额触发:\${err.error}\`)
  }
  if (!res.ok) throw new Error(await res.text())
  return res.json()
}
const parseSymbol = (s) => ({ market: s.startsWith('HK.') ? 1 : 11, code: s.slice(3) })
window.events = []
window.socket = { opened: false, closed: null }
window.useQuoteSubscription = (symbols) => {
  const subscribed = apiPost('/api/subscribe', {
    security_list: symbols.map(parseSymbol),
    sub_type_list: [1],
  })
  const ws = new WebSocket(\`\${WS_URL}?token=\${token()}\`)
  ws.onopen = () => { window.socket.opened = true }
  ws.onclose = (ev) => { window.socket.closed = ev.code }
  ws.onmessage = (ev) => { window.events.push(JSON.parse(ev.data)) }
  return subscribed
}
window.onPlaceOrder = (body) => apiPost('/api/order', body)
`;

// Global options that place a test's Caddy on the ports stack.startCaddy picks.
const testGlobals = '{\n\tadmin off\n\tskip_install_trust\n\thttp_port {$CADDY_HTTP_PORT}\n\thttps_port {$CADDY_HTTPS_PORT}\n}\n';

// The note's Caddy block, verbatim but for the host names and the upstream.
const noteCaddyfile = (app) => `${testGlobals}{$FUTUGW_SITE} {
# 浏览器前端跨域
header {
Access-Control-Allow-Origin "${app}"
Access-Control-Allow-Methods "GET, POST, OPTIONS"
Access-Control-Allow-Headers "Authorization, Content-Type"
}
@preflight method OPTIONS
respond @preflight 204
reverse_proxy {$EDGE_UPSTREAM}
}
`;

/** get fetches url over HTTPS trusting any certificate (Caddy's local CA), following no redirect. */
function get(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { headers, rejectUnauthorized: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        const allowOrigin = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          if (res.rawHeaders[i].toLowerCase() === 'access-control-allow-origin') allowOrigin.push(res.rawHeaders[i + 1]);
        }
        resolve({ status: res.statusCode, body, allowOrigin });
      });
    });
    req.on('error', reject);
  });
}

function decodeBasicQot(b64) {
  const require = createRequire(import.meta.url);
  const dir = path.join(path.dirname(require.resolve('futu-api/package.json')), 'proto');
  const root = new protobuf.Root();
  root.resolvePath = (_o, t) => (path.isAbsolute(t) ? t : path.join(dir, t));
  root.loadSync('Qot_UpdateBasicQot.proto', { keepCase: true });
  return root.lookupType('Qot_UpdateBasicQot.Response').decode(Buffer.from(b64, 'base64'));
}

before(async () => {
  stack = await startStack();
  work = mkdtempSync(path.join(tmpdir(), 'futugw-deploy-'));
  // The app's origin: a static site of its own, served by Caddy over HTTPS.
  const appDir = path.join(work, 'app');
  mkdirSync(appDir);
  writeFileSync(path.join(appDir, 'index.html'), '<!doctype html><title>app</title><p>app</p>');
  const appCaddyfile = path.join(work, 'app.Caddyfile');
  writeFileSync(appCaddyfile, `${testGlobals}{$FUTUGW_SITE} {\n\troot * ${appDir}\n\tfile_server\n}\n`);
  appOrigin = await stack.startCaddy('caddy-app', '127.0.0.1:1', { caddyfile: appCaddyfile });

  const minted = await stack.api('/api/admin/keys', {
    method: 'POST',
    body: JSON.stringify({
      id: `e2e-deploy-${Date.now()}`,
      scopes: ['qot:read', 'acc:read', 'trade:simulate'],
      limits: { max_orders_per_minute: 20, max_order_value: 500000 },
      expires_in: '1h',
    }),
  });
  sessionKey = (await stack.api('/api/auth/session', { method: 'POST', body: '{}' }, minted.key)).key;
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

/** runNoteClient opens the app's page in a fresh context and runs the note's client against api. */
async function runNoteClient(api, { expectQuotes = true } = {}) {
  const ctx = await browser.newContext({ ignoreHTTPSErrors: true });
  try {
    const page = await ctx.newPage();
    await page.goto(`${appOrigin}/`);
    await page.addScriptTag({ content: noteClient(api) });
    await page.evaluate((k) => sessionStorage.setItem('futu_token', k), sessionKey);
    const rest = await page.evaluate(() =>
      window.useQuoteSubscription(['HK.00700']).then(() => 'ok', (e) => `error: ${e.message}`),
    );
    let quote = null;
    if (expectQuotes && rest === 'ok') {
      await page.waitForFunction(() => window.events.some((e) => e.type === 'quote'), null, T).catch(() => {});
      quote = await page.evaluate(() => window.events.find((e) => e.type === 'quote') ?? null);
    } else {
      await page.waitForFunction(() => window.socket.opened || window.socket.closed !== null, null, T);
    }
    const order = await page.evaluate(() =>
      window
        .onPlaceOrder({
          trd_env: 'TRD_ENV_SIMULATE', acc_id: '1001', trd_market: 'TRD_MARKET_HK', code: '00700',
          trd_side: 'TRD_SIDE_BUY', order_type: 'ORDER_TYPE_MARKET', qty: 100,
        })
        .then((r) => r, (e) => ({ error: e.message })),
    );
    const socket = await page.evaluate(() => window.socket);
    return { rest, quote, order, socket };
  } finally {
    await ctx.close();
  }
}

test('a local site gets its certificate from the internal CA, a real domain from a public ACME CA', async () => {
  const adapt = (site) => {
    const out = execFileSync('caddy', ['adapt', '--config', CADDYFILE, '--adapter', 'caddyfile'], {
      env: {
        ...process.env, FUTUGW_SITE: site, EDGE_UPSTREAM: '127.0.0.1:1',
        FUTUGW_SDK_SITE: site.split(',').map((s) => `${s.trim()}:33333`).join(', '), SDK_UPSTREAM: '127.0.0.1:1',
      },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return JSON.parse(out);
  };
  const issuersOf = (cfg, name) => {
    const policies = cfg.apps.tls?.automation?.policies ?? [];
    const p = policies.find((x) => x.subjects?.includes(name)) ?? policies.find((x) => !x.subjects);
    return (p?.issuers ?? []).map((i) => i.module);
  };
  // Both names in one site, so the adapter writes a policy for each.
  const both = adapt('trade.example.com, localhost');
  assert.deepEqual(issuersOf(both, 'localhost'), ['internal']);
  assert.ok(!issuersOf(both, 'trade.example.com').includes('internal'), 'a real domain never gets the internal CA');
  // A real domain alone: no policy forces an issuer, so Caddy's automatic HTTPS uses a public ACME CA.
  const real = adapt('trade.example.com');
  assert.deepEqual(real.apps.tls?.automation?.policies?.flatMap((p) => p.issuers ?? []) ?? [], []);
  assert.equal(real.apps.http.servers.srv0.automatic_https?.disable, undefined);

  // What the running Caddy serves for localhost: a certificate of Caddy's local CA.
  const { port } = new URL(stack.url);
  const issuer = await new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port: Number(port), servername: 'localhost', rejectUnauthorized: false }, () => {
      resolve(s.getPeerCertificate().issuer?.CN ?? '');
      s.end();
    });
    s.on('error', reject);
  });
  assert.match(issuer, /Caddy Local Authority/);
});

test('the edge\'s /metrics, /readyz and /healthz answer only on the private network', async () => {
  for (const p of ['/metrics', '/readyz', '/healthz', '/METRICS', '/metrics/', '/readyz?verbose=1', '//metrics', '/./metrics']) {
    const r = await get(`${stack.url}${p}`);
    assert.equal(r.status, 404, `${p} through Caddy answered ${r.status}`);
    assert.doesNotMatch(r.body, /futugw_|go_goroutines|"ready"/, `${p} leaked`);
  }
  // The edge itself still answers them for health checks and Prometheus.
  for (const p of ['/metrics', '/readyz', '/healthz']) {
    const r = await fetch(`http://${stack.edgeAddr}${p}`);
    assert.equal(r.status, 200, `${p} on the edge`);
  }
  // The panel and the API still pass.
  assert.equal((await get(`${stack.url}/`)).status, 200);
  assert.equal((await get(`${stack.url}/api/auth/whoami`, { Authorization: `Bearer ${sessionKey}` })).status, 200);
});

test('CORS at the edge: the note\'s client on another origin places orders and gets decoded pushes', async () => {
  const edge = await stack.startEdge('edge-cors', ['-cors-origins', appOrigin]);
  const api = await stack.startCaddy('caddy-edgecors', edge);
  const r = await get(`${api}/api/auth/whoami`, { Origin: appOrigin, Authorization: `Bearer ${sessionKey}` });
  assert.deepEqual(r.allowOrigin, [appOrigin], 'one Allow-Origin, the app\'s, from the edge');
  const got = await runNoteClient(api);
  assert.equal(got.rest, 'ok');
  assert.ok(got.order.order_id, `order placed: ${JSON.stringify(got.order)}`);
  assert.equal(got.socket.opened, true, 'the WebSocket opened');
  assert.equal(got.quote?.sec_key, 'HK.00700');
  const qot = decodeBasicQot(got.quote.body_b64);
  assert.ok(qot.s2c.basicQotList[0].curPrice > 0, 'body_b64 decodes with Futu\'s definitions');
});

test('CORS in Caddy (the note\'s header block): REST and WebSocket work with CORS_BY_PROXY', async () => {
  const file = path.join(work, 'note.Caddyfile');
  writeFileSync(file, noteCaddyfile(appOrigin));
  const caddyFor = (name, upstream) => stack.startCaddy(name, upstream, { caddyfile: file });
  const edge = await stack.startEdge('edge-proxycors', ['-cors-origins', appOrigin, '-cors-by-proxy']);
  const api = await caddyFor('caddy-notecors', edge);
  const r = await get(`${api}/api/auth/whoami`, { Origin: appOrigin, Authorization: `Bearer ${sessionKey}` });
  assert.deepEqual(r.allowOrigin, [appOrigin], 'one Allow-Origin, from Caddy');
  const got = await runNoteClient(api);
  assert.equal(got.rest, 'ok');
  assert.ok(got.order.order_id, `order placed: ${JSON.stringify(got.order)}`);
  assert.equal(got.socket.opened, true, 'the WebSocket opened');
  assert.ok(decodeBasicQot(got.quote.body_b64).s2c.basicQotList[0].curPrice > 0);

  // Without the settings the README pairs with this block, the browser fails exactly
  // as a user would see it: the edge's defaults refuse the app's WebSocket, and CORS at
  // both Caddy and the edge doubles Allow-Origin, which fails every REST call.
  const plainEdge = await caddyFor('caddy-note-plain', stack.edgeAddr);
  const plain = await runNoteClient(plainEdge, { expectQuotes: false });
  assert.equal(plain.rest, 'ok');
  assert.equal(plain.socket.opened, false, 'the default edge refuses the app origin\'s WebSocket');
  const doubled = await caddyFor('caddy-note-doubled', await stack.startEdge('edge-doubled', ['-cors-origins', appOrigin]));
  const both = await runNoteClient(doubled, { expectQuotes: false });
  assert.match(both.rest, /error: Failed to fetch/);
});
