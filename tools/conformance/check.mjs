// check.mjs: conformance checks of our OpenD proto subset against Futu's official
// definitions (npm futu-api). Runs offline.
//
//   node check.mjs descriptors <our-descriptor-set.binpb>
//       exit 1 and print every difference when a message, field (number, label, type)
//       or enum value we define differs from the official one.
//   node check.mjs roundtrip <dir>
//       for each <full.name>.go.bin: decode with the official type, verify, and write
//       <full.name>.node.json and <full.name>.node.bin (official re-encoding); also write
//       <full.name>.official.bin/.official.json with every official field populated.
import fs from 'node:fs';
import path from 'node:path';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import { loadOfficial, officialName } from './lib/official.mjs';
import { compareDescriptors } from './lib/compare.mjs';
import { fillOfficial } from './lib/fill.mjs';

// JSON_OPTIONS is how both sides agree to render a message as JSON.
const JSON_OPTIONS = { longs: String, enums: Number, bytes: String, defaults: false };

function usage() {
  console.error('usage: node check.mjs descriptors <descriptor-set.binpb> | roundtrip <dir>');
  return 2;
}

function descriptors(file) {
  const fds = descriptor.FileDescriptorSet.decode(fs.readFileSync(file));
  const official = loadOfficial();
  const { problems, stats } = compareDescriptors(fds, official);
  const summary = `${stats.files} files, ${stats.messages} messages, ${stats.fields} fields, ` +
    `${stats.enums} enums, ${stats.values} enum values against ${official.files} official files`;
  if (stats.files === 0) {
    console.error(`descriptors: no futu.opend.* files in ${file}`);
    return 1;
  }
  if (problems.length > 0) {
    console.error(`descriptors: ${problems.length} mismatches (${summary}):`);
    for (const p of problems) console.error(`  - ${p}`);
    return 1;
  }
  console.log(`descriptors: OK (${summary})`);
  return 0;
}

function roundtrip(dir) {
  const official = loadOfficial();
  const inputs = fs.readdirSync(dir).filter((f) => f.endsWith('.go.bin')).sort();
  if (inputs.length === 0) {
    console.error(`roundtrip: no *.go.bin files in ${dir}`);
    return 1;
  }
  const failures = [];
  for (const input of inputs) {
    const ours = input.slice(0, -'.go.bin'.length);
    try {
      roundtripOne(official, dir, ours);
    } catch (err) {
      failures.push(`${ours}: ${err.message}`);
    }
  }
  if (failures.length > 0) {
    console.error(`roundtrip: ${failures.length} of ${inputs.length} types failed:`);
    for (const f of failures) console.error(`  - ${f}`);
    return 1;
  }
  console.log(`roundtrip: OK (${inputs.length} types decoded, verified and re-encoded)`);
  return 0;
}

function roundtripOne(official, dir, ours) {
  const name = officialName(official.packages, ours);
  if (name === null) throw new Error('no official package');
  const type = official.root.lookupType(name);
  const base = path.join(dir, ours);

  // protobufjs throws a ProtocolError when a required field is missing.
  const decoded = type.decode(fs.readFileSync(`${base}.go.bin`));
  const bad = type.verify(decoded);
  if (bad) throw new Error(`official ${name} verify: ${bad}`);
  fs.writeFileSync(`${base}.node.json`, JSON.stringify(type.toObject(decoded, JSON_OPTIONS), null, 2));
  fs.writeFileSync(`${base}.node.bin`, type.encode(decoded).finish());

  const filled = type.fromObject(fillOfficial(type));
  const badFill = type.verify(filled);
  if (badFill) throw new Error(`official ${name} filled verify: ${badFill}`);
  const encoded = type.encode(filled).finish();
  fs.writeFileSync(`${base}.official.bin`, encoded);
  fs.writeFileSync(`${base}.official.json`, JSON.stringify(type.toObject(type.decode(encoded), JSON_OPTIONS), null, 2));
}

function main(argv) {
  const [mode, arg] = argv;
  if (arg === undefined) return usage();
  switch (mode) {
    case 'descriptors': return descriptors(arg);
    case 'roundtrip': return roundtrip(arg);
    default: return usage();
  }
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  console.error(`check.mjs: ${err.stack ?? err}`);
  process.exitCode = 1;
}
