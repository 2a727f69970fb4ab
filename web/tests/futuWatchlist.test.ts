// The Futu watchlist's reads and the intraday / broker decoding.
import { describe, expect, it } from 'vitest';
import protobuf from 'protobufjs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ApiError } from '../src/api/client';
import { groupsFromJSON, isScopeRefusal, pickGroup, refusalText, securitiesFromJSON } from '../src/lib/futuWatchlist';
import { brokerFromJSON, decodeBroker, decodeRT, mergeRT, rtFromJSON } from '../src/proto/decodeMarket';

describe('Futu watchlist', () => {
  const groups = groupsFromJSON({
    group_list: [
      { group_name: 'All', group_type: 'GROUP_TYPE_SYSTEM' },
      { group_name: 'Favourites', group_type: 'GROUP_TYPE_CUSTOM' },
      { group_name: 'Watching', group_type: 1 },
    ],
  });
  it('lists custom groups first', () => {
    expect(groups).toEqual([
      { name: 'Favourites', custom: true },
      { name: 'Watching', custom: true },
      { name: 'All', custom: false },
    ]);
  });
  it('keeps the remembered group only while it exists', () => {
    expect(pickGroup(groups, 'Watching')).toBe('Watching');
    expect(pickGroup(groups, 'Gone')).toBe('Favourites');
    expect(pickGroup([], null)).toBe('');
  });
  it('reads the group securities', () => {
    const s = securitiesFromJSON({
      static_info_list: [{ basic: { security: { market: 1, code: '00700' }, name: 'TENCENT' } }, { basic: { security: { market: 11, code: 'AAPL' }, name: 'Apple Inc.' } }],
    });
    expect(s.map((x) => [x.key, x.name])).toEqual([['HK.00700', 'TENCENT'], ['US.AAPL', 'Apple Inc.']]);
  });
  it('tells a scope refusal', () => {
    const e = new ApiError(403, { error: 'this key lacks scope qot:write', reason: 'scope_denied' }, 'HTTP 403');
    expect(isScopeRefusal(e)).toBe(true);
    expect(refusalText(e)).toBe('this key lacks scope qot:write');
    expect(isScopeRefusal(new ApiError(500, {}, 'x'))).toBe(false);
  });
});

const dir = path.join(path.dirname(createRequire(import.meta.url).resolve('futu-api/package.json')), 'proto');
const root = new protobuf.Root();
root.resolvePath = (_o, target) => path.join(dir, path.basename(target));
root.loadSync(['Qot_UpdateRT.proto', 'Qot_UpdateBroker.proto'], { keepCase: true });

describe('intraday and broker pushes', () => {
  it('decodes 3009 with the official definitions, skipping blank minutes', () => {
    const T = root.lookupType('Qot_UpdateRT.Response');
    const bytes = T.encode(
      T.fromObject({
        retType: 0,
        s2c: {
          security: { market: 1, code: '00700' },
          rtList: [
            { time: '2026-12-04 09:31:00', minute: 571, isBlank: false, price: 498.8, avgPrice: 499.1, volume: 1100, timestamp: 1796347860 },
            { time: '2026-12-04 09:32:00', minute: 572, isBlank: true },
          ],
        },
      }),
    ).finish();
    const r = decodeRT(bytes)!;
    expect(r.secKey).toBe('HK.00700');
    expect(r.points).toEqual([{ ts: 1796347860, minute: 571, price: 498.8, avg: 499.1, volume: 1100, lastClose: 0 }]);
  });
  it('reads /api/rt and merges pushes by minute', () => {
    const rest = rtFromJSON([
      { time: 'a', minute: 571, is_blank: false, price: 1, avg_price: 1, volume: '10', last_close_price: 2, timestamp: 60 },
      { time: 'b', minute: 572, is_blank: false, price: 2, avg_price: 1.5, volume: '10', last_close_price: 2, timestamp: 120 },
    ]);
    expect(rest[1]).toEqual({ ts: 120, minute: 572, price: 2, avg: 1.5, volume: 10, lastClose: 2 });
    const merged = mergeRT(rest, [{ ts: 120, minute: 572, price: 3, avg: 2, volume: 20, lastClose: 2 }, { ts: 180, minute: 573, price: 4, avg: 2.5, volume: 5, lastClose: 2 }]);
    expect(merged.map((p) => [p.ts, p.price])).toEqual([[60, 1], [120, 3], [180, 4]]);
  });
  it('decodes 3015 and reads /api/broker', () => {
    const T = root.lookupType('Qot_UpdateBroker.Response');
    const bytes = T.encode(
      T.fromObject({ retType: 0, s2c: { security: { market: 1, code: '00700' }, brokerAskList: [{ id: 9734, name: 'A', pos: 1 }], brokerBidList: [{ id: 4176, name: 'B', pos: 2 }] } }),
    ).finish();
    expect(decodeBroker(bytes)).toEqual({ secKey: 'HK.00700', asks: [{ id: '9734', name: 'A', pos: 1 }], bids: [{ id: '4176', name: 'B', pos: 2 }] });
    expect(brokerFromJSON('HK.00700', { broker_bid_list: [{ id: '1', name: 'X', pos: 1 }] })).toEqual({ secKey: 'HK.00700', asks: [], bids: [{ id: '1', name: 'X', pos: 1 }] });
  });
});
