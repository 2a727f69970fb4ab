// walk.mjs calls every request protocol of the proto id table against an OpenD (our
// simulator) with a minimal valid request, decodes every answer with Futu's official
// definitions and classifies it:
//
//   served       retType 0, and the Response (with its s2c) decodes and verifies
//   refused      retType != 0 with a retMsg saying why
//   unsupported  the server's answer for a proto id it has no handler for
//   broken       anything else: an answer that does not decode or verify, a refusal
//                without a retMsg, a handler that crashed ("internal error"), no answer
//                in time, a dropped connection
//
//   node walk.mjs <host:port> [--json <file>]
//
// It does not know which ids the simulator serves: it asks each one and infers
// "unsupported" from the answer. The system ids futu-api's table leaves out (UNLISTED:
// Verification, TestCmd, InitQuantMode) are asked too, with an empty request. FUTUGW_TRADE_PASSWORD, when set, unlocks trading
// first. Prints a table, writes a JSON summary with --json, exits 1 when any answer
// is broken. WALK_TIMEOUT_MS bounds each call (default 10000).
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { loadOfficial } from './lib/official.mjs';
import { OpenDConn } from './lib/opendconn.mjs';
import protobuf from 'protobufjs';
import { PROTOS, UNLISTED } from './lib/protoids.mjs';
import { minimalRequest } from './lib/samples.mjs';

// UNSUPPORTED is how the simulator's server answers a proto id without a handler
// (opend/server: "unsupported proto id N").
const UNSUPPORTED = /^unsupported proto id \d+$/;
// INTERNAL is how it answers when a handler panics or returns what cannot be encoded
// (opend/server: "internal error: ..."): a crash, never a refusal.
const INTERNAL = /^internal error/;

const TO_OBJECT = { longs: String, enums: Number, defaults: false };

async function main() {
  const args = process.argv.slice(2);
  const addr = args[0];
  const jsonAt = args.indexOf('--json');
  const jsonOut = jsonAt >= 0 ? args[jsonAt + 1] : undefined;
  if (!addr || (jsonAt >= 0 && !jsonOut)) throw new Error('usage: node walk.mjs <host:port> [--json <file>]');
  const timeoutMs = Number(process.env.WALK_TIMEOUT_MS ?? 10000);

  const { root } = loadOfficial();
  const conn = await OpenDConn.connect(addr, root, timeoutMs);
  const results = [];
  try {
    const init = await conn.request('InitConnect', {
      clientVer: 100, clientID: 'futugw-walk', recvNotify: false,
      packetEncAlgo: -1, pushProtoFmt: 0, programmingLanguage: 'JavaScript',
    });
    const ctx = await prelude(conn, init);
    for (const p of PROTOS) {
      if (p.push || p.name === 'InitConnect') continue;
      results.push(await walkOne(conn, root, p, ctx));
      if (conn.closed) break; // the connection is gone: every later call would fail the same way
    }
    // The system ids futu-api's table leaves out, asked with an empty request.
    for (const u of UNLISTED) {
      if (conn.closed) break;
      results.push(await walkOne(conn, root, { ...u, unlisted: true }, ctx));
    }
  } finally {
    conn.close();
  }

  const counts = { served: 0, refused: 0, unsupported: 0, broken: 0 };
  for (const r of results) counts[r.class] += 1;
  printTable(results, counts);
  if (jsonOut) {
    const require = createRequire(import.meta.url);
    const summary = { addr, futuApi: require('futu-api/package.json').version, counts, protos: results };
    fs.writeFileSync(jsonOut, JSON.stringify(summary, null, 2) + '\n');
  }
  if (counts.broken > 0) process.exitCode = 1;
}

