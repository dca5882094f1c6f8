/** `fixbridge rollback`: bad change ids. What a rollback restores is in test/core/hub/rollback.test.ts. */
import { beforeAll, expect, it } from 'vitest';
import { cli } from '../support/aws';
import { createHistoryTable } from '../support/deploy';
import { onEmulator } from '../support/projects';

onEmulator('fixbridge rollback', () => {
  let table: string;

  beforeAll(async () => {
    table = await createHistoryTable();
  });

  it('rejects a malformed or unknown change id with exit code 2 and one line', async () => {
    for (const [id, message] of [
      ['nope', 'malformed change id "nope"'],
      ['ch-0123456789abcdef0123', 'no change ch-0123456789abcdef0123 in history table'],
    ] as const) {
      const run = await cli(['rollback', id, '--table', table]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(message);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
