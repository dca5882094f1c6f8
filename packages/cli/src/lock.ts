/**
 * An advisory lock per resource, shared by the fixbridge processes of one machine: two `fixbridge`
 * commands working on one resource (a duplicated event, two remediations started together) take
 * turns, so the second plans from what the first wrote instead of writing the same change again.
 * `proper-lockfile` (lock directories with a refreshed mtime; a crashed holder's lock goes stale).
 */
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';

/** Where the locks live: FIXBRIDGE_LOCK_DIR, else a directory of the user's in the system temp dir. */
export function lockDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env.FIXBRIDGE_LOCK_DIR || join(tmpdir(), `fixbridge-locks-${userInfo().uid}`);
}

/** `EngineDeps.lock`: waits (up to about two minutes) for the resource, then holds it until released. */
export function resourceLocks(dir: string): (key: string) => Promise<() => Promise<void>> {
  return async (key) => {
    await mkdir(dir, { recursive: true });
    const file = join(dir, createHash('sha256').update(key).digest('hex').slice(0, 32));
    return lockfile.lock(file, {
      realpath: false,
      stale: 15_000,
      update: 5_000,
      retries: { retries: 1_200, factor: 1.2, minTimeout: 10, maxTimeout: 100, randomize: true },
      // The lock is advisory: losing it (its refresh failed) must not crash a run that is writing.
      onCompromised: () => {},
    });
  };
}
