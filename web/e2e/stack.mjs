// Starts the real stack for the end-to-end test, every part its own process:
// redis-server, opend-sim, auth, quote, order, edge (serving web/dist) and Caddy in
// front over HTTPS (deploy/Caddyfile). Ports are picked free; state lives in a temp dir.
import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, existsSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const WEB = path.resolve(here, '..');
export const REPO = path.resolve(WEB, '..');

export async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** build compiles the binaries into dir (or uses FUTUGW_BIN_DIR, e.g. bin/ from make build). */
export function build(dir) {
  if (process.env.FUTUGW_BIN_DIR) return process.env.FUTUGW_BIN_DIR;
  const targets = {
    'opend-sim': './opend/cmd/opend-sim',
    auth: './services/auth/cmd/auth',
    quote: './services/quote/cmd/quote',
    order: './services/order/cmd/order',
    edge: './services/edge/cmd/edge',
  };
  for (const [name, pkg] of Object.entries(targets)) {
    execFileSync('go', ['build', '-o', path.join(dir, name), pkg], { cwd: REPO, stdio: ['ignore', 'inherit', 'inherit'] });
  }
  return dir;
}

async function waitHTTP(url, timeoutMs, proc, opts = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (proc && proc.exitCode !== null) throw new Error(`${proc.name} exited with ${proc.exitCode} before ${url} was ready (log: ${proc.log})`);
    try {
      const r = await fetch(url, opts);
      if (r.ok) return;
      last = `HTTP ${r.status}`;
    } catch (e) {
      last = e.cause?.code ?? e.message;
    }
    await sleep(150);
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms (${last})${proc ? `; log: ${proc.log}` : ''}`);
}

async function waitTCP(port, timeoutMs, proc) {
  const { connect } = await import('node:net');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`${proc.name} exited (log: ${proc.log})`);
    const ok = await new Promise((res) => {
      const c = connect(port, '127.0.0.1', () => (c.end(), res(true)));
      c.on('error', () => res(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`port ${port} not open (log: ${proc.log})`);
}

/**
 * startStack returns { url, edgeAddr, adminKey, api(path, init, key), stop(), dir, logs,
 * startEdge(name, args), startCaddy(name, upstream, {caddyfile, env}) }. url is Caddy's
 * HTTPS origin (localhost: a certificate from Caddy's internal CA).
 */
export async function startStack() {
  const dir = mkdtempSync(path.join(tmpdir(), 'futugw-e2e-'));
  const logs = path.join(dir, 'logs');
  mkdirSync(logs);
  const binDir = build(path.join(dir, 'bin'));
  const procs = [];

  const run = (name, cmd, args, env = {}) => {
    const log = path.join(logs, `${name}.log`);
    const fd = openSync(log, 'a');
    const p = spawn(cmd, args, { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', fd, fd] });
    p.name = name;
    p.log = log;
    procs.push(p);
    return p;
  };

  const stop = async () => {
    for (const p of [...procs].reverse()) {
      if (p.exitCode === null && p.signalCode === null) p.kill('SIGTERM');
    }
    const deadline = Date.now() + 10_000;
    for (const p of procs) {
      while (p.exitCode === null && p.signalCode === null && Date.now() < deadline) await sleep(50);
      if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    }
    // The binaries are most of the directory (about 165 MB a run); the logs stay.
    if (binDir === path.join(dir, 'bin')) rmSync(binDir, { recursive: true, force: true });
  };

  try {
    const ports = {};
    for (const k of ['redis', 'opend', 'opendAdmin', 'auth', 'authAdmin', 'quote', 'quoteAdmin', 'order', 'orderAdmin']) {
      ports[k] = await freePort();
    }
    const redisAddr = `127.0.0.1:${ports.redis}`;
    const opendAddr = `127.0.0.1:${ports.opend}`;
    const authAddr = `127.0.0.1:${ports.auth}`;
    const quoteAddr = `127.0.0.1:${ports.quote}`;
    const orderAddr = `127.0.0.1:${ports.order}`;
    const pwFile = path.join(dir, 'trade-password');
    writeFileSync(pwFile, 'e2e-trade-password\n', { mode: 0o600 });
    const adminFile = path.join(dir, 'admin.key');
    const serviceFile = path.join(dir, 'service.key');

    const redis = run('redis', 'redis-server', ['--port', String(ports.redis), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir]);
    await waitTCP(ports.redis, 10_000, redis);

    const sim = run('opend-sim', path.join(binDir, 'opend-sim'), [
      '-addr', opendAddr, '-admin-addr', `127.0.0.1:${ports.opendAdmin}`, '-trade-password-file', pwFile,
      '-push-interval', '300ms', '-seed', '7', '-min-sub-hold', '1s',
    ]);
    await waitHTTP(`http://127.0.0.1:${ports.opendAdmin}/readyz`, 30_000, sim);

    const auth = run('auth', path.join(binDir, 'auth'), [
      '-grpc-addr', authAddr, '-admin-addr', `127.0.0.1:${ports.authAdmin}`, '-redis-addr', redisAddr,
      '-bootstrap-admin-file', adminFile, '-bootstrap-service-file', serviceFile,
    ]);
    await waitHTTP(`http://127.0.0.1:${ports.authAdmin}/readyz`, 30_000, auth);

    const quote = run('quote', path.join(binDir, 'quote'), [
      '-grpc-addr', quoteAddr, '-admin-addr', `127.0.0.1:${ports.quoteAdmin}`, '-opend-addr', opendAddr,
      '-auth-addr', authAddr, '-redis-addr', redisAddr, '-min-sub-hold', '1s',
    ]);
    await waitHTTP(`http://127.0.0.1:${ports.quoteAdmin}/readyz`, 30_000, quote);

    const order = run('order', path.join(binDir, 'order'), [
      '-grpc-addr', orderAddr, '-admin-addr', `127.0.0.1:${ports.orderAdmin}`, '-opend-addr', opendAddr,
      '-auth-addr', authAddr, '-quote-addr', quoteAddr, '-redis-addr', redisAddr,
      '-service-key-file', serviceFile, '-trade-password-file', pwFile,
    ]);
    await waitHTTP(`http://127.0.0.1:${ports.orderAdmin}/readyz`, 30_000, order);

    const panelDir = path.join(WEB, 'dist');
    if (!existsSync(path.join(panelDir, 'index.html'))) throw new Error('web/dist is missing: run npm run build first');
    // startEdge starts one more edge on the same services (e.g. with other CORS settings).
    const startEdge = async (name, extraArgs = []) => {
      const addr = `127.0.0.1:${await freePort()}`;
      const edge = run(name, path.join(binDir, 'edge'), [
        '-http-addr', addr, '-sdk-addr', `127.0.0.1:${await freePort()}`, '-auth-addr', authAddr, '-quote-addr', quoteAddr, '-order-addr', orderAddr,
        '-redis-addr', redisAddr, '-service-key-file', serviceFile, '-trust-proxy',
        '-panel-dir', panelDir, ...extraArgs,
      ]);
      await waitHTTP(`http://${addr}/readyz`, 30_000, edge);
      return addr;
    };
    // startCaddy runs Caddy with a Caddyfile (deploy/Caddyfile unless given) in front
    // of upstream; it returns the site's HTTPS origin.
    const startCaddy = async (name, upstream, { caddyfile = path.join(REPO, 'deploy', 'Caddyfile'), env = {} } = {}) => {
      const https = await freePort();
      const home = path.join(dir, name);
      const siteURL = `https://localhost:${https}`;
      const caddy = run(name, 'caddy', ['run', '--config', caddyfile, '--adapter', 'caddyfile'], {
        FUTUGW_SITE: siteURL,
        EDGE_UPSTREAM: upstream,
        // The SDK site (deploy/Caddyfile) on a port of its own; its upstream is not
        // this test's concern.
        FUTUGW_SDK_SITE: `https://localhost:${await freePort()}`,
        SDK_UPSTREAM: '127.0.0.1:1',
        CADDY_HTTPS_PORT: String(https),
        CADDY_HTTP_PORT: String(await freePort()),
        XDG_DATA_HOME: path.join(home, 'data'),
        XDG_CONFIG_HOME: path.join(home, 'config'),
        HOME: home,
        ...env,
      });
      await waitTCP(https, 20_000, caddy);
      return siteURL;
    };
    const edgeAddr = await startEdge('edge');
    const siteURL = await startCaddy('caddy', edgeAddr);

    const adminKey = readFileSync(adminFile, 'utf8').trim();
    const api = async (p, init = {}, key = adminKey) => {
      const r = await fetch(`http://${edgeAddr}${p}`, {
        ...init,
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', ...(init.headers ?? {}) },
      });
      const text = await r.text();
      let body;
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
      if (!r.ok) throw new Error(`${init.method ?? 'GET'} ${p}: ${r.status} ${text}`);
      return body;
    };
    return { dir, logs, url: siteURL, edgeAddr, adminKey, api, stop, startEdge, startCaddy };
  } catch (e) {
    await stop();
    e.message += ` (logs in ${logs})`;
    throw e;
  }
}
