// sdkws.mjs drives Futu's official JavaScript SDK (npm futu-api, ftWebsocket) against
// the edge's SDK listener, exactly as a page would, with the `ws` package standing in
// for the browser's WebSocket (Node 20 has none):
//
//   SDKWS_ADDR=host:port SDKWS_KEY=fk_... SDKWS_KEY_ID=<its id> SDKWS_NOQOT_KEY=fk_... \
//   SDKWS_EDGE=http://host:port SDKWS_ADMIN_KEY=fk_... node sdkws.mjs
//
// Log in with SDKWS_KEY (the SDK sends its MD5), GetGlobalState, Qot_Sub HK.00700
// and receive its Qot_UpdateBasicQot push, Qot_RequestHistoryKL, Qot_GetStaticInfo,
// Qot_RegQotPush off (no pushes for 3 s) and on again, Qot_StockScreen refused by
// name (futugw does not serve it); with SDKWS_TRADE_KEY the account list,
// Trd_SubAccPush, a simulated order, its Trd_UpdateOrder push and its cancellation,
// and a real-account order refused without trade:real; a key without
// qot:read (SDKWS_NOQOT_KEY) logs in but its Qot_Sub is refused with retType -1 and
// the reason; a key with max_orders_per_minute 1 (SDKWS_LIMIT_KEY) places one
// simulated order and its second is refused with retType -1 and the reason
// max_orders_per_minute; an unknown key's login fails; revoking SDKWS_KEY (DELETE
// /api/admin/keys/<id> on the edge) closes the socket within a second. Prints one
// line per step; exits 1 with the failing step. SDKWS_TIMEOUT_MS bounds each wait.
import crypto from 'node:crypto';
import WebSocket from 'ws';
import ftWebsocket from 'futu-api';
import { loadOfficial } from './lib/official.mjs';

globalThis.WebSocket = WebSocket;

const timeoutMs = Number(process.env.SDKWS_TIMEOUT_MS ?? 20000);
const HK = { market: 1, code: '00700' };

function env(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
}

function within(ms, what, p) {
  let timer;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms); }),
  ]);
}

async function step(name, fn) {
  try {
    const out = await fn();
    console.log(`ok   ${name}${out ? ` ${out}` : ''}`);
    return out;
  } catch (e) {
    const msg = e instanceof Error ? e.message : JSON.stringify(e);
    console.log(`FAIL ${name}: ${msg}`);
    process.exit(1);
  }
}

/** open starts an ftWebsocket with key and resolves { sdk, ok, error, init } once it logs in or fails. */
function open(host, port, key) {
  const sdk = new ftWebsocket();
  const { root } = loadOfficial();
  const InitResponse = root.lookupType('InitWebSocket.Response');
  return within(timeoutMs, 'InitWebSocket', new Promise((resolve) => {
    let init;
    sdk.start(host, port, false, key);
    // The raw InitWebSocket answer, to read retMsg on a failed login.
    sdk.websock.onmessage = (msg) => {
      if (msg?.result?.cmd === 1 && msg.result.buff) init = InitResponse.decode(new Uint8Array(msg.result.buff));
    };
    sdk.onlogin = (ok, detail) => resolve({ sdk, ok, error: ok ? 0 : detail, init });
  }));
}

