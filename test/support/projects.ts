import { describe } from 'vitest';
/** True in the integration project (vitest.config.ts sets FIXBRIDGE_TEST_PROJECT), where the emulator runs. */
export const ON_EMULATOR = process.env.FIXBRIDGE_TEST_PROJECT === 'integration';
/** A suite with no I/O: registered in the unit project only. */
export function offline(name: string, fn: () => void): void { if (!ON_EMULATOR) describe(name, fn); }
/** A suite against the emulator: registered in the integration project only, its name tagged [emulator]. */
export function onEmulator(name: string, fn: () => void): void { if (ON_EMULATOR) describe(`${name} [emulator]`, fn); }
