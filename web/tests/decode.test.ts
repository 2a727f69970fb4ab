// body_b64 decoding: messages encoded with protobufjs from Futu's official .proto
// files (node_modules/futu-api/proto) must decode identically with the panel's
// eval-free decoder.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { createRequire } from 'node:module';
import protobuf from 'protobufjs';
import {
  base64ToBytes,
  decodeBasicQot,
  decodeFillUpdate,
  decodeKL,
  decodeOrderBook,
  decodeOrderUpdate,
  decodeTicker,
  futu,
  orderStatusName,
} from '../src/proto/decode';

const require = createRequire(import.meta.url);
const protoDir = path.join(path.dirname(require.resolve('futu-api/package.json')), 'proto');

function official(): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_o, target) => path.join(protoDir, path.basename(target));
  root.loadSync(
    ['Qot_UpdateBasicQot.proto', 'Qot_UpdateKL.proto', 'Qot_UpdateOrderBook.proto', 'Qot_UpdateTicker.proto', 'Trd_UpdateOrder.proto', 'Trd_UpdateOrderFill.proto'],
    { keepCase: true },
  );
  return root;
}

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

const root = official();

describe('body_b64 decoding with the official definitions', () => {
  it('decodes Qot_UpdateBasicQot.Response (proto_id 3005)', () => {
    const T = root.lookupType('Qot_UpdateBasicQot.Response');
    const msg = T.fromObject({
      retType: 0,
      s2c: {
        basicQotList: [
          {
            security: { market: 1, code: '00700' },
            name: 'TENCENT',
            isSuspended: false,
            listTime: '2004-06-16',
            priceSpread: 0.2,
            updateTime: '2026-11-24 10:00:01',
            highPrice: 391.4,
            openPrice: 385,
            lowPrice: 383.2,
            curPrice: 390.6,
            lastClosePrice: 386,
            volume: 12345678901,
            turnover: 4.8e9,
            turnoverRate: 0.13,
            amplitude: 2.13,
            updateTimestamp: 1795000001.5,
          },
        ],
      },
    });
    const wire = base64ToBytes(b64(T.encode(msg).finish()));
    const [q] = decodeBasicQot(wire);
    expect(q).toEqual({
      secKey: 'HK.00700',
      name: 'TENCENT',
      curPrice: 390.6,
      lastClosePrice: 386,
      openPrice: 385,
      highPrice: 391.4,
      lowPrice: 383.2,
      volume: 12345678901,
      updateTime: '2026-11-24 10:00:01',
    });
    // The generic decode keeps every field, with Futu's names.
    const raw = futu.decode('Qot_UpdateBasicQot.Response', wire);
    expect(raw.retType).toBe(0);
    const first = ((raw.s2c as { basicQotList: Record<string, unknown>[] }).basicQotList)[0];
    expect(first.turnoverRate).toBe(0.13);
    expect(first.volume).toBe(12345678901n);
  });

  it('names US securities by their QotMarket (11)', () => {
    const T = root.lookupType('Qot_UpdateBasicQot.Response');
    const bytes = T.encode(
      T.fromObject({
        retType: 0,
        s2c: { basicQotList: [{ security: { market: 11, code: 'AAPL' }, isSuspended: false, listTime: '', priceSpread: 0.01, updateTime: '', highPrice: 1, openPrice: 1, lowPrice: 1, curPrice: 1, lastClosePrice: 1, volume: 1, turnover: 1, turnoverRate: 0, amplitude: 0 }] },
      }),
    ).finish();
    expect(decodeBasicQot(bytes)[0].secKey).toBe('US.AAPL');
  });

  it('decodes Trd_UpdateOrder.Response (2208) with a 64-bit order id exactly', () => {
    const T = root.lookupType('Trd_UpdateOrder.Response');
    const bytes = T.encode(
      T.fromObject({
        retType: 0,
        s2c: {
          header: { trdEnv: 0, accID: '1001', trdMarket: 1 },
          order: {
            trdSide: 1, orderType: 1, orderStatus: 10, orderID: '9007199254740993', orderIDEx: 'x1',
            code: '00700', name: 'TENCENT', qty: 300, price: 390.2, createTime: '2026-11-24 10:00:00',
            updateTime: '2026-11-24 10:00:02', fillQty: 100, fillAvgPrice: 390.1, remark: 'panel',
          },
        },
      }),
    ).finish();
    expect(decodeOrderUpdate(bytes)).toEqual({
      accId: '1001', orderId: '9007199254740993', code: '00700', name: 'TENCENT', trdSide: 1, orderType: 1,
      orderStatus: 10, qty: 300, price: 390.2, fillQty: 100, fillAvgPrice: 390.1, updateTime: '2026-11-24 10:00:02', lastErrMsg: '',
    });
    expect(orderStatusName(10)).toBe('Filled Part');
    expect(orderStatusName(15)).toBe('Cancelled All');
  });

  it('decodes Trd_UpdateOrderFill.Response (2218)', () => {
    const T = root.lookupType('Trd_UpdateOrderFill.Response');
    const bytes = T.encode(
      T.fromObject({
        retType: 0,
        s2c: {
          header: { trdEnv: 0, accID: '1002', trdMarket: 2 },
          orderFill: { trdSide: 2, fillID: '77', fillIDEx: 'f77', orderID: '42', code: 'AAPL', name: 'Apple', qty: 5, price: 190.5, createTime: 't' },
        },
      }),
    ).finish();
    expect(decodeFillUpdate(bytes)).toEqual({ accId: '1002', fillId: '77', orderId: '42', code: 'AAPL', qty: 5, price: 190.5 });
  });

  it('skips unknown fields and decodes packed repeated scalars', () => {
    // Field 99 is not in BasicQot; an unknown length-delimited field must be skipped.
    const T = root.lookupType('Qot_UpdateBasicQot.Response');
    const w = protobuf.Writer.create();
    w.uint32((99 << 3) | 2).string('future field');
    const known = T.encode(T.fromObject({ retType: -1, retMsg: 'no' })).finish();
    const bytes = new Uint8Array([...w.finish(), ...known]);
    expect(futu.decode('Qot_UpdateBasicQot.Response', bytes)).toEqual({ retType: -1, retMsg: 'no' });
  });

  it('refuses truncated input', () => {
    const T = root.lookupType('Qot_UpdateBasicQot.Response');
    const bytes = T.encode(T.fromObject({ retType: 0, s2c: { basicQotList: [{ security: { market: 1, code: '00700' } }] } })).finish();
    expect(() => futu.decode('Qot_UpdateBasicQot.Response', bytes.subarray(0, bytes.length - 3))).toThrow();
  });

  it('holds only the messages the panel needs', () => {
    const json = require('../src/proto/futu-descriptor.json');
    expect(Object.keys(json.descriptor.nested).sort()).toEqual([
      'Qot_Common', 'Qot_UpdateBasicQot', 'Qot_UpdateBroker', 'Qot_UpdateKL', 'Qot_UpdateOrderBook', 'Qot_UpdateRT', 'Qot_UpdateTicker', 'Trd_Common', 'Trd_UpdateOrder', 'Trd_UpdateOrderFill',
    ]);
    // Only what the pushes reach: the broker queue (3015) and intraday points (3009), not the rest of Qot_Common.
    expect(Object.keys(json.descriptor.nested.Qot_Common.nested)).toContain('Broker');
    expect(Object.keys(json.descriptor.nested.Qot_Common.nested)).not.toContain('SecurityStaticInfo');
  });

  it('decodes Qot_UpdateKL.Response (proto_id 3007)', () => {
    const T = root.lookupType('Qot_UpdateKL.Response');
    const bytes = T.encode(
      T.fromObject({
        retType: 0,
        s2c: {
          rehabType: 1,
          klType: 2,
          security: { market: 1, code: '00700' },
          name: 'TENCENT',
          klList: [{ time: '2026-12-04 00:00:00', isBlank: false, highPrice: 486, openPrice: 480.2, lowPrice: 479.6, closePrice: 484.6, volume: 123456789012, turnover: 5.9e10, timestamp: 1796313600 }],
        },
      }),
    ).finish();
    expect(decodeKL(base64ToBytes(b64(bytes)))).toEqual({
      secKey: 'HK.00700',
      klType: 2,
      rehabType: 1,
      bars: [{ time: '2026-12-04 00:00:00', isBlank: false, open: 480.2, high: 486, low: 479.6, close: 484.6, volume: 123456789012, turnover: 5.9e10 }],
    });
  });

  it('decodes Qot_UpdateOrderBook.Response (proto_id 3013)', () => {
    const T = root.lookupType('Qot_UpdateOrderBook.Response');
    const bytes = T.encode(
      T.fromObject({
        retType: 0,
        s2c: {
          security: { market: 11, code: 'AAPL' },
          orderBookAskList: [{ price: 236.2, volume: 300, orederCount: 2 }, { price: 236.3, volume: 100, orederCount: 1 }],
          orderBookBidList: [{ price: 236.1, volume: 500, orederCount: 4, detailList: [{ orderID: 1, volume: 100 }] }],
        },
      }),
    ).finish();
    expect(decodeOrderBook(bytes)).toEqual({
      secKey: 'US.AAPL',
      asks: [{ price: 236.2, volume: 300, orders: 2 }, { price: 236.3, volume: 100, orders: 1 }],
      bids: [{ price: 236.1, volume: 500, orders: 4 }],
    });
  });

  it('decodes Qot_UpdateTicker.Response (proto_id 3011) with 64-bit sequences', () => {
    const T = root.lookupType('Qot_UpdateTicker.Response');
    const bytes = T.encode(
      T.fromObject({
        retType: 0,
        s2c: {
          security: { market: 1, code: '00700' },
          tickerList: [
            { time: '2026-12-06 17:13:53.703', sequence: '7212345678901234567', dir: 1, price: 484, volume: 1200, turnover: 580800, type: 1 },
            { time: '2026-12-06 17:13:54.001', sequence: '7212345678901234568', dir: 2, price: 483.8, volume: 100, turnover: 48380 },
          ],
        },
      }),
    ).finish();
    expect(decodeTicker(bytes)).toEqual({
      secKey: 'HK.00700',
      ticks: [
        { sequence: '7212345678901234567', time: '2026-12-06 17:13:53.703', price: 484, volume: 1200, dir: 1 },
        { sequence: '7212345678901234568', time: '2026-12-06 17:13:54.001', price: 483.8, volume: 100, dir: 2 },
      ],
    });
  });
});