// trade logs in with SDKWS_TRADE_KEY (acc:read, trade:simulate): the account list,
// a limit order on the simulated HK account and its Trd_UpdateOrder push, its
// cancellation, and an order on a real account refused for lack of trade:real.
async function trade(host, port, curPrice) {
  const { sdk } = await step('trade login', async () => {
    const r = await open(host, port, env('SDKWS_TRADE_KEY'));
    if (!r.ok) throw new Error(`onlogin(false, ${r.error}): ${r.init?.retMsg ?? ''}`);
    return { sdk: r.sdk, toString: () => '' };
  });
  try {
    const accs = await step('Trd_GetAccList', async () => {
      const r = await within(timeoutMs, 'Trd_GetAccList', sdk.GetAccList({ c2s: { userID: 0 } }));
      return { list: r.s2c?.accList ?? [], toString() { return `${this.list.length} accounts`; } };
    });
    const sim = accs.list.find((a) => a.trdEnv === 0 && (a.trdMarketAuthList ?? []).includes(1));
    const real = accs.list.find((a) => a.trdEnv === 1 && (a.trdMarketAuthList ?? []).includes(1));
    if (!sim || !real) {
      console.log(`FAIL Trd_GetAccList: want a simulated and a real HK account, got ${JSON.stringify(accs.list)}`);
      process.exit(1);
    }
    const pushes = [];
    const waiters = [];
    sdk.onPush = (cmd, res) => {
      if (cmd !== 2208) return;
      pushes.push(res.s2c?.order);
      for (const w of waiters) w();
    };
    const orderPush = (orderID, match) => new Promise((resolve) => {
      const check = () => {
        const o = pushes.find((x) => x && String(x.orderID) === String(orderID) && match(x));
        if (o) resolve(o);
      };
      waiters.push(check);
      check();
    });
    // As with OpenD, a connection gets the order and fill pushes of the accounts it
    // subscribes, the whole list each time; an account the key may not see is refused.
    await step('Trd_SubAccPush', async () => {
      const r = await within(timeoutMs, 'Trd_SubAccPush', sdk.SubAccPush({ c2s: { accIDList: [sim.accID] } }));
      if (r.retType !== 0) throw new Error(JSON.stringify(r));
      return `account ${sim.accID}`;
    });
    const price = Math.floor(curPrice * 0.8 * 5) / 5; // a valid HK price (tick 0.2 at this level), far from the market
    let serial = 1000;
    const order = (acc, fields) => sdk.PlaceOrder({ c2s: {
      packetID: { connID: sdk.getConnID(), serialNo: serial++ },
      header: { trdEnv: acc.trdEnv, accID: acc.accID, trdMarket: 1 },
      trdSide: 1, orderType: 1, code: HK.code, qty: 100, price, secMarket: 1, ...fields,
    } });
    const placed = await step(`Trd_PlaceOrder limit @${price}`, async () => {
      const r = await within(timeoutMs, 'Trd_PlaceOrder', order(sim, {}));
      if (r.retType !== 0 || r.s2c?.orderID === undefined) throw new Error(JSON.stringify(r));
      return { id: r.s2c.orderID, toString() { return `order ${this.id}`; } };
    });
    await step('Trd_UpdateOrder push', async () => {
      await within(timeoutMs, 'the 2208 push', orderPush(placed.id, () => true));
    });
    await step('Trd_ModifyOrder cancel', async () => {
      const r = await within(timeoutMs, 'Trd_ModifyOrder', sdk.ModifyOrder({ c2s: {
        packetID: { connID: sdk.getConnID(), serialNo: serial++ },
        header: { trdEnv: sim.trdEnv, accID: sim.accID, trdMarket: 1 }, orderID: placed.id, modifyOrderOp: 2,
      } }));
      if (r.retType !== 0) throw new Error(JSON.stringify(r));
    });
    await step('real-account order refused without trade:real', async () => {
      const r = await within(timeoutMs, 'Trd_PlaceOrder', order(real, {}).then(() => null, (refused) => refused));
      if (r?.retType !== -1 || !/trade:real/.test(r.retMsg ?? '')) throw new Error(`want retType -1 naming trade:real, got ${JSON.stringify(r)}`);
      return JSON.stringify(r.retMsg);
    });
  } finally {
    stop(sdk);
  }
}

