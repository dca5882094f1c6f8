/**
 * The benchmark's own emulator: moto (scripts/emulator/start.ts), on FIXBRIDGE_BENCH_PORT or a free
 * loopback port, reset between cases.
 */
import { startMoto } from '../scripts/emulator/start';

export interface Emulator {
  url: string;
  version: string;
  reset(): Promise<void>;
  stop(): void;
}

export async function startEmulator(): Promise<Emulator> {
  const moto = await startMoto({ ...(Number(process.env.FIXBRIDGE_BENCH_PORT) ? { port: Number(process.env.FIXBRIDGE_BENCH_PORT) } : {}) });
  process.once('exit', moto.stop);
  return {
    ...moto,
    async reset() {
      const res = await fetch(`${moto.url}/moto-api/reset`, { method: 'POST' });
      if (!res.ok) throw new Error(`moto reset: HTTP ${res.status}`);
    },
  };
}
