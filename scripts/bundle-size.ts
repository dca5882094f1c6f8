/**
 * `npm run bundle-size [-- --check]`: bundle each Lambda function as `sst deploy` does (esbuild, ESM, minified,
 * everything bundled, the AWS SDK included) and print its size, raw and deflated (the zip Lambda gets).
 * --check also writes the bundles to .build/ and loads each one, as Lambda would at cold start.
 */
import { readFile } from 'node:fs/promises';
import { deflateRawSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { entryOf, FUNCTIONS, NODEJS } from '../stacks/functions';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');

const kb = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
console.log('function  bundle      zipped');
for (const [name, fn] of Object.entries(FUNCTIONS)) {
  const out = await build({
    entryPoints: [join(ROOT, entryOf(fn.handler))],
    bundle: true,
    platform: 'node',
    format: NODEJS.format,
    target: 'esnext',
    mainFields: ['module', 'main'],
    minify: NODEJS.minify,
    keepNames: true,
    banner: { js: "import { createRequire as topLevelCreateRequire } from 'module';const require = topLevelCreateRequire(import.meta.url);" },
    write: check,
    outfile: join(ROOT, '.build', `${name}.mjs`),
    logLevel: 'error',
    ...(NODEJS.esbuild as object),
  });
  const code = check ? await readFile(join(ROOT, '.build', `${name}.mjs`)) : out.outputFiles![0]!.contents;
  if (check) await import(join(ROOT, '.build', `${name}.mjs`)); // the bundle loads and exports its handler
  console.log(`${name.padEnd(8)}  ${kb(code.length).padStart(9)}  ${kb(deflateRawSync(code, { level: 9 }).length).padStart(9)}`);
}
