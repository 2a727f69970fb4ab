// An order's status arrives in two forms: the REST API (POST /api/orders) names it
// ("ORDER_STATUS_SUBMITTED"), the 2208 order pushes decoded with Futu's protobuf carry
// Trd_Common.OrderStatus as a number (5); older servers sent the number over REST too.
// Both map to one numeric code (for logic: can it be cancelled, which colour) and one
// human label, so an order reads the same whichever path updated it last.
import type { OrderStatusName } from '../api/types';

/** ORDER_STATUS_CODES maps the REST enum names to Trd_Common.OrderStatus numbers. */
export const ORDER_STATUS_CODES: Readonly<Record<OrderStatusName, number>> = {
  ORDER_STATUS_UNSUBMITTED: 0,
  ORDER_STATUS_UNKNOWN: -1,
  ORDER_STATUS_WAITING_SUBMIT: 1,
  ORDER_STATUS_SUBMITTING: 2,
  ORDER_STATUS_SUBMIT_FAILED: 3,
  ORDER_STATUS_TIMEOUT: 4,
  ORDER_STATUS_SUBMITTED: 5,
  ORDER_STATUS_FILLED_PART: 10,
  ORDER_STATUS_FILLED_ALL: 11,
  ORDER_STATUS_CANCELLING_PART: 12,
  ORDER_STATUS_CANCELLING_ALL: 13,
  ORDER_STATUS_CANCELLED_PART: 14,
  ORDER_STATUS_CANCELLED_ALL: 15,
  ORDER_STATUS_FAILED: 21,
  ORDER_STATUS_DISABLED: 22,
  ORDER_STATUS_DELETED: 23,
  ORDER_STATUS_FILL_CANCELLED: 24,
};

const PREFIX = 'ORDER_STATUS_';

const NAME_BY_CODE = new Map<number, string>(Object.entries(ORDER_STATUS_CODES).map(([name, code]) => [code, name]));

/** Statuses whose order can still be cancelled: waiting, submitting, submitted, part filled. */
export const CANCELLABLE_STATUS_CODES: ReadonlySet<number> = new Set([1, 2, 5, 10]);

/**
 * orderStatusCode returns the Trd_Common.OrderStatus number for either form (also a
 * number sent as a JSON string), or null when the value is absent or unknown.
 */
export function orderStatusCode(v: unknown): number | null {
  if (typeof v === 'number') return Number.isInteger(v) ? v : null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v !== 'string') return null;
  const s = v.trim();
  if (/^-?\d+$/.test(s)) return Number(s);
  const name = s.toUpperCase();
  const code = (ORDER_STATUS_CODES as Record<string, number>)[name] ?? (ORDER_STATUS_CODES as Record<string, number>)[PREFIX + name];
  return code ?? null;
}

/** "ORDER_STATUS_CANCELLED_ALL" -> "Cancelled All". */
function humanize(name: string): string {
  return name
    .replace(new RegExp(`^${PREFIX}`), '')
    .toLowerCase()
    .split('_')
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join(' ');
}

/**
 * orderStatusLabel is the text the panel shows: the same for the name and the number
 * ("Submitted", "Filled Part", "Cancelled All"); an unknown number reads "status 99",
 * an unknown name is humanized as it comes.
 */
export function orderStatusLabel(v: unknown): string {
  const code = orderStatusCode(v);
  if (code !== null) {
    const name = NAME_BY_CODE.get(code);
    return name ? humanize(name) : `status ${code}`;
  }
  if (typeof v === 'string' && v.trim()) return humanize(v.trim().toUpperCase());
  return '–';
}

/** orderStatusName is the REST enum name for either form (null when absent or unknown). */
export function orderStatusName(v: unknown): string | null {
  const code = orderStatusCode(v);
  return code === null ? null : NAME_BY_CODE.get(code) ?? null;
}

/** orderStatusCancellable: whether an order in this status may still be cancelled. */
export function orderStatusCancellable(v: unknown): boolean {
  const code = orderStatusCode(v);
  return code !== null && CANCELLABLE_STATUS_CODES.has(code);
}
