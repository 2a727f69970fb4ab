// Generates our OpenD definitions (api/proto/futu/opend/*.proto) from Futu's official
// ones in the npm package futu-api: one proto2 file for every package that has a proto
// id (lib/protoids.mjs, the twin of opend/protoid/table_gen.go), plus the packages
// their messages use (Common, Qot_Common, Trd_Common, ...). A file holds the structure
// only: messages, nested messages, enums and their values, fields with their labels,
// types, numbers and defaults, in the official order. Official comments are not copied.
// Each package becomes futu.opend.<name lower case, no underscores> in a file named
// after the official package in snake case (Qot_GetBasicQot -> qot_get_basic_qot.proto).
//
// It also writes opend/conformance/imports_gen_test.go, the blank imports that register
// every generated Go package for the conformance tests.
//
// Usage: node gen-opend-protos.mjs [--check]   (--check fails when a written file is stale)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import protobuf from 'protobufjs';
import { loadOfficial, shortName, OUR_PREFIX } from './lib/official.mjs';
import { PROTOS } from './lib/protoids.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.join(here, '..', '..');
const PROTO_DIR = path.join(repo, 'api', 'proto', 'futu', 'opend');
const IMPORTS_OUT = path.join(repo, 'opend', 'conformance', 'imports_gen_test.go');
const GO_MODULE = 'github.com/futugw/gateway/api/gen/go';

// fileName is the snake case of an official package: Qot_GetBasicQot -> qot_get_basic_qot,
// Qot_RequestHistoryKLQuota -> qot_request_history_kl_quota.
function fileName(officialPackage) {
  return officialPackage
    .split('_')
    .map((part) => part
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
      .toLowerCase())
    .join('_');
}

const ourPackage = (official) => `${OUR_PREFIX}${shortName(official)}`;
const goImportPath = (official) => `${GO_MODULE}/futu/opend/${shortName(official)}`;

// packageOf returns the official package (the top-level namespace) of a reflection object.
function packageOf(obj) {
  let ns = obj;
  while (ns.parent && ns.parent.parent) ns = ns.parent;
  return ns.name;
}

// ourTypeName maps a resolved official type onto our fully qualified name.
function ourTypeName(type) {
  const full = type.fullName.slice(1);
  const dot = full.indexOf('.');
  return `.${ourPackage(full.slice(0, dot))}${full.slice(dot)}`;
}

// usedPackages returns the other official packages whose types the messages of ns use.
function usedPackages(ns) {
  const used = new Set();
  const walk = (obj) => {
    if (obj instanceof protobuf.Type) {
      for (const f of obj.fieldsArray) {
        if (f.resolvedType) used.add(packageOf(f.resolvedType));
      }
    }
    for (const nested of obj.nestedArray ?? []) walk(nested);
  };
  walk(ns);
  used.delete(ns.name);
  return [...used].sort();
}

// packagesToWrite is every package with a proto id plus, transitively, the packages
// their messages use.
function packagesToWrite(root) {
  const want = new Set();
  const add = (name) => {
    if (want.has(name)) return;
    const ns = root.lookup(name);
    if (!(ns instanceof protobuf.Namespace) || ns instanceof protobuf.Type) {
      throw new Error(`${name}: not an official package`);
    }
    want.add(name);
    for (const dep of usedPackages(ns)) add(dep);
  };
  for (const p of PROTOS) add(p.name);
  return [...want].sort();
}

function defaultValue(v) {
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}

function fieldLine(f, indent) {
  const label = f.repeated ? 'repeated' : f.required ? 'required' : 'optional';
  if (f.map) throw new Error(`${f.fullName}: map fields are not supported`);
  const type = f.resolvedType ? ourTypeName(f.resolvedType) : f.type;
  const opts = [];
  if (f.options && 'default' in f.options) opts.push(`default = ${defaultValue(f.options.default)}`);
  if (f.options?.packed) opts.push('packed = true');
  for (const k of Object.keys(f.options ?? {})) {
    if (k !== 'default' && k !== 'packed') throw new Error(`${f.fullName}: option ${k} is not supported`);
  }
  const suffix = opts.length ? ` [${opts.join(', ')}]` : '';
  return `${indent}${label} ${type} ${f.name} = ${f.id}${suffix};`;
}

