// sdkflow.mjs plays what an official Futu SDK does against an OpenD (our simulator),
// speaking only through the official definitions of npm futu-api:
//
//   FUTUGW_TRADE_PASSWORD=<pwd> node sdkflow.mjs <host:port>
//
// InitConnect, KeepAlive, GetGlobalState, quotes (Qot_Sub with pushes for HK.00700 and
// US.AAPL, Qot_GetBasicQot, a Qot_UpdateBasicQot push), then trading on the simulated
// HK account (Trd_GetAccList, Trd_UnlockTrade, Trd_SubAccPush, a market order, the
// order list, a limit order modified and cancelled, Trd_UpdateOrder and
// Trd_UpdateOrderFill pushes). Every response must have retType 0. Exits 1 with the
// failing step on any failure. SDKFLOW_TIMEOUT_MS bounds each wait (default 30000).
import crypto from 'node:crypto';
import { loadOfficial } from './lib/official.mjs';
import { OpenDConn } from './lib/opendconn.mjs';
import { hkPriceBelow } from './lib/hktick.mjs';

const HK = { market: 1, code: '00700' };   // QotMarket_HK_Security
const US = { market: 11, code: 'AAPL' };   // QotMarket_US_Security

async function main() {
  const addr = process.argv[2];
  const password = process.env.FUTUGW_TRADE_PASSWORD;
  if (!addr) throw new Error('usage: FUTUGW_TRADE_PASSWORD=<pwd> node sdkflow.mjs <host:port>');
  if (!password) throw new Error('FUTUGW_TRADE_PASSWORD is not set (the trade password for Trd_UnlockTrade)');
  const timeoutMs = Number(process.env.SDKFLOW_TIMEOUT_MS ?? 30000);

  const { root } = loadOfficial();
  const en = (name) => root.lookupEnum(name).values;
  const SubType = en('Qot_Common.SubType');
  const TrdEnv = en('Trd_Common.TrdEnv');
  const TrdMarket = en('Trd_Common.TrdMarket');
  const TrdSecMarket = en('Trd_Common.TrdSecMarket');
  const TrdSide = en('Trd_Common.TrdSide');
  const OrderType = en('Trd_Common.OrderType');
  const OrderStatus = en('Trd_Common.OrderStatus');
  const ModifyOrderOp = en('Trd_Common.ModifyOrderOp');

  const conn = await step('connect', () => OpenDConn.connect(addr, root, timeoutMs));
  let keepAlive;
  try {
    const init = await step('InitConnect', () => conn.request('InitConnect', {
      clientVer: 100, clientID: 'futugw-sdkflow', recvNotify: true,
      packetEncAlgo: -1, pushProtoFmt: 0, programmingLanguage: 'JavaScript',
    }));
    must(init.connID !== undefined && init.connID !== '0', 'InitConnect: connID must be non-zero');
    must(init.keepAliveInterval > 0, `InitConnect: keepAliveInterval ${init.keepAliveInterval} must be positive`);
    // Like the SDKs: keep the connection alive for as long as the flow runs.
    keepAlive = setInterval(() => {
      conn.request('KeepAlive', { time: Math.floor(Date.now() / 1000) }).catch(() => {});
    }, init.keepAliveInterval * 1000);

    const ka = await step('KeepAlive', () => conn.request('KeepAlive', { time: Math.floor(Date.now() / 1000) }));
    must(ka.time !== undefined, 'KeepAlive: s2c.time missing');

    const gs = await step('GetGlobalState', () => conn.request('GetGlobalState', { userID: init.loginUserID }));
    must(gs.serverVer !== undefined, 'GetGlobalState: serverVer missing');

    // Quotes.
    await step('Qot_Sub', () => conn.request('Qot_Sub', {
      securityList: [HK, US], subTypeList: [SubType.SubType_Basic],
      isSubOrUnSub: true, isRegOrUnRegPush: true, isFirstPush: true,
    }));
    const bq = await step('Qot_GetBasicQot', () => conn.request('Qot_GetBasicQot', { securityList: [HK, US] }));
    const qots = bq.basicQotList ?? [];
    const hkQot = qots.find((q) => q.security.market === HK.market && q.security.code === HK.code);
    must(qots.length === 2 && hkQot !== undefined, `Qot_GetBasicQot: want HK.00700 and US.AAPL, got ${JSON.stringify(qots.map((q) => q.security))}`);
    must(hkQot.curPrice > 0, `Qot_GetBasicQot: HK.00700 curPrice ${hkQot.curPrice}`);
    await step('Qot_UpdateBasicQot push', () => conn.waitPush('Qot_UpdateBasicQot',
      (s2c) => (s2c.basicQotList ?? []).some((q) => q.curPrice > 0), 'a basic quote'));
    const si = await step('Qot_GetStaticInfo', () => conn.request('Qot_GetStaticInfo', { securityList: [HK] }));
    const lotSize = si.staticInfoList?.[0]?.basic?.lotSize;
    must(lotSize > 0, `Qot_GetStaticInfo: HK.00700 lotSize ${lotSize}`);

    // Trading on the simulated HK account.
    const accs = await step('Trd_GetAccList', () => conn.request('Trd_GetAccList', { userID: init.loginUserID }));
    const acc = (accs.accList ?? []).find((a) => a.trdEnv === TrdEnv.TrdEnv_Simulate &&
      (a.trdMarketAuthList ?? []).includes(TrdMarket.TrdMarket_HK));
    must(acc !== undefined, `Trd_GetAccList: no simulated HK account in ${JSON.stringify(accs.accList)}`);
    const header = { trdEnv: acc.trdEnv, accID: acc.accID, trdMarket: TrdMarket.TrdMarket_HK };

    const pwdMD5 = crypto.createHash('md5').update(password).digest('hex');
    await step('Trd_UnlockTrade', () => conn.request('Trd_UnlockTrade', { unlock: true, pwdMD5, securityFirm: 1 }));
    await step('Trd_SubAccPush', () => conn.request('Trd_SubAccPush', { accIDList: [acc.accID] }));

    const place = (fields) => conn.request('Trd_PlaceOrder', {
      packetID: { connID: init.connID, serialNo: conn.nextSerial() }, header,
      trdSide: TrdSide.TrdSide_Buy, code: HK.code, qty: lotSize, secMarket: TrdSecMarket.TrdSecMarket_HK, ...fields,
    });
    const modify = (orderID, fields) => conn.request('Trd_ModifyOrder', {
      packetID: { connID: init.connID, serialNo: conn.nextSerial() }, header, orderID, ...fields,
    });
    const orderPush = (orderID, what, match = () => true) => conn.waitPush('Trd_UpdateOrder',
      (s2c) => s2c.order?.orderID === orderID && match(s2c.order), what);

    const mkt = await step('Trd_PlaceOrder market', () => place({ orderType: OrderType.OrderType_Market }));
    must(mkt.orderID !== undefined, 'Trd_PlaceOrder: no orderID');
    await step('Trd_UpdateOrder push (market order)', () => orderPush(mkt.orderID, `order ${mkt.orderID}`));
    const fill = await step('Trd_UpdateOrderFill push', () => conn.waitPush('Trd_UpdateOrderFill',
      (s2c) => s2c.orderFill?.orderID === mkt.orderID, `a fill of order ${mkt.orderID}`));
    must(fill.orderFill.qty > 0 && fill.orderFill.price > 0, `fill: qty ${fill.orderFill.qty} price ${fill.orderFill.price}`);

    const list = await step('Trd_GetOrderList', () => conn.request('Trd_GetOrderList', { header }));
    must((list.orderList ?? []).some((o) => o.orderID === mkt.orderID), `Trd_GetOrderList: order ${mkt.orderID} missing`);

    const far = hkPriceBelow(hkQot.curPrice * 0.8);
    const lim = await step(`Trd_PlaceOrder limit @${far}`, () => place({ orderType: OrderType.OrderType_Normal, price: far }));
    await step('Trd_UpdateOrder push (limit order)', () => orderPush(lim.orderID, `order ${lim.orderID}`));
    const farther = hkPriceBelow(hkQot.curPrice * 0.75);
    const mod = await step(`Trd_ModifyOrder price ${far} -> ${farther}`, () => modify(lim.orderID, {
      modifyOrderOp: ModifyOrderOp.ModifyOrderOp_Normal, qty: lotSize, price: farther,
    }));
    must(mod.orderID === lim.orderID, `Trd_ModifyOrder: orderID ${mod.orderID}, want ${lim.orderID}`);
    await step('Trd_UpdateOrder push (modified)', () => orderPush(lim.orderID, `order ${lim.orderID} at ${farther}`,
      (o) => o.price === farther));
    await step('Trd_ModifyOrder cancel', () => modify(lim.orderID, { modifyOrderOp: ModifyOrderOp.ModifyOrderOp_Cancel }));
    await step('Trd_UpdateOrder push (cancelled)', () => orderPush(lim.orderID, `order ${lim.orderID} cancelled`,
      (o) => o.orderStatus === OrderStatus.OrderStatus_Cancelled_All));
  } finally {
    clearInterval(keepAlive);
    conn.close();
  }
  console.log('sdkflow: OK');
}

// step runs one stage and names it in the error when it fails.
async function step(name, fn) {
  try {
    const out = await fn();
    console.log(`ok   ${name}`);
    return out;
  } catch (err) {
    throw new Error(`${name}: ${err.message}`);
  }
}

function must(cond, msg) {
  if (!cond) throw new Error(msg);
}

main().catch((err) => {
  console.error(`sdkflow: FAILED: ${err.message}`);
  process.exitCode = 1;
});
