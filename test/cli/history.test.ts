/** `fixbridge history`: a resource's recorded changes from the emulator's DynamoDB, as JSON and as text. */
import { beforeAll, expect, it } from 'vitest';
import type { Mode } from '@fixbridge/core';
import { HistoryStore, type HistoryEntry } from '@fixbridge/core/hub';
import { cli, createQueue, REGION, uniqueName } from '../support/aws';
import { applyRecorded, createHistoryTable } from '../support/deploy';
import { onEmulator } from '../support/projects';

onEmulator('fixbridge history', () => {
  let table: string;
  let store: HistoryStore;
  /** Apply a remediation as the deployed worker would, recording it in the history table. */
  const applied = (remediation: string, arn: string, mode?: Mode) => applyRecorded(store, remediation, arn, mode);

  beforeAll(async () => {
    table = await createHistoryTable();
    store = await HistoryStore.open({ table, region: REGION });
  });

  it('lists the changes of a resource, newest first', async () => {
    const q = await createQueue(uniqueName('hist'), { SqsManagedSseEnabled: 'false' });
    const first = await applied('sqs-encrypt-at-rest', q.arn);
    const second = await applied('sqs-require-tls', q.arn, 'dry-run');
    const run = await cli(['history', q.arn, '--table', table, '--json']);
    expect(run.code).toBe(0);
    const { history } = JSON.parse(run.stdout) as { history: HistoryEntry[] };
    expect(history.map((h) => [h.changeId, h.status])).toEqual([[second, 'planned'], [first, 'applied']]);
    expect(history[1]!.changes).toEqual([expect.objectContaining({ field: 'SqsManagedSseEnabled', before: 'false', after: 'true' })]);

    const text = await cli(['history', q.arn], '');
    expect(text.code).toBe(2);
    expect(text.stderr).toMatch(/^fixbridge: error: the history table is unknown: pass --table/);
    process.env.FIXBRIDGE_HISTORY_TABLE = table;
    try {
      expect((await cli(['history', q.arn])).stdout).toContain(`${first}  APPLIED  sqs-encrypt-at-rest  [auto]  via runbook`);
    } finally {
      delete process.env.FIXBRIDGE_HISTORY_TABLE;
    }
  });
});
