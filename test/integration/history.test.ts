/** `fixbridge history` and `fixbridge rollback` against the emulator's DynamoDB. */
import { SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { beforeAll, expect, it } from 'vitest';
import { ClientPool, defaultConfig, routeRunbook, type Mode } from '@fixbridge/core';
import { deliver, HistoryStore, prepareRollback, type HistoryEntry } from '@fixbridge/core/hub';
import { cli, cliResults, createQueue, queueAttributes, REGION, seedClients, uniqueName } from '../support/aws';
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

  it('plans by default, restores with --mode auto, records the rollback, and refuses a second one', async () => {
    const q = await createQueue(uniqueName('rb'), { SqsManagedSseEnabled: 'false' });
    const id = await applied('sqs-encrypt-at-rest', q.arn);

    const [plan] = await cliResults(['rollback', id, '--table', table]);
    expect(plan).toMatchObject({ status: 'planned', mode: 'dry-run', changes: [{ field: 'SqsManagedSseEnabled', before: 'true', after: 'false' }] });
    expect((await queueAttributes(q.url)).SqsManagedSseEnabled).toBe('true');

    const [done] = await cliResults(['rollback', id, '--table', table, '--mode', 'auto']);
    expect(done).toMatchObject({ status: 'applied', mode: 'auto' });
    expect((await queueAttributes(q.url)).SqsManagedSseEnabled).toBe('false');
    const [rollbackRow, original] = await store.forResource(q.arn);
    expect(rollbackRow).toMatchObject({ status: 'applied', trigger: { kind: 'rollback', rollbackOf: id } });
    expect(original).toMatchObject({ changeId: id, rolledBackBy: rollbackRow!.changeId });

    expect(await cliResults(['rollback', id, '--table', table, '--mode', 'auto'])).toMatchObject([{ status: 'blocked', reason: expect.stringContaining('already rolled back') }]);
  });

  it('removes a policy it added, but not one someone edited since', async () => {
    const q = await createQueue(uniqueName('tls'));
    const id = await applied('sqs-require-tls', q.arn);
    expect(await cliResults(['rollback', id, '--table', table, '--mode', 'auto'])).toMatchObject([{ status: 'applied' }]);
    expect((await queueAttributes(q.url)).Policy ?? '').toBe('');

    const edited = await createQueue(uniqueName('tls-edited'));
    const editedId = await applied('sqs-require-tls', edited.arn);
    const policy = JSON.parse((await queueAttributes(edited.url)).Policy!);
    policy.Statement.push({ Sid: 'Theirs', Effect: 'Deny', Principal: '*', Action: 'sqs:DeleteQueue', Resource: edited.arn });
    await seedClients().sqs.send(new SetQueueAttributesCommand({ QueueUrl: edited.url, Attributes: { Policy: JSON.stringify(policy) } }));
    expect(await cliResults(['rollback', editedId, '--table', table, '--mode', 'auto'])).toMatchObject([{ status: 'blocked', reason: expect.stringContaining('Policy: changed since fixbridge wrote it') }]);
    expect(JSON.parse((await queueAttributes(edited.url)).Policy!).Statement).toHaveLength(2);
  });

  it('re-reads right before writing, and writes nothing when the policy changed since the rollback was planned', async () => {
    const q = await createQueue(uniqueName('tls-race'));
    const id = await applied('sqs-require-tls', q.arn);
    const pool = new ClientPool();
    const prepared = await prepareRollback(id, { history: store, clientsFor: (ref) => pool.get(ref.region), mode: 'auto' });
    expect(prepared.results).toEqual([]);

    const policy = JSON.parse((await queueAttributes(q.url)).Policy!);
    policy.Statement.push({ Sid: 'Theirs', Effect: 'Deny', Principal: '*', Action: 'sqs:DeleteQueue', Resource: q.arn });
    await seedClients().sqs.send(new SetQueueAttributesCommand({ QueueUrl: q.url, Attributes: { Policy: JSON.stringify(policy) } }));

    expect(await prepared.apply!()).toMatchObject([{ status: 'blocked', reason: expect.stringContaining('Policy changed since the rollback was planned; nothing was written') }]);
    expect(JSON.parse((await queueAttributes(q.url)).Policy!)).toEqual(policy);
    expect(await store.get(id)).not.toHaveProperty('rolledBackBy');
  });

  it('restores the redrive policy but refuses to delete the dead-letter queue it created', async () => {
    const q = await createQueue(uniqueName('dlq'));
    const id = await applied('sqs-dead-letter-queue', q.arn);
    const results = await cliResults(['rollback', id, '--table', table, '--mode', 'auto']);
    expect(results).toMatchObject([
      { status: 'blocked', reason: expect.stringContaining('DeadLetterQueue: fixbridge created this queue and does not delete queues'), changes: [{ field: 'DeadLetterQueue' }] },
      { status: 'applied', changes: [{ field: 'RedrivePolicy', after: null }] },
    ]);
    expect((await queueAttributes(q.url)).RedrivePolicy ?? '').toBe('');
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
