// Compares our descriptors (a decoded google.protobuf.FileDescriptorSet) with the
// official protobufjs definitions: every message, field and enum value we define must
// exist in the official files with the same number, label and type, and every message,
// field, enum and enum value of an official package we define must exist in ours (our
// files are generated whole from the official ones by gen-opend-protos.mjs).
import protobuf from 'protobufjs';
import { OUR_PREFIX, officialName } from './official.mjs';

// FieldDescriptorProto.Type numbers mapped to protobufjs scalar type names.
const SCALARS = {
  1: 'double', 2: 'float', 3: 'int64', 4: 'uint64', 5: 'int32', 6: 'fixed64', 7: 'fixed32',
  8: 'bool', 9: 'string', 12: 'bytes', 13: 'uint32', 15: 'sfixed32', 16: 'sfixed64',
  17: 'sint32', 18: 'sint64',
};
const TYPE_GROUP = 10;
const TYPE_MESSAGE = 11;
const TYPE_ENUM = 14;
const LABELS = { 1: 'optional', 2: 'required', 3: 'repeated' };

// compareDescriptors returns { problems: string[], stats } for the files of fds whose
// package starts with futu.opend.; an empty problems list means we match.
export function compareDescriptors(fds, official) {
  const out = { problems: [], stats: { files: 0, messages: 0, fields: 0, enums: 0, values: 0 } };
  for (const file of fds.file ?? []) {
    const pkg = file.package ?? '';
    if (!pkg.startsWith(OUR_PREFIX)) continue;
    out.stats.files++;
    if (officialName(official.packages, pkg) === null) {
      out.problems.push(`${file.name}: package ${pkg} has no official counterpart`);
      continue;
    }
    const ours = new Set();
    for (const m of file.messageType ?? []) compareMessage(out, official, `${pkg}.${m.name}`, m, ours);
    for (const e of file.enumType ?? []) compareEnum(out, official, `${pkg}.${e.name}`, e, ours);
    findMissing(out, official.root.lookup(officialName(official.packages, pkg)), file.name, ours);
  }
  return out;
}

// findMissing reports what the official package ns defines and ours (the official
// names of what we define, collected by compareMessage and compareEnum) lacks.
function findMissing(out, ns, fileName, ours) {
  for (const obj of ns.nestedArray) {
    const name = obj.fullName.slice(1);
    if (obj instanceof protobuf.Type) {
      if (!ours.has(name)) {
        out.problems.push(`${fileName}: official message ${name} is missing`);
        continue;
      }
      for (const f of obj.fieldsArray) {
        if (!ours.has(`${name}.${f.name}`)) out.problems.push(`${fileName}: official field ${name}.${f.name} is missing`);
      }
      findMissing(out, obj, fileName, ours);
    } else if (obj instanceof protobuf.Enum) {
      if (!ours.has(name)) {
        out.problems.push(`${fileName}: official enum ${name} is missing`);
        continue;
      }
      for (const v of Object.keys(obj.values)) {
        if (!ours.has(`${name}.${v}`)) out.problems.push(`${fileName}: official enum value ${name}.${v} is missing`);
      }
    }
  }
}

function lookup(official, ourName) {
  const name = officialName(official.packages, ourName);
  if (name === null) return { name: '(none)', obj: null };
  try {
    return { name, obj: official.root.lookup(name) };
  } catch {
    return { name, obj: null };
  }
}

function compareMessage(out, official, ourName, msg, ours) {
  out.stats.messages++;
  const { name, obj } = lookup(official, ourName);
  if (!(obj instanceof protobuf.Type)) {
    out.problems.push(`message ${ourName}: official message ${name} not found`);
    return;
  }
  ours.add(name);
  for (const f of msg.field ?? []) {
    out.stats.fields++;
    ours.add(`${name}.${f.name}`);
    compareField(out, official, `${ourName}.${f.name}`, f, obj);
  }
  for (const m of msg.nestedType ?? []) compareMessage(out, official, `${ourName}.${m.name}`, m, ours);
  for (const e of msg.enumType ?? []) compareEnum(out, official, `${ourName}.${e.name}`, e, ours);
}

function compareField(out, official, where, f, type) {
  const of = type.fields[f.name];
  if (of === undefined) {
    out.problems.push(`field ${where}: no field ${f.name} in official ${type.fullName.slice(1)}`);
    return;
  }
  const officialWhere = `official ${of.fullName.slice(1)}`;
  if (of.id !== f.number) {
    out.problems.push(`field ${where}: number ${f.number}, ${officialWhere} has ${of.id}`);
  }
  const label = LABELS[f.label] ?? `label#${f.label}`;
  const officialLabel = of.repeated ? 'repeated' : of.required ? 'required' : 'optional';
  if (label !== officialLabel) {
    out.problems.push(`field ${where}: label ${label}, ${officialWhere} is ${officialLabel}`);
  }
  if (of.map) {
    out.problems.push(`field ${where}: ${officialWhere} is a map field`);
    return;
  }
  const ours = ourType(f);
  const theirs = officialType(of);
  if (ours !== theirs) {
    out.problems.push(`field ${where}: type ${ours}, ${officialWhere} has ${theirs}`);
  }
  const packed = Boolean(f.options?.packed);
  if (of.repeated && packed !== Boolean(of.packed)) {
    out.problems.push(`field ${where}: packed=${packed}, ${officialWhere} packed=${Boolean(of.packed)}`);
  }

  function ourType(fd) {
    if (fd.type === TYPE_MESSAGE || fd.type === TYPE_ENUM || fd.type === TYPE_GROUP) {
      const kind = fd.type === TYPE_ENUM ? 'enum' : fd.type === TYPE_GROUP ? 'group' : 'message';
      const mapped = officialName(official.packages, fd.typeName ?? '');
      return `${kind} ${mapped ?? `(unmapped ${fd.typeName})`}`;
    }
    return SCALARS[fd.type] ?? `type#${fd.type}`;
  }
}

function officialType(of) {
  if (of.resolvedType instanceof protobuf.Enum) return `enum ${of.resolvedType.fullName.slice(1)}`;
  if (of.resolvedType instanceof protobuf.Type) return `message ${of.resolvedType.fullName.slice(1)}`;
  return of.type;
}

function compareEnum(out, official, ourName, en, ours) {
  out.stats.enums++;
  const { name, obj } = lookup(official, ourName);
  if (!(obj instanceof protobuf.Enum)) {
    out.problems.push(`enum ${ourName}: official enum ${name} not found`);
    return;
  }
  ours.add(name);
  for (const v of en.value ?? []) {
    out.stats.values++;
    ours.add(`${name}.${v.name}`);
    const theirs = obj.values[v.name];
    if (theirs === undefined) {
      out.problems.push(`enum value ${ourName}.${v.name}: not in official ${name}`);
    } else if (theirs !== (v.number ?? 0)) {
      out.problems.push(`enum value ${ourName}.${v.name}: number ${v.number ?? 0}, official ${name} has ${theirs}`);
    }
  }
}
