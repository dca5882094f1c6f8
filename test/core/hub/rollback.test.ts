/**
 * Rollback: the plan that puts recorded changes back (offline), and rollbacks of changes the worker
 * applied and recorded, through `fixbridge rollback` against the emulator's DynamoDB.
 */
import { SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { expect, it } from 'vitest';
import { ClientPool, mqBroker, sqsQueue, type Change } from '@fixbridge/core';
import { planRollback, prepareRollback } from '@fixbridge/core/hub';
import { cliResults, createQueue, queueAttributes, seedClients, uniqueName } from '../../support/aws';
import { suiteHistory } from '../../support/deploy';
import { offline, onEmulator } from '../../support/projects';
import { sqsBlockPublicAccess } from '../../../packages/core/src/remediations/sqs-block-public-access';
import { QUEUE_ARN as ARN, queueWithPolicy, SETTINGS } from '../../support/states';

offline('planRollback', () => {
  const sqs = sqsQueue.restorer;
  const change = (field: string, before: unknown, after: unknown): Change => ({ field, description: field, before, after });

  it('restores attributes that still hold what fixbridge wrote, and refuses the rest with reasons', () => {
    const plan = planRollback(
      [change('SqsManagedSseEnabled', 'false', 'true'), change('KmsMasterKeyId', null, 'k2'), change('DeadLetterQueue', null, { name: 'q-dlq' }), change('FifoQueue', 'false', 'true')],
      sqs,
      { SqsManagedSseEnabled: 'true', KmsMasterKeyId: 'someone-elses' },
      {},
      'SQS queue',
    );
    expect(plan.values).toEqual({ SqsManagedSseEnabled: 'false' });
    expect(plan.restored).toEqual([{ field: 'SqsManagedSseEnabled', description: 'undo: SqsManagedSseEnabled', before: 'true', after: 'false' }]);
    expect(plan.refused.map((r) => r.reason)).toEqual([
      'KmsMasterKeyId: changed since fixbridge wrote it (now someone-elses); not restored',
      'DeadLetterQueue: fixbridge created this queue and does not delete queues; delete it by hand once nothing sends to it',
      'FifoQueue: fixbridge cannot write FifoQueue of an SQS queue',
    ]);
  });

  it('puts back the statement fixbridge scoped, not an equal one someone else wrote before it', () => {
    // Found by test/reliability/policy.property.test.ts: statement 0 was already scoped to the
    // organization; fixbridge scoped statement 1 the same way; the rollback restored statement 0.
    const open = { Sid: 'P', Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: ARN };
    const scoped = { ...open, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } };
    const plan = planRollback([change('Policy.Statement[1]', open, scoped)], sqs, { Policy: JSON.stringify({ Statement: [scoped, scoped] }) }, {}, 'SQS queue');
    expect(plan.values.Policy).toMatchObject({ Statement: [scoped, open] });
  });

  it('puts back a replaced policy statement, compared by meaning', () => {
    const open = { Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: ARN };
    const scoped = { ...open, Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } } };
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Other', Effect: 'Deny', Principal: '*', Action: 'sqs:*', Resource: ARN }, { Resource: ARN, Action: 'sqs:SendMessage', Principal: '*', Effect: 'Allow', Condition: scoped.Condition }] });
    const plan = planRollback([change('Policy.Statement[1]', open, scoped)], sqs, { Policy: policy }, {}, 'SQS queue');
    expect(plan.refused).toEqual([]);
    expect((plan.values.Policy as { Statement: unknown[] }).Statement[1]).toEqual(open);
  });

  it('rolls back what sqs-block-public-access wrote for a service-delivery statement (issue 8, item 6)', () => {
    const open = { Sid: 'S3', Effect: 'Allow' as const, Principal: { AWS: '*' }, Action: 'SQS:SendMessage', Resource: ARN, Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:*:*:*' } } };
    const other = { Sid: 'Other', Effect: 'Allow' as const, Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: ARN };
    const before = { Version: '2012-10-17', Statement: [other, open] };
    const plan = sqsBlockPublicAccess.evaluate({ queue: queueWithPolicy(before) }, {}, SETTINGS);
    if (plan.kind !== 'plan') throw new Error(plan.kind);
    const op = plan.ops[0];
    const written = op?.kind === 'set-attributes' ? op.attributes.Policy : undefined;
    const back = planRollback(plan.changes, sqs, { Policy: written }, {}, 'SQS queue');
    expect(back.refused).toEqual([]);
    expect(back.values.Policy).toEqual(before);
  });

  it('removes tags it added, and restores broker logs compared key by key', () => {
    const tags = planRollback([change('Tags.team', null, 'platform')], sqs, {}, { team: 'platform' }, 'SQS queue');
    expect(tags.tags).toEqual({ set: {}, remove: ['team'] });
    const mq = mqBroker.restorer;
    const logs = planRollback([change('Logs', { General: false }, { General: true }), change('BrokerState', 'RUNNING', 'REBOOT_IN_PROGRESS')], mq, { Logs: { General: true, Audit: false } }, {}, 'Amazon MQ broker');
    expect(logs.values).toEqual({ Logs: { General: false } });
    expect(logs.refused.map((r) => r.reason)).toEqual(['BrokerState: a reboot cannot be undone']);
  });
});