// limited logs in with SDKWS_LIMIT_KEY (trade:simulate, max_orders_per_minute 1):
// its first simulated order is placed, its second refused with the reason, at once.
async function limited(host, port, curPrice) {
  const r = await open(host, port, env('SDKWS_LIMIT_KEY'));
  if (!r.ok) {
    console.log(`FAIL limited login: onlogin(false, ${r.error}): ${r.init?.retMsg ?? ''}`);
    process.exit(1);
  }
  const { sdk } = r;
  try {
    const accs = await within(timeoutMs, 'Trd_GetAccList', sdk.GetAccList({ c2s: { userID: 0 } }));
    const sim = (accs.s2c?.accList ?? []).find((a) => a.trdEnv === 0 && (a.trdMarketAuthList ?? []).includes(1));
    const price = Math.floor(curPrice * 0.8 * 5) / 5;
    let serial = 2000;
    const order = () => sdk.PlaceOrder({ c2s: {
      packetID: { connID: sdk.getConnID(), serialNo: serial++ },
      header: { trdEnv: sim.trdEnv, accID: sim.accID, trdMarket: 1 },
      trdSide: 1, orderType: 1, code: HK.code, qty: 100, price, secMarket: 1,
    } });
    await step('max_orders_per_minute 1: first order placed', async () => {
      const p = await within(timeoutMs, 'Trd_PlaceOrder', order());
      if (p.retType !== 0 || p.s2c?.orderID === undefined) throw new Error(JSON.stringify(p));
      return `order ${p.s2c.orderID}`;
    });
    await step('max_orders_per_minute 1: second order refused', async () => {
      const p = await within(timeoutMs, 'Trd_PlaceOrder', order().then(() => null, (refused) => refused));
      if (p?.retType !== -1 || !/\(reason max_orders_per_minute\)/.test(p.retMsg ?? '')) {
        throw new Error(`want retType -1 naming max_orders_per_minute, got ${JSON.stringify(p)}`);
      }
      return JSON.stringify(p.retMsg);
    });
  } finally {
    stop(sdk);
  }
}

function stop(sdk) {
  sdk.stop();
  sdk.websock.close();
}

