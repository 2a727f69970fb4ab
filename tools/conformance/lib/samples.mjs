// Minimal valid request bodies for walk.mjs, built from the official C2S types: every
// required field, plus the few optional ones a sensible client always sends, from a
// small table of samples (HK.00700, the simulated HK account, today's dates...).
import protobuf from 'protobufjs';
import { hkPriceBelow } from './hktick.mjs';

const HK = { market: 1, code: '00700' }; // QotMarket_HK_Security

// BY_TYPE fills a field of one of these message types, required or not.
const BY_TYPE = {
  'Qot_Common.Security': () => HK,
  'Trd_Common.TrdHeader': (ctx) => ({ trdEnv: 0, accID: hkAccount(ctx), trdMarket: 1 }), // Simulate, HK
  'Common.PacketID': (ctx) => ({ connID: ctx.connID, serialNo: ctx.conn.nextSerial() }),
};

// BY_FIELD fills a scalar or repeated field of this name, required or not; undefined
// leaves it to the defaults.
const BY_FIELD = {
  securityList: () => [HK],
  userID: (ctx) => ctx.userID,
  accIDList: (ctx) => [hkAccount(ctx)],
  subTypeList: () => [1], // SubType_Basic
  isSubOrUnSub: () => true,
  klType: () => 2, // KLType_Day
  rehabType: () => 1, // RehabType_Forward
  beginTime: () => '2026-11-02',
  endTime: () => '2026-12-01',
  reqNum: () => 10,
  maxAckKLNum: () => 10,
  trdSide: () => 1, // TrdSide_Buy
  orderType: () => 1, // OrderType_Normal
  code: () => HK.code,
  qty: () => 100,
  secMarket: () => 1, // TrdSecMarket_HK
  price: (ctx) => (ctx.hkPrice > 0 ? hkPriceBelow(ctx.hkPrice * 0.9) : undefined),
  orderID: (ctx) => ctx.orderID ?? '0',
  modifyOrderOp: () => 2, // ModifyOrderOp_Cancel
};

// BY_PROTO overrides fields of one protocol's C2S.
const BY_PROTO = {
  GetDelayStatistics: () => ({ typeList: [1, 2, 3] }),
  Qot_RegQotPush: () => ({ securityList: [HK], subTypeList: [1], isRegOrUnReg: false }),
  Trd_UnlockTrade: () => ({ unlock: false }), // locking needs no password
};

// minimalRequest returns the c2s object of protocol name's Request.
export function minimalRequest(root, name, ctx) {
  const type = root.lookupType(`${name}.C2S`);
  return build(type, BY_PROTO[name]?.(ctx) ?? {}, ctx, 0);
}

function build(type, overrides, ctx, depth) {
  if (depth > 8) throw new Error(`samples: required fields nest too deep at ${type.fullName}`);
  const obj = {};
  for (const f of type.fieldsArray) {
    f.resolve();
    if (f.name in overrides) {
      obj[f.name] = overrides[f.name];
      continue;
    }
    const v = sample(f, ctx);
    if (v !== undefined) {
      obj[f.name] = v;
    } else if (f.required) {
      obj[f.name] = fallback(f, ctx, depth);
    }
  }
  return obj;
}

function sample(f, ctx) {
  if (f.resolvedType instanceof protobuf.Type) {
    const byType = BY_TYPE[f.resolvedType.fullName.replace(/^\./, '')];
    if (byType === undefined) return undefined;
    return f.repeated ? [byType(ctx)] : byType(ctx);
  }
  const v = BY_FIELD[f.name]?.(ctx);
  if (v === undefined || Array.isArray(v) !== f.repeated) return undefined;
  return v;
}

// fallback is the value of a required field nobody sampled: the smallest valid one.
function fallback(f, ctx, depth) {
  if (f.resolvedType instanceof protobuf.Type) return build(f.resolvedType, {}, ctx, depth + 1);
  if (f.resolvedType instanceof protobuf.Enum) {
    return Object.values(f.resolvedType.values).find((v) => v !== 0) ?? 0;
  }
  switch (f.type) {
    case 'string': return '';
    case 'bytes': return '';
    case 'bool': return false;
    case 'int64': case 'uint64': case 'sint64': case 'fixed64': case 'sfixed64': return '1';
    default: return 1; // int32 fields carry Futu enums, whose first real value is 1
  }
}

// hkAccount is the simulated HK account from Trd_GetAccList, or 0.
function hkAccount(ctx) {
  const acc = ctx.accounts.find((a) => a.trdEnv === 0 && (a.trdMarketAuthList ?? []).includes(1)) ?? ctx.accounts[0];
  return acc?.accID ?? '0';
}
