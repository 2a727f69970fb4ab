// Builds official messages with every field populated (deterministic, non-default
// values), so the Go side can check that it reads what an official SDK writes.
import protobuf from 'protobufjs';

// MAX_DEPTH bounds recursion into optional and repeated message fields; required
// message fields are always filled because the Go side refuses messages without them.
const MAX_DEPTH = 4;
const HARD_LIMIT = 16;

// fillOfficial returns a plain object for type.fromObject with every field set.
export function fillOfficial(type, depth = 0) {
  if (depth > HARD_LIMIT) throw new Error(`fill: required fields nest deeper than ${HARD_LIMIT} at ${type.fullName}`);
  const obj = {};
  for (const f of type.fieldsArray) {
    f.resolve();
    const isMessage = f.resolvedType instanceof protobuf.Type;
    if (isMessage && depth >= MAX_DEPTH && !f.required) continue;
    if (f.map) continue;
    obj[f.name] = f.repeated ? [valueFor(f, 0, depth), valueFor(f, 1, depth)] : valueFor(f, 0, depth);
  }
  return obj;
}

function valueFor(f, k, depth) {
  if (f.resolvedType instanceof protobuf.Type) return fillOfficial(f.resolvedType, depth + 1);
  if (f.resolvedType instanceof protobuf.Enum) return enumValue(f.resolvedType, k);
  const n = f.id * 10 + k + 1;
  switch (f.type) {
    case 'double': return n + 0.25;
    case 'float': return n + 0.5;
    case 'int32': case 'sint32': case 'sfixed32': return -n;
    case 'uint32': case 'fixed32': return n;
    case 'int64': case 'sint64': case 'sfixed64': return (-(2n ** 40n) - BigInt(n)).toString();
    case 'uint64': case 'fixed64': return (2n ** 63n + BigInt(n)).toString();
    case 'bool': return true;
    case 'string': return `official-${f.name}-${k}`;
    case 'bytes': return Buffer.from(`bytes-${f.name}-${k}`).toString('base64');
    default: throw new Error(`fill: unsupported type ${f.type} of ${f.fullName}`);
  }
}

// enumValue picks non-zero values in declaration order so they are not defaults.
function enumValue(en, k) {
  const nonZero = Object.values(en.values).filter((v) => v !== 0);
  if (nonZero.length === 0) return 0;
  return nonZero[k % nonZero.length];
}
