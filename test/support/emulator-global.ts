/**
 * Vitest global setup for integration tests: start a private moto server on a free loopback
 * port (installing moto first if needed: scripts/emulator/start.ts) and hand its URL to the tests.
 * If FIXBRIDGE_TEST_ENDPOINT is set, that running emulator is used instead.
 */
import type { TestProject } from 'vitest/node';
import { startMoto } from '../../scripts/emulator/start';

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const given = process.env.FIXBRIDGE_TEST_ENDPOINT;
  if (given) {
    project.provide('motoEndpoint', given);
    return () => {};
  }
  const moto = await startMoto();
  project.provide('motoEndpoint', moto.url);
  return moto.stop;
}
