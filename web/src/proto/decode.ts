// Decodes the protobuf bodies the edge forwards in body_b64, driven by the JSON
// descriptor extracted from Futu's official .proto files (scripts/gen-proto.mjs).
//
// protobufjs/light would build its decoders with new Function(), which the panel's CSP
// (no 'unsafe-eval') refuses; so the wire is read with protobufjs/minimal's Reader and
// the field layout comes from the descriptor: no code generation at run time.
import { Reader } from 'protobufjs/minimal';
import generated from './futu-descriptor.json';
import { orderStatusLabel } from '../lib/orderStatus';

type FieldJSON = { id: number; type: string; rule?: string; options?: { packed?: boolean } };
type TypeJSON = { fields?: Record<string, FieldJSON>; values?: Record<string, number>; nested?: Record<string, TypeJSON> };

type Field = { name: string; type: string; repeated: boolean; resolved?: MessageDesc | EnumDesc };
export type MessageDesc = { kind: 'message'; fullName: string; byId: Map<number, Field> };
export type EnumDesc = { kind: 'enum'; fullName: string; byValue: Map<number, string> };

/** A decoded message: field names as in the .proto (keepCase); 64-bit integers as bigint. */
export type Decoded = { [field: string]: unknown };

const SCALARS = new Set([
  'double', 'float', 'int32', 'uint32', 'sint32', 'fixed32', 'sfixed32',
  'int64', 'uint64', 'sint64', 'fixed64', 'sfixed64', 'bool', 'string', 'bytes',
]);

/** Registry holds every message and enum of a descriptor, resolved by full name. */
export class Registry {
  private readonly types = new Map<string, MessageDesc | EnumDesc>();
  private readonly pending: { scope: string; field: Field }[] = [];

  constructor(root: TypeJSON) {
    this.collect('', root);
    for (const { scope, field } of this.pending) {
      field.resolved = this.resolve(scope, field.type);
    }
  }

  private collect(prefix: string, ns: TypeJSON) {
    for (const [name, t] of Object.entries(ns.nested ?? {})) {
      const full = prefix ? `${prefix}.${name}` : name;
      if (t.fields) {
        const byId = new Map<number, Field>();
        for (const [fname, f] of Object.entries(t.fields)) {
          const field: Field = { name: fname, type: f.type, repeated: f.rule === 'repeated' };
          byId.set(f.id, field);
          if (!SCALARS.has(f.type)) this.pending.push({ scope: full, field });
        }
        this.types.set(full, { kind: 'message', fullName: full, byId });
      } else if (t.values) {
        const byValue = new Map<number, string>();
        for (const [vname, v] of Object.entries(t.values)) byValue.set(v, vname);
        this.types.set(full, { kind: 'enum', fullName: full, byValue });
      }
      this.collect(full, t);
    }
  }

  // resolve follows protobuf's scoping: the innermost enclosing scope first.
  private resolve(scope: string, ref: string): MessageDesc | EnumDesc {
    if (ref.startsWith('.')) ref = ref.slice(1);
    const parts = scope.split('.');
    for (let i = parts.length; i >= 0; i--) {
      const candidate = [...parts.slice(0, i), ref].join('.');
      const t = this.types.get(candidate);
      if (t) return t;
    }
    throw new Error(`proto: type ${ref} (referenced from ${scope}) is not in the descriptor`);
  }

  message(fullName: string): MessageDesc {
    const t = this.types.get(fullName);
    if (!t || t.kind !== 'message') throw new Error(`proto: no message ${fullName}`);
    return t;
  }

  enumName(fullName: string, value: number): string | undefined {
    const t = this.types.get(fullName);
    return t && t.kind === 'enum' ? t.byValue.get(value) : undefined;
  }

  /** decode reads one message of the given type from bytes. */
  decode(fullName: string, bytes: Uint8Array): Decoded {
    const r = Reader.create(bytes);
    return readMessage(r, this.message(fullName), bytes.length);
  }
}

function readMessage(r: Reader, desc: MessageDesc, length: number): Decoded {
  const end = r.pos + length;
  const out: Decoded = {};
  while (r.pos < end) {
    const tag = r.uint32();
    const id = tag >>> 3;
    const wire = tag & 7;
    const field = desc.byId.get(id);
    if (!field) {
      r.skipType(wire);
      continue;
    }
    if (field.repeated) {
      const list = (out[field.name] as unknown[] | undefined) ?? [];
      out[field.name] = list;
      // Packed scalars (and enums) arrive as one length-delimited run.
      if (wire === 2 && isPackable(field)) {
        const runEnd = r.uint32() + r.pos;
        while (r.pos < runEnd) list.push(readValue(r, field));
      } else {
        list.push(readValue(r, field));
      }
    } else {
      out[field.name] = readValue(r, field);
    }
  }
  if (r.pos !== end) throw new Error(`proto: ${desc.fullName} overran its length`);
  return out;
}

