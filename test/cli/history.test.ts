/** `fixbridge history`: a resource's recorded changes from the emulator's DynamoDB, as JSON and as text. */
import { expect, it } from 'vitest';
import type { HistoryEntry } from '@fixbridge/core/hub';
import { cli, createQueue, uniqueName } from '../support/aws';
import { suiteHistory } from '../support/deploy';
import { onEmulator } from '../support/projects';

onEmulator('fixbridge history', () => {
  const recorded = suiteHistory();
  const { applied } = recorded;

  it('lists the changes of a resource, newest first', async () => {
    const q = await createQueue(uniqueName('hist'), { SqsManagedSseEnabled: 'false' });
    const first = await applied('sqs-encrypt-at-rest', q.arn);
    const second = await applied('sqs-require-tls', q.arn, 'dry-run');
    const run = await cli(['history', q.arn, '--table', recorded.table, '--json']);
    expect(run.code).toBe(0);
    const { history } = JSON.parse(run.stdout) as { history: HistoryEntry[] };
    expect(history.map((h) => [h.changeId, h.status])).toEqual([[second, 'planned'], [first, 'applied']]);
    expect(history[1]!.changes).toEqual([expect.objectContaining({ field: 'SqsManagedSseEnabled', before: 'false', after: 'true' })]);

    const text = await cli(['history', q.arn], '');
    expect(text.code).toBe(2);
    expect(text.stderr).toMatch(/^fixbridge: error: the history table is unknown: pass --table/);
    process.env.FIXBRIDGE_HISTORY_TABLE = recorded.table;
    try {
      expect((await cli(['history', q.arn])).stdout).toContain(`${first}  APPLIED  sqs-encrypt-at-rest  [auto]  via runbook`);
    } finally {
      delete process.env.FIXBRIDGE_HISTORY_TABLE;
    }
  });
});