// prelude learns what the samples need from the server itself: the login user, the
// accounts (Trd_GetAccList), a quote of HK.00700 (for a valid order price), and
// unlocks trading when a password is given. Failures here only leave samples poorer.
async function prelude(conn, init) {
  const ctx = { connID: init.connID, userID: init.loginUserID, conn, hkPrice: 0, accounts: [], orderID: undefined };
  const tryReq = async (name, c2s) => conn.request(name, c2s).catch(() => undefined);
  const accs = await tryReq('Trd_GetAccList', { userID: init.loginUserID });
  ctx.accounts = accs?.accList ?? [];
  await tryReq('Qot_Sub', {
    securityList: [{ market: 1, code: '00700' }], subTypeList: [1], isSubOrUnSub: true, isRegOrUnRegPush: false,
  });
  const bq = await tryReq('Qot_GetBasicQot', { securityList: [{ market: 1, code: '00700' }] });
  ctx.hkPrice = bq?.basicQotList?.[0]?.curPrice ?? 0;
  const password = process.env.FUTUGW_TRADE_PASSWORD;
  if (password) {
    const pwdMD5 = crypto.createHash('md5').update(password).digest('hex');
    await tryReq('Trd_UnlockTrade', { unlock: true, pwdMD5, securityFirm: 1 });
  }
  return ctx;
}

// walkOne sends one protocol's minimal request and classifies the answer.
async function walkOne(conn, root, p, ctx) {
  const out = { id: p.id, name: p.name };
  const started = Date.now();
  let body;
  try {
    body = p.unlisted ? await conn.callRaw(p.id, p.name) : await conn.call(p.name, minimalRequest(root, p.name, ctx));
  } catch (err) {
    return { ...out, class: 'broken', reason: err.message, ms: Date.now() - started };
  }
  out.ms = Date.now() - started;
  const Response = responseType(root, p);
  let obj;
  try {
    const msg = Response.decode(body);
    const bad = Response.verify(msg);
    if (bad) throw new Error(`fails official verify: ${bad}`);
    obj = Response.toObject(msg, TO_OBJECT);
  } catch (err) {
    return { ...out, class: 'broken', reason: `response does not decode with ${Response.fullName}: ${err.message}` };
  }
  out.retType = obj.retType;
  if (obj.errCode !== undefined) out.errCode = obj.errCode;
  if (obj.retMsg !== undefined) out.retMsg = obj.retMsg;
  if (obj.retType === 0) {
    if (p.name === 'Trd_PlaceOrder' && obj.s2c?.orderID !== undefined) ctx.orderID = obj.s2c.orderID;
    return { ...out, class: 'served' };
  }
  if (!obj.retMsg) return { ...out, class: 'broken', reason: 'refused without a retMsg' };
  if (INTERNAL.test(obj.retMsg)) return { ...out, class: 'broken', reason: 'the handler crashed' };
  return { ...out, class: UNSUPPORTED.test(obj.retMsg) ? 'unsupported' : 'refused' };
}

// responseType is the official Response of a protocol; for an unlisted id futu-api
// may ship none, and then the envelope every Response shares is checked.
function responseType(root, p) {
  const name = p.response ?? `${p.name}.Response`;
  try {
    return root.lookupType(name);
  } catch {
    return new protobuf.Type(`${p.name}Envelope`)
      .add(new protobuf.Field('retType', 1, 'int32', 'required'))
      .add(new protobuf.Field('retMsg', 2, 'string', 'optional'))
      .add(new protobuf.Field('errCode', 3, 'int32', 'optional'));
  }
}

function printTable(results, counts) {
  const w = Math.max(...results.map((r) => r.name.length));
  for (const r of results) {
    const why = r.reason ?? r.retMsg ?? '';
    console.log(`${String(r.id).padEnd(5)} ${r.name.padEnd(w)} ${r.class.padEnd(11)} ${why}`);
  }
  console.log(`walk: ${results.length} request protocols: ${counts.served} served, ${counts.refused} refused, ` +
    `${counts.unsupported} unsupported, ${counts.broken} broken`);
}

main().catch((err) => {
  console.error(`walk: FAILED: ${err.message}`);
  process.exitCode = 1;
});
