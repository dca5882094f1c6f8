#!/usr/bin/env node
// The npm registry our build machines reach lacks rollup's binaries for other platforms, so npm
// leaves them out of package-lock.json, and `npm ci` then rejects the lock as out of sync (on any
// machine). This adds the missing `@rollup/rollup-<os>-<cpu>` entries with their os/cpu/libc
// constraints, exactly as npm writes them against the public registry; npm installs only the one
// that matches the machine. Run it after anything rewrites package-lock.json:
//   node scripts/complete-lockfile.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;
let added = 0;
for (const [key, pkg] of Object.entries(packages)) {
  if (!key.endsWith('node_modules/rollup')) continue;
  for (const name of Object.keys(pkg.optionalDependencies ?? {})) {
    const target = `${key.slice(0, -'rollup'.length)}${name}`;
    if (packages[target]) continue;
    const m = /^@rollup\/rollup-([a-z0-9]+)-([a-z0-9]+)(?:-([a-z]+))?$/.exec(name);
    if (!m) throw new Error(`unexpected rollup optional dependency ${name}`);
    const [, os, cpu, abi] = m;
    const entry = { version: pkg.optionalDependencies[name], cpu: [cpu], dev: pkg.dev, license: 'MIT', optional: true, os: [os] };
    if (os === 'linux') entry.libc = [abi?.startsWith('musl') ? 'musl' : 'glibc'];
    if (!entry.dev) delete entry.dev;
    packages[target] = entry;
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => a.localeCompare(b, 'en'))); // npm's own order
writeFileSync(path, JSON.stringify(lock, null, 2) + '\n');
console.log(`complete-lockfile: added ${added} rollup platform entr${added === 1 ? 'y' : 'ies'}`);
