/**
 * Vitest global setup for integration tests: start a private moto server on a free loopback
 * port (installing moto first if needed, via scripts/emulator/install.sh) and hand its URL to the
 * tests. If FIXBRIDGE_TEST_ENDPOINT is set, that running emulator is used instead.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}

function freePort(): Promise<number> {
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

function readEnvFile(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(join(ROOT, '.cache/moto/env'), 'utf8').split('\n')) {
    const m = /^(MOTO_[A-Z]+)=(.*)$/.exec(line);
    if (m) out[m[1]!] = m[2]!.replace(/^'(.*)'$/, '$1').replace(/^''$/, '');
  }
  return out;
}

async function waitFor(url: string, child: ChildProcess, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto server exited early (code ${child.exitCode}):\n${log()}`);
    try {
      const res = await fetch(`${url}/moto-api/`);
      if (res.status < 500) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`moto server did not answer on ${url} within ${timeoutMs / 1000}s:\n${log()}`);
}

export default async function setup(project: TestProject): Promise<() => void> {
  const given = process.env.FIXBRIDGE_TEST_ENDPOINT;
  if (given) {
    project.provide('motoEndpoint', given);
    return () => {};
  }
  execFileSync('bash', [join(ROOT, 'scripts/emulator/install.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
  const env = readEnvFile();
  const port = await freePort();
  let output = '';
  const child = spawn(env.MOTO_PYTHON ?? 'python3', [join(ROOT, 'scripts/emulator/moto_launcher.py'), '-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, PYTHONPATH: env.MOTO_PYTHONPATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => (output = (output + d).slice(-4000)));
  child.stderr?.on('data', (d) => (output = (output + d).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(url, child, 60_000, () => output);
  project.provide('motoEndpoint', url);
  return () => {
    child.kill('SIGTERM');
  };
}
