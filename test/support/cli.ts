/** Helpers for the tests of the command line itself: the commands, the version, the Io seam, usage errors. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { main, type Io } from '../../packages/cli/src/main';
import { ROOT } from './paths';

export const COMMANDS = ['handle', 'run', 'sweep', 'list', 'history', 'rollback', 'approvals', 'approve', 'reject', 'slack'] as const;
export const CLI_VERSION = (JSON.parse(readFileSync(join(ROOT, 'packages/cli/package.json'), 'utf8')) as { version: string }).version;

/** Run the CLI in-process with parts of the Io replaced (an empty environment unless given). */
export async function withIo(args: string[], io: Partial<Io>) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), readStdin: async () => '', isTTY: false, env: {}, ...io });
  return { code, stdout, stderr };
}

/** One line on stderr, `fixbridge: error: …`, nothing on stdout, exit 2. */
export function expectUsageError(run: { code: number; stdout: string; stderr: string }, message: RegExp) {
  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(/^fixbridge: error: /);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(message);
}
