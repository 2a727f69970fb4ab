// Stands in for Node's `util` in the browser bundle of futu-api, whose base.js uses only
// util.format("ws://%s:%d", ip, port). format fills %s and %d (and %% for a percent),
// as Node's does for these; it throws on any other directive rather than guess.
export function format(fmt, ...args) {
  let i = 0;
  return String(fmt).replace(/%([sd%])|%(.)/g, (_m, k, other) => {
    if (other !== undefined) throw new Error(`util shim: %${other} is not supported`);
    if (k === '%') return '%';
    const v = args[i++];
    return k === 'd' ? String(Number(v)) : String(v);
  });
}

export default { format };