onEmulator('fixbridge rollback', () => {
  const recorded = suiteHistory();
  const { applied } = recorded;

  it('plans by default, restores with --mode auto, records the rollback, and refuses a second one', async () => {
    const q = await createQueue(uniqueName('rb'), { SqsManagedSseEnabled: 'false' });
    const id = await applied('sqs-encrypt-at-rest', q.arn);

    const [plan] = await cliResults(['rollback', id, '--table', recorded.table]);
    expect(plan).toMatchObject({ status: 'planned', mode: 'dry-run', changes: [{ field: 'SqsManagedSseEnabled', before: 'true', after: 'false' }] });
    expect((await queueAttributes(q.url)).SqsManagedSseEnabled).toBe('true');

    const [done] = await cliResults(['rollback', id, '--table', recorded.table, '--mode', 'auto']);
    expect(done).toMatchObject({ status: 'applied', mode: 'auto' });
    expect((await queueAttributes(q.url)).SqsManagedSseEnabled).toBe('false');
    const [rollbackRow, original] = await recorded.store.forResource(q.arn);
    expect(rollbackRow).toMatchObject({ status: 'applied', trigger: { kind: 'rollback', rollbackOf: id } });
    expect(original).toMatchObject({ changeId: id, rolledBackBy: rollbackRow!.changeId });

    expect(await cliResults(['rollback', id, '--table', recorded.table, '--mode', 'auto'])).toMatchObject([{ status: 'blocked', reason: expect.stringContaining('already rolled back') }]);
  });

  it('removes a policy it added, but not one someone edited since', async () => {
    const q = await createQueue(uniqueName('tls'));
    const id = await applied('sqs-require-tls', q.arn);
    expect(await cliResults(['rollback', id, '--table', recorded.table, '--mode', 'auto'])).toMatchObject([{ status: 'applied' }]);
    expect((await queueAttributes(q.url)).Policy ?? '').toBe('');

    const edited = await createQueue(uniqueName('tls-edited'));
    const editedId = await applied('sqs-require-tls', edited.arn);
    const policy = JSON.parse((await queueAttributes(edited.url)).Policy!);
    policy.Statement.push({ Sid: 'Theirs', Effect: 'Deny', Principal: '*', Action: 'sqs:DeleteQueue', Resource: edited.arn });
    await seedClients().sqs.send(new SetQueueAttributesCommand({ QueueUrl: edited.url, Attributes: { Policy: JSON.stringify(policy) } }));
    expect(await cliResults(['rollback', editedId, '--table', recorded.table, '--mode', 'auto'])).toMatchObject([{ status: 'blocked', reason: expect.stringContaining('Policy: changed since fixbridge wrote it') }]);
    expect(JSON.parse((await queueAttributes(edited.url)).Policy!).Statement).toHaveLength(2);
  });

  it('re-reads right before writing, and writes nothing when the policy changed since the rollback was planned', async () => {
    const q = await createQueue(uniqueName('tls-race'));
    const id = await applied('sqs-require-tls', q.arn);
    const pool = new ClientPool();
    const prepared = await prepareRollback(id, { history: recorded.store, clientsFor: (ref) => pool.get(ref.region), mode: 'auto' });
    expect(prepared.results).toEqual([]);

    const policy = JSON.parse((await queueAttributes(q.url)).Policy!);
    policy.Statement.push({ Sid: 'Theirs', Effect: 'Deny', Principal: '*', Action: 'sqs:DeleteQueue', Resource: q.arn });
    await seedClients().sqs.send(new SetQueueAttributesCommand({ QueueUrl: q.url, Attributes: { Policy: JSON.stringify(policy) } }));

    expect(await prepared.apply!()).toMatchObject([{ status: 'blocked', reason: expect.stringContaining('Policy changed since the rollback was planned; nothing was written') }]);
    expect(JSON.parse((await queueAttributes(q.url)).Policy!)).toEqual(policy);
    expect(await recorded.store.get(id)).not.toHaveProperty('rolledBackBy');
  });

  it('restores the redrive policy but refuses to delete the dead-letter queue it created', async () => {
    const q = await createQueue(uniqueName('dlq'));
    const id = await applied('sqs-dead-letter-queue', q.arn);
    const results = await cliResults(['rollback', id, '--table', recorded.table, '--mode', 'auto']);
    expect(results).toMatchObject([
      { status: 'blocked', reason: expect.stringContaining('DeadLetterQueue: fixbridge created this queue and does not delete queues'), changes: [{ field: 'DeadLetterQueue' }] },
      { status: 'applied', changes: [{ field: 'RedrivePolicy', after: null }] },
    ]);
    expect((await queueAttributes(q.url)).RedrivePolicy ?? '').toBe('');
  });
});
