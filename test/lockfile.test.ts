import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from './support/paths';
import { offline } from './support/projects';

/** `npm ci` needs every optional dependency in the lock; see scripts/complete-lockfile.mjs. */
offline('package-lock.json', () => {
  it('lists every optional platform binary of rollup, so npm ci accepts it on any machine', () => {
    const packages = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')).packages as Record<string, { optionalDependencies?: Record<string, string> }>;
    const missing = Object.entries(packages)
      .filter(([key]) => key.endsWith('node_modules/rollup'))
      .flatMap(([key, pkg]) => Object.keys(pkg.optionalDependencies ?? {}).map((name) => `${key.slice(0, -'rollup'.length)}${name}`))
      .filter((key) => !packages[key]);
    expect(missing, 'run: node scripts/complete-lockfile.mjs').toEqual([]);
  });
});