function isPackable(f: Field): boolean {
  if (f.resolved) return f.resolved.kind === 'enum';
  return f.type !== 'string' && f.type !== 'bytes';
}

function readValue(r: Reader, f: Field): unknown {
  if (f.resolved) {
    if (f.resolved.kind === 'enum') return r.int32();
    return readMessage(r, f.resolved, r.uint32());
  }
  switch (f.type) {
    case 'double': return r.double();
    case 'float': return r.float();
    case 'int32': return r.int32();
    case 'uint32': return r.uint32();
    case 'sint32': return r.sint32();
    case 'fixed32': return r.fixed32();
    case 'sfixed32': return r.sfixed32();
    case 'bool': return r.bool();
    case 'string': return r.string();
    case 'bytes': return r.bytes();
    case 'int64': return BigInt.asIntN(64, readVarint64(r));
    case 'uint64': return readVarint64(r);
    case 'sint64': {
      const v = readVarint64(r);
      return (v >> 1n) ^ -(v & 1n);
    }
    case 'fixed64': return readFixed64(r);
    case 'sfixed64': return BigInt.asIntN(64, readFixed64(r));
  }
  throw new Error(`proto: unsupported type ${f.type}`);
}

// 64-bit integers are read as bigint: order and fill ids exceed 2^53.
function readVarint64(r: Reader): bigint {
  let result = 0n;
  let shift = 0n;
  for (let i = 0; i < 10; i++) {
    if (r.pos >= r.len) throw new Error('proto: truncated varint');
    const b = r.buf[r.pos++];
    result |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) return BigInt.asUintN(64, result);
    shift += 7n;
  }
  throw new Error('proto: varint too long');
}

function readFixed64(r: Reader): bigint {
  const lo = BigInt(r.fixed32());
  const hi = BigInt(r.fixed32());
  return (hi << 32n) | lo;
}

/** futu is the registry of the messages the panel decodes (Futu's official definitions). */
export const futu = new Registry((generated as { descriptor: TypeJSON }).descriptor);

/** base64ToBytes decodes standard base64 (what the edge writes in body_b64). */
export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** A basic quote as the panel shows it. */
export type BasicQuote = {
  secKey: string;
  name: string;
  curPrice: number;
  lastClosePrice: number;
  openPrice: number;
  highPrice: number;
  lowPrice: number;
  volume: number;
  updateTime: string;
};

const QOT_MARKET_PREFIX: Record<number, string> = { 1: 'HK', 11: 'US', 21: 'SH', 22: 'SZ' };

function secKeyOf(sec: unknown): string {
  const s = sec as { market?: number; code?: string } | undefined;
  return `${QOT_MARKET_PREFIX[s?.market ?? 0] ?? s?.market}.${s?.code ?? ''}`;
}

/** A K-line bar as pushed (3007) or read over REST (/api/history-kline, camelCase here). */
export type KLine = {
  time: string;
  isBlank: boolean;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  turnover: number;
};

/** A 3007 push: one security and period (klType: Qot_Common.KLType), usually one bar. */
export type KLPush = { secKey: string; klType: number; rehabType: number; bars: KLine[] };

/** decodeKL decodes a 3007 push body (Qot_UpdateKL.Response). */
export function decodeKL(bytes: Uint8Array): KLPush | null {
  const resp = futu.decode('Qot_UpdateKL.Response', bytes);
  const s2c = resp.s2c as Decoded | undefined;
  if (!s2c) return null;
  const list = (s2c.klList as Decoded[] | undefined) ?? [];
  return {
    secKey: secKeyOf(s2c.security),
    klType: num(s2c.klType),
    rehabType: num(s2c.rehabType),
    bars: list.map((k) => ({
      time: (k.time as string) ?? '',
      isBlank: k.isBlank === true,
      open: num(k.openPrice),
      high: num(k.highPrice),
      low: num(k.lowPrice),
      close: num(k.closePrice),
      volume: num(k.volume),
      turnover: num(k.turnover),
    })),
  };
}

/** One price level of an order book. */
export type BookLevel = { price: number; volume: number; orders: number };
export type OrderBookPush = { secKey: string; asks: BookLevel[]; bids: BookLevel[] };

function levels(list: unknown): BookLevel[] {
  return ((list as Decoded[] | undefined) ?? []).map((l) => ({ price: num(l.price), volume: num(l.volume), orders: num(l.orederCount) }));
}

