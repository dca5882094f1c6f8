/** `fixbridge history` and `fixbridge rollback` against the emulator's DynamoDB. What a rollback restores is in test/core/hub/rollback.test.ts. */
import { beforeAll, expect, it } from 'vitest';
import { ClientPool, defaultConfig, routeRunbook, type Mode } from '@fixbridge/core';
import { deliver, HistoryStore, type HistoryEntry } from '@fixbridge/core/hub';
import { cli, createQueue, REGION, uniqueName } from '../support/aws';
import { createHistoryTable } from '../support/deploy';
import { onEmulator } from '../support/projects';

let table: string;
let store: HistoryStore;

/** Apply a remediation as the deployed worker would, recording it in the history table. */
async function applied(remediation: string, arn: string, mode: Mode = 'auto'): Promise<string> {
  const items = routeRunbook(remediation, arn, undefined, mode).map((i) => ({ ...i, trigger: { ...i.trigger, eventId: uniqueName('evt') } }));
  const pool = new ClientPool();
  const outcome = await deliver(items[0]!, { engine: { config: defaultConfig(), clientsFor: (ref) => pool.get(ref.region) }, history: store });
  expect(outcome!.result.status).toBe(mode === 'auto' ? 'applied' : 'planned');
  return outcome!.changeId!;
}

/** A new history table for the suite (in a beforeAll of the suite: the unit project has no emulator). */
async function openTable(): Promise<void> {
  table = await createHistoryTable();
  store = await HistoryStore.open({ table, region: REGION });
}

onEmulator('fixbridge history', () => {
  beforeAll(openTable);

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

onEmulator('fixbridge rollback', () => {
  beforeAll(openTable);

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
