/**
 * The benchmark's own emulator: moto through scripts/emulator/moto_launcher.py (installed by
 * install.sh), on FIXBRIDGE_BENCH_PORT or a free loopback port, reset between cases.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export interface Emulator {
  url: string;
  version: string;
  reset(): Promise<void>;
  stop(): void;
}

export async function startEmulator(): Promise<Emulator> {
  execFileSync('bash', [join(ROOT, 'scripts/emulator/install.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
  const env: Record<string, string> = {};
  for (const line of readFileSync(join(ROOT, '.cache/moto/env'), 'utf8').split('\n')) {
    const m = /^(MOTO_[A-Z]+)=(.*)$/.exec(line);
    if (m) env[m[1]!] = m[2]!.replace(/^'(.*)'$/, '$1').replace(/^''$/, '');
  }
  const port = Number(process.env.FIXBRIDGE_BENCH_PORT) || (await freePort());
  let log = '';
  const child = spawn(env.MOTO_PYTHON ?? 'python3', [join(ROOT, 'scripts/emulator/moto_launcher.py'), '-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, PYTHONPATH: env.MOTO_PYTHONPATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => (log = (log + d).slice(-4000)));
  child.stderr?.on('data', (d) => (log = (log + d).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto exited (code ${child.exitCode}):\n${log}`);
    try {
      if ((await fetch(`${url}/moto-api/`)).status < 500) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`moto did not answer on ${url}:\n${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const stop = () => void child.kill('SIGTERM');
  process.once('exit', stop);
  return {
    url,
    version: env.MOTO_VERSION ?? '?',
    async reset() {
      const res = await fetch(`${url}/moto-api/reset`, { method: 'POST' });
      if (!res.ok) throw new Error(`moto reset: HTTP ${res.status}`);
    },
    stop,
  };
}
