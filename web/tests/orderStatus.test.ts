// order_status arrives as the REST enum name or as Futu's number (2208 pushes); both
// must read the same.
import { describe, expect, it } from 'vitest';
import type { OrderStatusName } from '../src/api/types';
import { ORDER_STATUS_CODES, orderStatusCancellable, orderStatusCode, orderStatusLabel } from '../src/lib/orderStatus';
import { futu, orderStatusName } from '../src/proto/decode';

const TABLE: Array<[OrderStatusName, number, string, boolean]> = [
  ['ORDER_STATUS_UNSUBMITTED', 0, 'Unsubmitted', false],
  ['ORDER_STATUS_UNKNOWN', -1, 'Unknown', false],
  ['ORDER_STATUS_WAITING_SUBMIT', 1, 'Waiting Submit', true],
  ['ORDER_STATUS_SUBMITTING', 2, 'Submitting', true],
  ['ORDER_STATUS_SUBMIT_FAILED', 3, 'Submit Failed', false],
  ['ORDER_STATUS_TIMEOUT', 4, 'Timeout', false],
  ['ORDER_STATUS_SUBMITTED', 5, 'Submitted', true],
  ['ORDER_STATUS_FILLED_PART', 10, 'Filled Part', true],
  ['ORDER_STATUS_FILLED_ALL', 11, 'Filled All', false],
  ['ORDER_STATUS_CANCELLING_PART', 12, 'Cancelling Part', false],
  ['ORDER_STATUS_CANCELLING_ALL', 13, 'Cancelling All', false],
  ['ORDER_STATUS_CANCELLED_PART', 14, 'Cancelled Part', false],
  ['ORDER_STATUS_CANCELLED_ALL', 15, 'Cancelled All', false],
  ['ORDER_STATUS_FAILED', 21, 'Failed', false],
  ['ORDER_STATUS_DISABLED', 22, 'Disabled', false],
  ['ORDER_STATUS_DELETED', 23, 'Deleted', false],
  ['ORDER_STATUS_FILL_CANCELLED', 24, 'Fill Cancelled', false],
];

describe('order status: name and number', () => {
  for (const [name, code, label, cancellable] of TABLE) {
    it(`${name} = ${code} reads "${label}"`, () => {
      expect(orderStatusCode(name)).toBe(code);
      expect(orderStatusCode(code)).toBe(code);
      expect(orderStatusCode(String(code))).toBe(code);
      expect(orderStatusLabel(name)).toBe(label);
      expect(orderStatusLabel(code)).toBe(label);
      expect(orderStatusName(code)).toBe(label);
      expect(orderStatusCancellable(name)).toBe(cancellable);
      expect(orderStatusCancellable(code)).toBe(cancellable);
      // The number is the one Futu's Trd_Common.OrderStatus gives this status.
      expect(futu.enumName('Trd_Common.OrderStatus', code)?.replace(/_/g, '').toLowerCase()).toBe(
        'orderstatus' + name.replace(/^ORDER_STATUS_/, '').replace(/_/g, '').toLowerCase(),
      );
    });
  }

  it('covers every Trd_Common.OrderStatus value of the official .proto, once', () => {
    const official = new Set<number>();
    for (let v = -1; v <= 100; v++) if (futu.enumName('Trd_Common.OrderStatus', v)) official.add(v);
    expect(new Set(Object.values(ORDER_STATUS_CODES))).toEqual(official);
    expect(Object.keys(ORDER_STATUS_CODES)).toEqual(TABLE.map((r) => r[0]));
  });

  it('keeps unknown and absent values readable', () => {
    expect(orderStatusCode(99)).toBe(99);
    expect(orderStatusLabel(99)).toBe('status 99');
    expect(orderStatusCode('ORDER_STATUS_NEW_THING')).toBeNull();
    expect(orderStatusLabel('ORDER_STATUS_NEW_THING')).toBe('New Thing');
    expect(orderStatusCancellable('ORDER_STATUS_NEW_THING')).toBe(false);
    expect(orderStatusCode(undefined)).toBeNull();
    expect(orderStatusCode(null)).toBeNull();
    expect(orderStatusLabel(undefined)).toBe('–');
    expect(orderStatusLabel('')).toBe('–');
    expect(orderStatusCode(5.5)).toBeNull();
    expect(orderStatusCode(5n)).toBe(5);
  });
});
