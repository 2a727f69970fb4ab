// Loads Futu's official OpenD definitions (npm package futu-api) with protobufjs and
// maps our package names (futu.opend.<name>) onto the official ones (e.g. Qot_Common).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import protobuf from 'protobufjs';

const require = createRequire(import.meta.url);

// OUR_PREFIX is the package prefix of our OpenD definitions.
export const OUR_PREFIX = 'futu.opend.';

// protoDir returns the folder of the official .proto files inside node_modules.
export function protoDir() {
  return path.join(path.dirname(require.resolve('futu-api/package.json')), 'proto');
}

// loadOfficial parses every official .proto file (keeping field names as written) and
// returns the resolved root plus a map from our short package name to the official one.
// With comments, each field keeps its official comment (protobufjs' alternate comment
// mode, which also reads trailing // comments).
export function loadOfficial({ comments = false } = {}) {
  const dir = protoDir();
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (path.isAbsolute(target) ? target : path.join(dir, target));
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.proto')).sort();
  root.loadSync(files, { keepCase: true, alternateCommentMode: comments });
  root.resolveAll();
  const packages = new Map();
  for (const ns of root.nestedArray) {
    packages.set(shortName(ns.name), ns.name);
  }
  return { root, packages, files: files.length };
}

// shortName is how our package names an official one: lower case, no underscores.
export function shortName(officialPackage) {
  return officialPackage.toLowerCase().replaceAll('_', '');
}

// officialName maps a full name of ours ("futu.opend.qotcommon.Security", with or
// without a leading dot) to the official full name ("Qot_Common.Security"), or
// returns null when the package has no official counterpart.
export function officialName(packages, ourName) {
  const name = ourName.startsWith('.') ? ourName.slice(1) : ourName;
  if (!name.startsWith(OUR_PREFIX)) return null;
  const rest = name.slice(OUR_PREFIX.length);
  const dot = rest.indexOf('.');
  const pkg = dot < 0 ? rest : rest.slice(0, dot);
  const official = packages.get(pkg);
  if (official === undefined) return null;
  return dot < 0 ? official : `${official}${rest.slice(dot)}`;
}