/** decodeOrderBook decodes a 3013 push body (Qot_UpdateOrderBook.Response): asks best (lowest) first, bids best (highest) first. */
export function decodeOrderBook(bytes: Uint8Array): OrderBookPush | null {
  const resp = futu.decode('Qot_UpdateOrderBook.Response', bytes);
  const s2c = resp.s2c as Decoded | undefined;
  if (!s2c) return null;
  return { secKey: secKeyOf(s2c.security), asks: levels(s2c.orderBookAskList), bids: levels(s2c.orderBookBidList) };
}

/** One trade (tick). dir is Qot_Common.TickerDirection: 1 bid (buyer-initiated), 2 ask (seller-initiated), 3 neutral. */
export type Tick = { sequence: string; time: string; price: number; volume: number; dir: number };
export type TickerPush = { secKey: string; ticks: Tick[] };

/** decodeTicker decodes a 3011 push body (Qot_UpdateTicker.Response). */
export function decodeTicker(bytes: Uint8Array): TickerPush | null {
  const resp = futu.decode('Qot_UpdateTicker.Response', bytes);
  const s2c = resp.s2c as Decoded | undefined;
  if (!s2c) return null;
  const list = (s2c.tickerList as Decoded[] | undefined) ?? [];
  return {
    secKey: secKeyOf(s2c.security),
    ticks: list.map((t) => ({
      sequence: String(t.sequence ?? ''),
      time: (t.time as string) ?? '',
      price: num(t.price),
      volume: num(t.volume),
      dir: num(t.dir),
    })),
  };
}

/** decodeBasicQot decodes a 3005 push body (Qot_UpdateBasicQot.Response). */
export function decodeBasicQot(bytes: Uint8Array): BasicQuote[] {
  const resp = futu.decode('Qot_UpdateBasicQot.Response', bytes);
  const s2c = resp.s2c as Decoded | undefined;
  const list = (s2c?.basicQotList as Decoded[] | undefined) ?? [];
  return list.map((q) => {
    const sec = q.security as { market: number; code: string };
    return {
      secKey: `${QOT_MARKET_PREFIX[sec.market] ?? sec.market}.${sec.code}`,
      name: (q.name as string) ?? '',
      curPrice: num(q.curPrice),
      lastClosePrice: num(q.lastClosePrice),
      openPrice: num(q.openPrice),
      highPrice: num(q.highPrice),
      lowPrice: num(q.lowPrice),
      volume: num(q.volume),
      updateTime: (q.updateTime as string) ?? '',
    };
  });
}

/** An order or fill update from a trade push. */
export type OrderUpdate = {
  accId: string;
  orderId: string;
  code: string;
  name: string;
  trdSide: number;
  orderType: number;
  orderStatus: number;
  qty: number;
  price: number;
  fillQty: number;
  fillAvgPrice: number;
  updateTime: string;
  lastErrMsg: string;
};

export type FillUpdate = { accId: string; fillId: string; orderId: string; code: string; qty: number; price: number };

/** decodeOrderUpdate decodes a 2208 push body (Trd_UpdateOrder.Response). */
export function decodeOrderUpdate(bytes: Uint8Array): OrderUpdate | null {
  const resp = futu.decode('Trd_UpdateOrder.Response', bytes);
  const s2c = resp.s2c as Decoded | undefined;
  const o = s2c?.order as Decoded | undefined;
  if (!o) return null;
  const header = s2c?.header as Decoded | undefined;
  return {
    accId: String(header?.accID ?? ''),
    orderId: String(o.orderID ?? ''),
    code: (o.code as string) ?? '',
    name: (o.name as string) ?? '',
    trdSide: num(o.trdSide),
    orderType: num(o.orderType),
    orderStatus: num(o.orderStatus),
    qty: num(o.qty),
    price: num(o.price),
    fillQty: num(o.fillQty),
    fillAvgPrice: num(o.fillAvgPrice),
    updateTime: (o.updateTime as string) ?? '',
    lastErrMsg: (o.lastErrMsg as string) ?? '',
  };
}

/** decodeFillUpdate decodes a 2218 push body (Trd_UpdateOrderFill.Response). */
export function decodeFillUpdate(bytes: Uint8Array): FillUpdate | null {
  const resp = futu.decode('Trd_UpdateOrderFill.Response', bytes);
  const s2c = resp.s2c as Decoded | undefined;
  const f = s2c?.orderFill as Decoded | undefined;
  if (!f) return null;
  const header = s2c?.header as Decoded | undefined;
  return {
    accId: String(header?.accID ?? ''),
    fillId: String(f.fillID ?? ''),
    orderId: String(f.orderID ?? ''),
    code: (f.code as string) ?? '',
    qty: num(f.qty),
    price: num(f.price),
  };
}

/** orderStatusName turns Trd_Common.OrderStatus numbers (or the REST enum names) into short labels. */
export function orderStatusName(status: number | string): string {
  return orderStatusLabel(status);
}

function num(v: unknown): number {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return v;
  return 0;
}
