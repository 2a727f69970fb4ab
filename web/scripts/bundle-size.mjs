// Prints the gzipped size of the built panel's JavaScript and fails above the budget.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const BUDGET = 350 * 1024;
const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');

function walk(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

let raw = 0;
let gz = 0;
for (const f of walk(dist).filter((f) => f.endsWith('.js'))) {
  const b = readFileSync(f);
  const z = gzipSync(b, { level: 9 }).length;
  raw += b.length;
  gz += z;
  console.log(`  ${path.relative(dist, f)}: ${(b.length / 1024).toFixed(1)} KiB, ${(z / 1024).toFixed(1)} KiB gzipped`);
}
const verdict = gz <= BUDGET ? 'ok' : 'OVER BUDGET';
console.log(`panel JS: ${(raw / 1024).toFixed(1)} KiB, ${(gz / 1024).toFixed(1)} KiB gzipped (budget ${BUDGET / 1024} KiB): ${verdict}`);
// The CSP forbids eval: the bundle must not contain any.
const evalUse = walk(dist)
  .filter((f) => f.endsWith('.js'))
  .filter((f) => /\beval\(|new Function\(|\bFunction\(/.test(readFileSync(f, 'utf8')));
if (evalUse.length) console.log(`warning: eval-like code in ${evalUse.map((f) => path.relative(dist, f)).join(', ')}`);
if (gz > BUDGET) process.exit(1);