function enumLines(e, indent) {
  const lines = [`${indent}enum ${e.name} {`];
  for (const k of Object.keys(e.options ?? {})) {
    if (k !== 'allow_alias') throw new Error(`${e.fullName}: option ${k} is not supported`);
  }
  if (e.options?.allow_alias) lines.push(`${indent}  option allow_alias = true;`);
  for (const [name, value] of Object.entries(e.values)) lines.push(`${indent}  ${name} = ${value};`);
  lines.push(`${indent}}`);
  return lines;
}

function messageLines(t, indent) {
  if (t.oneofsArray.length) throw new Error(`${t.fullName}: oneofs are not supported`);
  if (t.reserved?.length) throw new Error(`${t.fullName}: reserved ranges are not supported`);
  if (t.extensions?.length) throw new Error(`${t.fullName}: extension ranges are not supported`);
  const lines = [`${indent}message ${t.name} {`];
  for (const nested of t.nestedArray) lines.push(...nestedLines(nested, `${indent}  `));
  for (const f of t.fieldsArray) lines.push(fieldLine(f, `${indent}  `));
  lines.push(`${indent}}`);
  return lines;
}

function nestedLines(obj, indent) {
  if (obj instanceof protobuf.Type) return messageLines(obj, indent);
  if (obj instanceof protobuf.Enum) return enumLines(obj, indent);
  throw new Error(`${obj.fullName}: ${obj.constructor.name} is not supported`);
}

function protoFile(root, name, version) {
  const ns = root.lookup(name);
  const pkg = shortName(name);
  const imports = usedPackages(ns).map((dep) => `import "futu/opend/${fileName(dep)}.proto";`);
  const body = ns.nestedArray.map((obj) => nestedLines(obj, '').join('\n'));
  return [
    `// Code generated by tools/conformance/gen-opend-protos.mjs from futu-api ${version}. DO NOT EDIT.`,
    `// The structure of OpenD's ${name} package: messages, enums, fields, numbers, labels.`,
    'syntax = "proto2";',
    '',
    `package ${ourPackage(name)};`,
    '',
    ...(imports.length ? [...imports, ''] : []),
    `option go_package = "${goImportPath(name)};${pkg}";`,
    '',
    body.join('\n\n'),
    '',
  ].join('\n');
}

function importsFile(names, version) {
  const lines = names.map(goImportPath).sort().map((p) => `\t_ "${p}"`);
  return `// Code generated by tools/conformance/gen-opend-protos.mjs from futu-api ${version}. DO NOT EDIT.

package conformance

// Blank imports register every generated OpenD package in protoregistry.GlobalFiles;
// TestEveryProtoFileRegistered catches a package missing from this list.

import (
${lines.join('\n')}
)
`;
}

function futuVersion() {
  const require = createRequire(import.meta.url);
  return require('futu-api/package.json').version;
}

function main() {
  const check = process.argv.includes('--check');
  const { root } = loadOfficial();
  const version = futuVersion();
  const names = packagesToWrite(root);
  const outputs = names.map((n) => [path.join(PROTO_DIR, `${fileName(n)}.proto`), protoFile(root, n, version)]);
  const seen = new Set();
  for (const [file] of outputs) {
    if (seen.has(file)) throw new Error(`two packages map to ${file}`);
    seen.add(file);
  }
  outputs.push([IMPORTS_OUT, importsFile(names, version)]);

  let stale = 0;
  let wrote = 0;
  for (const [file, text] of outputs) {
    const rel = path.relative(repo, file);
    const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
    if (old === text) continue;
    if (check) {
      console.error(`${rel} is stale; run \`make opend-protos\` (node tools/conformance/gen-opend-protos.mjs) and commit it`);
      stale++;
    } else {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
      wrote++;
    }
  }
  // A .proto file in the folder that this tool does not write would be a hand-written
  // leftover (or a package that lost its proto id).
  for (const f of fs.readdirSync(PROTO_DIR).filter((f) => f.endsWith('.proto')).sort()) {
    if (seen.has(path.join(PROTO_DIR, f))) continue;
    console.error(`api/proto/futu/opend/${f} is not generated; remove it or give its package a proto id`);
    stale++;
  }
  if (stale) process.exit(1);
  if (check) console.log(`OpenD .proto files are current (${names.length} packages)`);
  else console.log(`wrote ${wrote} of ${outputs.length} files (${names.length} packages)`);
}

main();
