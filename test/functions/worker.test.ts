/**
 * The worker in-process against the emulator: router → FIFO work queue → worker → history, Security
 * Hub write-back (mocked: the emulator has no BatchUpdateFindings), bus event and notification;
 * failed messages and cold start.
 */
import '../support/quiet-lambda';
import { BatchUpdateFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ClientPool, type Result } from '@fixbridge/core';
import { HistoryStore, messageGroupId, sweepItems, toWorkMessage } from '@fixbridge/core/hub';
import { engineRuntime } from '../../packages/functions/src/engine-runtime';
import { createRouter } from '../../packages/functions/src/router';
import { routerRuntime } from '../../packages/functions/src/runtime';
import { createWorker } from '../../packages/functions/src/worker';
import { createQueue, queueAttributes, REGION, uniqueName } from '../support/aws';
import { createHub, eventFor, FIXTURE_ARN, lambdaContext, receiveAll, sqsEvent, UNENCRYPTED } from '../support/deploy';
import { fixture } from '../support/fixtures';
import { onEmulator } from '../support/projects';

onEmulator('deployed engine', () => {
  const securityHub = mockClient(SecurityHubClient);
  afterAll(() => securityHub.restore());

  let hub: Awaited<ReturnType<typeof createHub>>;
  let router: ReturnType<typeof createRouter>;
  let worker: ReturnType<typeof createWorker>;
  let history: HistoryStore;

  beforeAll(async () => {
    hub = await createHub({ mode: 'auto' });
    router = createRouter(() => routerRuntime(hub.env));
    const engine = engineRuntime(hub.env);
    worker = createWorker(() => engine);
    history = await HistoryStore.open({ table: hub.table, region: REGION });
    securityHub.on(BatchUpdateFindingsCommand).resolves({ ProcessedFindings: [], UnprocessedFindings: [] });
  });

  it('fixes a queue from a Security Hub finding end to end: history, write-back, bus event, notification', async () => {
    const q = await createQueue(uniqueName('e2e'), UNENCRYPTED);
    const event = eventFor(fixture('securityhub-imported-sqs1.json'), FIXTURE_ARN, q.arn);

    expect(await router(event, lambdaContext())).toEqual({ queued: 1, skipped: 0 });
    const messages = await receiveAll(hub.work.url);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.Attributes?.MessageGroupId).toBe(q.arn);

    const records = sqsEvent(messages, hub.work.arn);
    expect(await worker(records, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect((await queueAttributes(q.url)).SqsManagedSseEnabled).toBe('true');

    const [row, ...more] = await history.forResource(q.arn);
    expect(more).toEqual([]);
    expect(row).toMatchObject({ remediation: 'sqs-encrypt-at-rest', status: 'applied', trigger: { kind: 'finding', eventId: event.id } });
    expect(row!.changes[0]).toMatchObject({ field: 'SqsManagedSseEnabled', after: 'true' });

    const update = securityHub.commandCalls(BatchUpdateFindingsCommand).at(-1)!.args[0].input;
    expect(update.Workflow).toEqual({ Status: 'RESOLVED' });
    expect(update.Note?.Text).toContain(row!.changeId);
    expect(update.FindingIdentifiers?.[0]?.Id).toContain('security-control/SQS.1/finding/');

    const [busEvent] = await receiveAll(hub.busCapture.url);
    const bus = JSON.parse(busEvent!.Body!) as { source: string; 'detail-type': string; detail: Result & { changeId: string } };
    expect(bus).toMatchObject({ source: 'fixbridge', 'detail-type': 'Remediation Applied', detail: { status: 'applied', resourceArn: q.arn, changeId: row!.changeId } });

    const [note] = await receiveAll(hub.topicCapture.url);
    expect(note!.Body).toContain(`fixbridge applied sqs-encrypt-at-rest`);
    expect(note!.Body).toContain(`fixbridge rollback ${row!.changeId}`);

    // The same delivery again (EventBridge and SQS are at-least-once): nothing is applied twice.
    const calls = securityHub.commandCalls(BatchUpdateFindingsCommand).length;
    expect(await worker(records, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(await history.forResource(q.arn)).toHaveLength(1);
    expect(securityHub.commandCalls(BatchUpdateFindingsCommand)).toHaveLength(calls);
  });

  it('routes the plan custom action as dry-run and writes NOTIFIED back', async () => {
    const q = await createQueue(uniqueName('plan'), UNENCRYPTED);
    const event = eventFor(fixture('securityhub-custom-action.json'), FIXTURE_ARN, q.arn) as { detail: { actionName: string }; resources: string[] };
    event.detail.actionName = 'Plan with fixbridge';
    event.resources = ['arn:aws:securityhub:us-east-1:123456789012:action/custom/FixbridgePlan'];
    await router(event, lambdaContext());
    expect(await worker(sqsEvent(await receiveAll(hub.work.url), hub.work.arn), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect((await queueAttributes(q.url)).SqsManagedSseEnabled).not.toBe('true');
    expect(await history.forResource(q.arn)).toMatchObject([{ status: 'planned', mode: 'dry-run', trigger: { kind: 'custom-action' } }]);
    expect(securityHub.commandCalls(BatchUpdateFindingsCommand).at(-1)!.args[0].input.Workflow).toEqual({ Status: 'NOTIFIED' });
  });

  it('runs a sweep work item: recorded with trigger sweep, no Security Hub write-back', async () => {
    const q = await createQueue(uniqueName('swept'), UNENCRYPTED);
    const [swept] = (await sweepItems(new ClientPool().get(REGION), 'sched-2')).filter((i) => i.resourceArn === q.arn && i.remediation?.id === 'sqs-encrypt-at-rest');
    const calls = securityHub.commandCalls(BatchUpdateFindingsCommand).length;
    const message = { MessageId: 'swept', ReceiptHandle: 'swept', Body: JSON.stringify(toWorkMessage(swept!)), Attributes: { MessageGroupId: messageGroupId(swept!.ref!) } };
    expect(await worker(sqsEvent([message], hub.work.arn), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect((await queueAttributes(q.url)).SqsManagedSseEnabled).toBe('true');
    expect(await history.forResource(q.arn)).toMatchObject([{ status: 'applied', trigger: { kind: 'sweep', eventId: 'sched-2', eventName: 'Scheduled Event' } }]);
    expect(securityHub.commandCalls(BatchUpdateFindingsCommand)).toHaveLength(calls);
  });

  it('fails a bad message and the later messages of its group, and processes other groups', async () => {
    const q = await createQueue(uniqueName('batch'));
    const good = JSON.stringify({ remediation: 'sqs-require-tls', resourceArn: q.arn, trigger: { kind: 'runbook', eventId: uniqueName('e') } });
    const record = (messageId: string, body: string, group: string) => ({ MessageId: messageId, ReceiptHandle: messageId, Body: body, Attributes: { MessageGroupId: group } });
    const event = sqsEvent([record('bad', '{"remediation":"nope"}', 'g1'), record('after-bad', good, 'g1'), record('other', good, q.arn)], hub.work.arn);
    expect(await worker(event, lambdaContext())).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }, { itemIdentifier: 'after-bad' }] });
    expect(JSON.parse((await queueAttributes(q.url)).Policy!).Statement).toHaveLength(1);
  });

  it('stops at cold start with a clear error when the stored configuration is invalid', async () => {
    const bad = await createHub({ mode: 'sometimes' } as never);
    const failing = createWorker(() => engineRuntime(bad.env));
    await expect(engineRuntime(bad.env)).rejects.toThrow(/engine configuration \(SSM parameter \/fixbridge\/.*\): mode: /);
    expect(await failing(sqsEvent([{ MessageId: 'm', ReceiptHandle: 'r', Body: '{}' }], bad.work.arn), lambdaContext())).toEqual({ batchItemFailures: [{ itemIdentifier: 'm' }] });
    await expect(routerRuntime({ ...bad.env, FIXBRIDGE_WORK_QUEUE_URL: '' })).rejects.toThrow(/environment: FIXBRIDGE_WORK_QUEUE_URL/);
  });
});
