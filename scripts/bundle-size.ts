/**
 * `npm run bundle-size [-- --check]`: bundle each Lambda function as `sst deploy` does (esbuild, ESM, minified,
 * everything bundled, the AWS SDK included) and print its size, raw and deflated (the zip Lambda gets).
 * --check also writes the bundles to .build/ and loads each one, as Lambda would at cold start.
 * `bundleSizes()` is the same measurement for the benchmark (bench/run.ts).
 */
import { readFile } from 'node:fs/promises';
import { deflateRawSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { entryOf, FUNCTIONS, NODEJS } from '../stacks/functions';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface BundleSize {
  name: string;
  bytes: number;
  zippedBytes: number;
  /** Where the bundle was written, when `write` was asked for. */
  file?: string;
}

/** Each function's bundle, built as `sst deploy` builds it; `write` puts it in .build/<name>.mjs. */
export async function bundleSizes(write = false): Promise<BundleSize[]> {
  const sizes: BundleSize[] = [];
  for (const [name, fn] of Object.entries(FUNCTIONS)) {
    const file = join(ROOT, '.build', `${name}.mjs`);
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
      write,
      outfile: file,
      logLevel: 'error',
      ...(NODEJS.esbuild as object),
    });
    const code = write ? await readFile(file) : out.outputFiles![0]!.contents;
    sizes.push({ name, bytes: code.length, zippedBytes: deflateRawSync(code, { level: 9 }).length, ...(write ? { file } : {}) });
  }
  return sizes;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const check = process.argv.includes('--check');
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
  console.log('function  bundle      zipped');
  for (const b of await bundleSizes(check)) {
    if (check) await import(b.file!); // the bundle loads and exports its handler
    console.log(`${b.name.padEnd(8)}  ${kb(b.bytes).padStart(9)}  ${kb(b.zippedBytes).padStart(9)}`);
  }
}
