/**
 * Start a private moto server on a loopback port, through moto_launcher.py (its patches), installing
 * moto first when needed (install.sh). Used by the tests' global setup and by the benchmark.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Moto {
  url: string;
  /** The moto version install.sh found (`MOTO_VERSION` of .cache/moto/env). */
  version: string;
  stop(): void;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** What install.sh wrote to .cache/moto/env: the Python to run moto with, its path, its version. */
function motoEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(join(ROOT, '.cache/moto/env'), 'utf8').split('\n')) {
    const m = /^(MOTO_[A-Z]+)=(.*)$/.exec(line);
    if (m) out[m[1]!] = m[2]!.replace(/^'(.*)'$/, '$1').replace(/^''$/, '');
  }
  return out;
}

/** Start moto on `port` (default: a free one) and wait until it answers (at most `timeoutMs`). */
export async function startMoto(opts: { port?: number; timeoutMs?: number } = {}): Promise<Moto> {
  execFileSync('bash', [join(ROOT, 'scripts/emulator/install.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
  const env = motoEnv();
  const port = opts.port ?? (await freePort());
  const timeoutMs = opts.timeoutMs ?? 60_000;
  let output = '';
  const child = spawn(env.MOTO_PYTHON ?? 'python3', [join(ROOT, 'scripts/emulator/moto_launcher.py'), '-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, PYTHONPATH: env.MOTO_PYTHONPATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => (output = (output + d).slice(-4000)));
  child.stderr?.on('data', (d) => (output = (output + d).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto server exited early (code ${child.exitCode}):\n${output}`);
    try {
      if ((await fetch(`${url}/moto-api/`)).status < 500) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`moto server did not answer on ${url} within ${timeoutMs / 1000}s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, version: env.MOTO_VERSION ?? '?', stop: () => void child.kill('SIGTERM') };
}