async function main() {
  const [host, portText] = env('SDKWS_ADDR').split(':');
  const port = Number(portText);
  const key = env('SDKWS_KEY');

  const { sdk } = await step('login', async () => {
    const r = await open(host, port, key);
    if (!r.ok) throw new Error(`onlogin(false, ${r.error}): ${r.init?.retMsg ?? ''}`);
    return { sdk: r.sdk, toString: () => `connID ${r.sdk.getConnID()}` };
  });

  await step('GetGlobalState', async () => {
    const r = await within(timeoutMs, 'GetGlobalState', sdk.GetGlobalState({ c2s: { userID: 0 } }));
    if (r.retType !== 0 || r.s2c?.marketHK === undefined) throw new Error(JSON.stringify(r));
    return `marketHK ${r.s2c.marketHK}`;
  });

  const push = new Promise((resolve) => {
    sdk.onPush = (cmd, res) => {
      const q = res?.s2c?.basicQotList?.[0];
      if (cmd === 3005 && q?.security?.code === HK.code) resolve(q);
    };
  });
  await step('Qot_Sub', async () => {
    const r = await within(timeoutMs, 'Qot_Sub', sdk.Sub({
      c2s: { securityList: [HK], subTypeList: [1], isSubOrUnSub: true, isRegOrUnRegPush: true, isFirstPush: true },
    }));
    if (r.retType !== 0) throw new Error(JSON.stringify(r));
  });
  let curPrice = 0;
  await step('Qot_UpdateBasicQot push', async () => {
    const q = await within(timeoutMs, 'the 3005 push', push);
    if (!(q.curPrice > 0)) throw new Error(`curPrice ${q.curPrice}`);
    curPrice = q.curPrice;
    return `HK.00700 ${q.curPrice}`;
  });

  await step('Qot_RequestHistoryKL', async () => {
    const end = new Date();
    const begin = new Date(end.getTime() - 30 * 86400_000);
    const day = (d) => d.toISOString().slice(0, 10);
    const r = await within(timeoutMs, 'Qot_RequestHistoryKL', sdk.RequestHistoryKL({
      c2s: { rehabType: 1, klType: 2, security: HK, beginTime: day(begin), endTime: day(end), maxAckKLNum: 10 },
    }));
    if (r.retType !== 0 || !(r.s2c?.klList?.length > 0)) throw new Error(JSON.stringify(r));
    return `${r.s2c.klList.length} day bars`;
  });

  await step('Qot_GetStaticInfo', async () => {
    const r = await within(timeoutMs, 'Qot_GetStaticInfo', sdk.GetStaticInfo({ c2s: { securityList: [HK] } }));
    const b = r.s2c?.staticInfoList?.[0]?.basic;
    if (r.retType !== 0 || !(b?.lotSize > 0) || !b?.name) throw new Error(JSON.stringify(r));
    return `${b.name}, lot ${b.lotSize}`;
  });

  // Qot_RegQotPush unregisters the subscription's pushes on this socket (the
  // subscription stays), and registers them again.
  let quotes = 0;
  sdk.onPush = (cmd, res) => {
    if (cmd === 3005 && res?.s2c?.basicQotList?.[0]?.security?.code === HK.code) quotes++;
  };
  const regPush = (on) => within(timeoutMs, 'Qot_RegQotPush', sdk.RegQotPush({
    c2s: { securityList: [HK], subTypeList: [1], isRegOrUnReg: on },
  }));
  await step('Qot_RegQotPush off: no pushes', async () => {
    const r = await regPush(false);
    if (r.retType !== 0) throw new Error(JSON.stringify(r));
    await new Promise((res) => setTimeout(res, 300)); // pushes already in flight
    quotes = 0;
    await new Promise((res) => setTimeout(res, 3000));
    if (quotes !== 0) throw new Error(`${quotes} pushes in 3 s while unregistered`);
    return 'none in 3 s';
  });
  await step('Qot_RegQotPush on: pushes again', async () => {
    const r = await regPush(true);
    if (r.retType !== 0) throw new Error(JSON.stringify(r));
    const deadline = Date.now() + timeoutMs;
    while (quotes === 0 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
    if (quotes === 0) throw new Error('no push after registering again');
    return `${quotes} push(es)`;
  });

  await step('unserved command refused by name', async () => {
    // Qot_StockScreen (3252): futugw serves no stock screener.
    const r = await within(timeoutMs, 'Qot_StockScreen', sdk.GetStockScreen({ c2s: {} }).then(() => null, (refused) => refused));
    if (r?.retType !== -1 || !/does not serve Qot_StockScreen \(proto 3252\)/.test(r.retMsg ?? '')) throw new Error(JSON.stringify(r));
    return JSON.stringify(r.retMsg);
  });

  if (process.env.SDKWS_TRADE_KEY) await trade(host, port, curPrice);
  if (process.env.SDKWS_LIMIT_KEY) await limited(host, port, curPrice);

  await step('refusal without qot:read', async () => {
    const other = await open(host, port, env('SDKWS_NOQOT_KEY'));
    if (!other.ok) throw new Error(`login failed: ${other.init?.retMsg}`);
    try {
      const r = await within(timeoutMs, 'Qot_Sub', other.sdk.Sub({
        c2s: { securityList: [HK], subTypeList: [1], isSubOrUnSub: true, isRegOrUnRegPush: true },
      }).then(() => null, (refused) => refused));
      if (r?.retType !== -1 || !/qot:read/.test(r.retMsg ?? '')) throw new Error(`want retType -1 naming qot:read, got ${JSON.stringify(r)}`);
      return JSON.stringify(r.retMsg);
    } finally {
      stop(other.sdk);
    }
  });

  await step('unknown key refused at InitWebSocket', async () => {
    const bad = await open(host, port, 'fk_' + crypto.randomBytes(32).toString('base64url'));
    stop(bad.sdk);
    if (bad.ok) throw new Error('an unknown key logged in');
    if (bad.init?.retType !== -1 || !bad.init.retMsg) throw new Error(`want retType -1 with retMsg, got ${JSON.stringify(bad.init)}`);
    return JSON.stringify(bad.init.retMsg);
  });

  await step('revoke closes the socket within a second', async () => {
    const closed = new Promise((resolve) => { sdk.websock.onclose = () => resolve(Date.now()); });
    const asked = Date.now(); // before the DELETE: the socket may close before its answer arrives
    const r = await fetch(`${env('SDKWS_EDGE')}/api/admin/keys/${encodeURIComponent(env('SDKWS_KEY_ID'))}`, {
      method: 'DELETE', headers: { Authorization: `Bearer ${env('SDKWS_ADMIN_KEY')}` },
    });
    if (!r.ok) throw new Error(`revoke: HTTP ${r.status} ${await r.text()}`);
    const at = await within(5000, 'the close', closed);
    stop(sdk); // the SDK would reconnect, and be refused
    if (at - asked > 1000) throw new Error(`closed ${at - asked} ms after the revocation was asked for`);
    return `${at - asked} ms after the DELETE was sent`;
  });
}

main().then(() => process.exit(0), (e) => {
  console.log(`FAIL ${e.message}`);
  process.exit(1);
});
