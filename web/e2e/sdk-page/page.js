// The test page's script: Futu's official SDK (npm futu-api, unchanged, bundled by
// sdk.e2e.test.mjs with Node's util and crypto aliased to ./util.js and ./crypto.js),
// driven as a user's page would. window.runSDK({ host, port, key }) logs in over wss
// and records each step in window.sdk.steps ({ name, ok, detail }); after the trade
// steps it sets window.sdk.awaitingRevoke and records when the socket closes.
import ftWebsocket from 'futu-api';

const HK = { market: 1, code: '00700' };
const TIMEOUT = 15000;
const state = { steps: [], done: false, awaitingRevoke: false, closedAt: null };
window.sdk = state;

function within(what, p) {
  let timer;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no answer within ${TIMEOUT} ms`)), TIMEOUT); }),
  ]);
}

async function step(name, fn) {
  try {
    const detail = await fn();
    state.steps.push({ name, ok: true, detail: detail ?? '' });
    return detail;
  } catch (e) {
    const detail = e instanceof Error ? e.message : JSON.stringify(e);
    state.steps.push({ name, ok: false, detail });
    throw e;
  }
}

const refused = (p) => p.then(() => null, (r) => r);

window.runSDK = async ({ host, port, key, maxOrderValue }) => {
  const sdk = new ftWebsocket();
  try {
    await step('login', () => within('InitWebSocket', new Promise((resolve, reject) => {
      sdk.onlogin = (ok, detail) => (ok ? resolve(`connID ${sdk.getConnID()}`) : reject(new Error(`onlogin(false, ${detail})`)));
      sdk.start(host, port, true, key);
    })));
    await step('GetGlobalState', async () => {
      const r = await within('GetGlobalState', sdk.GetGlobalState({ c2s: { userID: 0 } }));
      if (r.retType !== 0 || r.s2c?.marketHK === undefined) throw new Error(JSON.stringify(r));
      return `marketHK ${r.s2c.marketHK}`;
    });

    const quote = new Promise((resolve) => {
      sdk.onPush = (cmd, res) => {
        const q = res?.s2c?.basicQotList?.[0];
        if (cmd === 3005 && q?.security?.code === HK.code) resolve(q);
      };
    });
    await step('Qot_Sub', async () => {
      const r = await within('Qot_Sub', sdk.Sub({
        c2s: { securityList: [HK], subTypeList: [1], isSubOrUnSub: true, isRegOrUnRegPush: true, isFirstPush: true },
      }));
      if (r.retType !== 0) throw new Error(JSON.stringify(r));
    });
    const curPrice = await step('Qot_UpdateBasicQot push', async () => {
      const q = await within('the 3005 push', quote);
      if (!(q.curPrice > 0)) throw new Error(`curPrice ${q.curPrice}`);
      return q.curPrice;
    });
    await step('Qot_RequestHistoryKL', async () => {
      const end = new Date();
      const day = (d) => d.toISOString().slice(0, 10);
      const r = await within('Qot_RequestHistoryKL', sdk.RequestHistoryKL({
        c2s: { rehabType: 1, klType: 2, security: HK, beginTime: day(new Date(end.getTime() - 30 * 86400_000)), endTime: day(end), maxAckKLNum: 10 },
      }));
      if (r.retType !== 0 || !(r.s2c?.klList?.length > 0)) throw new Error(JSON.stringify(r));
      return `${r.s2c.klList.length} day bars`;
    });

    let sim;
    let real;
    await step('Trd_GetAccList', async () => {
      const r = await within('Trd_GetAccList', sdk.GetAccList({ c2s: { userID: 0 } }));
      if (r.retType !== 0) throw new Error(JSON.stringify(r));
      const accs = r.s2c?.accList ?? [];
      sim = accs.find((a) => a.trdEnv === 0 && (a.trdMarketAuthList ?? []).includes(1));
      real = accs.find((a) => a.trdEnv === 1 && (a.trdMarketAuthList ?? []).includes(1));
      if (!sim || !real) throw new Error(`want a simulated and a real HK account, got ${JSON.stringify(accs)}`);
      return `${accs.length} accounts; HK simulated ${sim.accID}, HK real ${real.accID}`;
    });
    const price = Math.floor(curPrice * 0.8 * 5) / 5; // a valid HK price (tick 0.2 at this level), far from the market
    let serial = 1;
    // The SDK does not fill packetID; a page gives it, as with OpenD.
    const order = (acc, qty = 100) => sdk.PlaceOrder({ c2s: {
      packetID: { connID: sdk.getConnID(), serialNo: serial++ },
      header: { trdEnv: acc.trdEnv, accID: acc.accID, trdMarket: 1 },
      trdSide: 1, orderType: 1, code: HK.code, qty, price, secMarket: 1,
    } });
    const orderID = await step('Trd_PlaceOrder simulated', async () => {
      const r = await within('Trd_PlaceOrder', order(sim));
      if (r.retType !== 0 || r.s2c?.orderID === undefined) throw new Error(JSON.stringify(r));
      return String(r.s2c.orderID);
    });
    await step('Trd_ModifyOrder cancel', async () => {
      const r = await within('Trd_ModifyOrder', sdk.ModifyOrder({ c2s: {
        packetID: { connID: sdk.getConnID(), serialNo: serial++ },
        header: { trdEnv: sim.trdEnv, accID: sim.accID, trdMarket: 1 }, orderID, modifyOrderOp: 2,
      } }));
      if (r.retType !== 0) throw new Error(JSON.stringify(r));
      return `order ${orderID}`;
    });
    await step('order over max_order_value refused', async () => {
      const qty = 100 * (Math.floor(maxOrderValue / (price * 100)) + 1); // the fewest lots worth more than the cap
      const r = await within('Trd_PlaceOrder', refused(order(sim, qty)));
      if (r?.retType !== -1 || !/\(reason max_order_value\)/.test(r.retMsg ?? '')) throw new Error(`want retType -1 naming max_order_value, got ${JSON.stringify(r)}`);
      return r.retMsg;
    });
    await step('real-account order refused without trade:real', async () => {
      const r = await within('Trd_PlaceOrder', refused(order(real)));
      if (r?.retType !== -1 || !/trade:real/.test(r.retMsg ?? '')) throw new Error(`want retType -1 naming trade:real, got ${JSON.stringify(r)}`);
      return r.retMsg;
    });

    const closed = new Promise((resolve) => {
      sdk.websock.onclose = (ev) => { state.closedAt = Date.now(); resolve(ev.code); };
    });
    state.awaitingRevoke = true;
    await step('revoke closes the socket', async () => {
      const code = await within('the close', closed);
      return code;
    });
  } catch {
    // recorded by step
  } finally {
    sdk.stop(); // the SDK would reconnect, and be refused
    try { sdk.websock?.close(); } catch { /* already closed */ }
    state.done = true;
    const list = document.getElementById('steps');
    for (const s of state.steps) {
      const li = document.createElement('li');
      li.textContent = `${s.ok ? 'ok  ' : 'FAIL'} ${s.name}${s.detail === '' ? '' : ` — ${typeof s.detail === 'string' ? s.detail : JSON.stringify(s.detail)}`}`;
      list.append(li);
    }
  }
};
