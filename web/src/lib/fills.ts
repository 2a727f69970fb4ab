// Fills: one list from two sources, POST /api/order-fills (on load) and the 2218 pushes
// (Trd_UpdateOrderFill): merged by fill id, newest first, so a push that races the
// REST read or repeats never shows a fill twice.

/** A fill as the panel shows it (REST field names; trd_side a name or Futu's number). */
export type Fill = {
  fill_id: string;
  order_id: string;
  code: string;
  name: string;
  trd_side: string | number;
  qty: number;
  price: number;
  create_time: string;
};

/** The most fills kept: the list is for today, and a busy day should not grow it forever. */
export const MAX_FILLS = 500;

/** mergeFills adds incoming fills (a later copy of a fill replaces the earlier one), newest first. */
export function mergeFills(current: readonly Fill[], incoming: readonly Fill[]): Fill[] {
  const byId = new Map<string, Fill>();
  for (const f of current) if (f.fill_id) byId.set(f.fill_id, f);
  for (const f of incoming) {
    if (!f.fill_id) continue;
    const old = byId.get(f.fill_id);
    // A push may lack what the REST answer had (a name): keep what is known.
    byId.set(f.fill_id, old ? { ...old, ...Object.fromEntries(Object.entries(f).filter(([, v]) => v !== '' && v !== undefined)) } : f);
  }
  return [...byId.values()].sort(compareFills).slice(0, MAX_FILLS);
}

function compareFills(a: Fill, b: Fill): number {
  return (b.create_time || '').localeCompare(a.create_time || '') || cmpId(b.fill_id, a.fill_id);
}

/** Fill ids are uint64 decimal strings: compare by length, then text. */
function cmpId(a: string, b: string): number {
  return a.length - b.length || a.localeCompare(b);
}

/** fillsValue sums qty x price (the consideration of a list of fills). */
export function fillsValue(list: readonly Fill[]): number {
  return list.reduce((s, f) => s + f.qty * f.price, 0);
}
