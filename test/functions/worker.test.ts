/**
 * The worker in-process against the emulator: router → FIFO work queue → worker → history, Security
 * Hub write-back (mocked: the emulator has no BatchUpdateFindings), bus event and notification;
 * failed messages and cold start.
 */
import '../support/quiet-lambda';
import { BatchUpdateFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SNSClient, CreateTopicCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, SetQueueAttributesCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { catalogKinds, clientConfig, remediationsForType, type Result } from '@fixbridge/core';
import { fromWorkMessage, HistoryStore, type ListingFailure } from '@fixbridge/core/hub';
import { engineRuntime } from '../../packages/functions/src/engine-runtime';
import { createRouter } from '../../packages/functions/src/router';
import { routerRuntime } from '../../packages/functions/src/runtime';
import { createWorker } from '../../packages/functions/src/worker';
import { ACCOUNT, createQueue, queueAttributes, REGION, uniqueName } from '../support/aws';
import { createHub, eventFor, FIXTURE_ARN, lambdaContext, receiveAll, sqsEvent, takeAll, UNENCRYPTED } from '../support/deploy';
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

/**
 * The daily sweep fanned out, in-process against the emulator: schedule → router → listing messages
 * → worker → one message per resource → worker → results, across the hub account and a member
 * account (the emulator maps assumed-role credentials to the role's account) in two regions no other
 * test uses, with a member account whose role cannot be assumed; then the next day's sweep. Sweep
 * results answer no finding: nothing is written back to Security Hub (no mock needed).
 */
onEmulator('daily sweep', () => {
  const MEMBER = '444455556666';
  const BROKEN = '777788889999';
  const REGIONS = ['ap-southeast-2', 'sa-east-1'] as const;

  /** STS that refuses the broken account's role, as AWS does when the member stack is not deployed there. */
  function refusing(account: string): STSClient {
    const sts = new STSClient(clientConfig(REGION));
    sts.middlewareStack.add(
      (next) => async (args) => {
        const roleArn = (args.input as { RoleArn?: string }).RoleArn ?? '';
        if (roleArn.includes(`::${account}:`)) {
          throw new STSServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: `User is not authorized to perform: sts:AssumeRole on resource: ${roleArn}` });
        }
        return next(args);
      },
      { step: 'initialize', name: 'refuseUndeployedRole' },
    );
    return sts;
  }

  async function seedIn(account: string, region: string) {
    if (account === ACCOUNT) return { sqs: new SQSClient({ region }), sns: new SNSClient({ region }) };
    const c = (await new STSClient({ region: REGION }).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/seed`, RoleSessionName: 'seed' }))).Credentials!;
    const credentials = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
    return { sqs: new SQSClient({ region, credentials }), sns: new SNSClient({ region, credentials }) };
  }

  let hub: Awaited<ReturnType<typeof createHub>>;
  let router: ReturnType<typeof createRouter>;
  let worker: ReturnType<typeof createWorker>;
  let history: HistoryStore;
  /** The seeded queues, one per account and region, and a topic of the member account. */
  const queues: { arn: string; url: string; sqs: SQSClient }[] = [];
  let topicArn: string;

  beforeAll(async () => {
    hub = await createHub({});
    const env = { ...hub.env, FIXBRIDGE_SWEEP_ACCOUNTS: [ACCOUNT, MEMBER, BROKEN].join(','), FIXBRIDGE_SWEEP_REGIONS: REGIONS.join(',') };
    router = createRouter(() => routerRuntime(env));
    const engine = engineRuntime(env, { sts: refusing(BROKEN) });
    worker = createWorker(() => engine);
    history = await HistoryStore.open({ table: hub.table, region: REGION });
    for (const account of [ACCOUNT, MEMBER]) {
      for (const region of REGIONS) {
        const { sqs } = await seedIn(account, region);
        const name = uniqueName('swept');
        const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
        queues.push({ arn: `arn:aws:sqs:${region}:${account}:${name}`, url, sqs });
      }
    }
    topicArn = (await (await seedIn(MEMBER, REGIONS[1])).sns.send(new CreateTopicCommand({ Name: uniqueName('swept') }))).TopicArn!;
  });

  const run = async (messages: Message[]) => {
    for (let i = 0; i < messages.length; i += 10) expect(await worker(sqsEvent(messages.slice(i, i + 10), hub.work.arn), lambdaContext())).toEqual({ batchItemFailures: [] });
  };
  /** One scheduled sweep, through the router and two rounds of the worker, as Lambda would run them. */
  async function sweep() {
    const event = { version: '0', id: uniqueName('sched'), 'detail-type': 'Scheduled Event', source: 'aws.events', account: ACCOUNT, time: '2026-11-02T05:00:00Z', region: REGION, resources: [], detail: {} };
    const routed = await router(event, lambdaContext());
    const listings = await takeAll(hub.work.url);
    expect(listings).toHaveLength(routed.queued);
    await run(listings);
    const resources = await takeAll(hub.work.url);
    await run(resources);
    expect(await takeAll(hub.work.url)).toEqual([]);
    return { event, listings, resources };
  }
  type BusEvent = { 'detail-type': string; detail: Result & ListingFailure };
  /** What the sweep reported since the last call: bus events and notifications, of this test's resources and accounts only. */
  async function reported() {
    const ours = (text: string) => queues.some((q) => text.includes(q.arn)) || text.includes(topicArn) || text.includes(BROKEN);
    const bus = (await takeAll(hub.busCapture.url)).map((m) => m.Body!).filter(ours).map((b) => JSON.parse(b) as BusEvent);
    const notes = (await takeAll(hub.topicCapture.url)).map((m) => m.Body!).filter(ours);
    const of = (arn: string) => ({ bus: bus.filter((e) => e.detail.resourceArn === arn), notes: notes.filter((n) => n.includes(arn)) });
    return { bus, notes, of, failures: bus.filter((e) => e['detail-type'] === 'Sweep Listing Failed').map((e) => e.detail) };
  }
  const rows = async () => Promise.all([...queues.map((q) => q.arn), topicArn].map(async (arn) => (await history.forResource(arn)).length));

  it('sweeps every account and region of the stage, one message per resource, and reports the account it cannot reach', async () => {
    const { event, listings, resources } = await sweep();
    expect(listings).toHaveLength(3 * REGIONS.length * catalogKinds().length);

    // One message per resource, every remediation of it inside, grouped by resource.
    const byArn = new Map(resources.map((m) => [fromWorkMessage(m.Body!)[0]!.resourceArn, m]));
    for (const q of queues) {
      const items = fromWorkMessage(byArn.get(q.arn)!.Body!);
      expect(items.map((i) => i.remediation!.id)).toEqual(remediationsForType('sqs-queue').map((r) => r.id));
      expect(items[0]!.trigger).toEqual({ kind: 'sweep', eventId: event.id, eventName: 'Scheduled Event' });
      expect(items[0]!.ref!.hint).toBe(q.url);
      expect(byArn.get(q.arn)!.Attributes?.MessageGroupId).toBe(q.arn);
    }
    expect(fromWorkMessage(byArn.get(topicArn)!.Body!).map((i) => i.remediation!.id)).toEqual(remediationsForType('sns-topic').map((r) => r.id));

    // Every result of every swept resource is reported the first time; the notable ones recorded and notified.
    const out = await reported();
    for (const q of queues) {
      const { bus, notes } = out.of(q.arn);
      expect(bus.map((e) => e.detail.remediation).sort()).toEqual(remediationsForType('sqs-queue').map((r) => r.id).sort());
      const recorded = await history.forResource(q.arn);
      expect(recorded.map((h) => h.remediation).sort()).toEqual(['sqs-dead-letter-queue', 'sqs-require-tls']);
      expect(recorded.every((h) => h.status === 'planned' && h.trigger.eventId === event.id)).toBe(true);
      expect(notes).toHaveLength(recorded.length);
    }
    expect(out.of(topicArn).bus).toHaveLength(remediationsForType('sns-topic').length);

    // The account without the role: each of its listings reported, by event and notification; the rest swept.
    expect(out.failures.map((f) => `${f.accountId} ${f.region} ${f.resourceType}`).sort()).toEqual(
      REGIONS.flatMap((r) => catalogKinds().map((k) => `${BROKEN} ${r} ${k.type}`)).sort(),
    );
    expect(out.failures[0]!.error).toMatch(new RegExp(`cannot assume role arn:aws:iam::${BROKEN}:role/fixbridge-remediation .*AccessDenied`));
    expect(out.notes.filter((n) => n.includes(`did not check`) && n.includes(BROKEN))).toHaveLength(out.failures.length);
  });

  it('the next day reports only what changed, and a redelivered sweep message reports nothing twice', async () => {
    const before = await rows();
    // Overnight: a queue of the member account is opened to everyone; a hub queue gets its TLS deny by hand.
    const opened = queues[2]!; // the member account's, first region
    const fixed = queues[1]!; // the hub account's, second region
    const policy = (q: { arn: string }, statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements.map((s) => ({ ...s, Resource: q.arn })) });
    await opened.sqs.send(new SetQueueAttributesCommand({ QueueUrl: opened.url, Attributes: { Policy: policy(opened, [{ Sid: 'Open', Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage' }]) } }));
    await fixed.sqs.send(
      new SetQueueAttributesCommand({ QueueUrl: fixed.url, Attributes: { Policy: policy(fixed, [{ Sid: 'Tls', Effect: 'Deny', Principal: '*', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }]) } }),
    );

    const { resources } = await sweep();
    const out = await reported();
    const after = await rows();
    // Unchanged resources: no history row, no bus event, no notification.
    for (const [n, arn] of [...queues.map((q) => q.arn), topicArn].entries()) {
      if (arn === opened.arn || arn === fixed.arn) continue;
      expect(out.of(arn)).toEqual({ bus: [], notes: [] });
      expect(after[n]).toBe(before[n]);
    }
    // The opened queue: a new plan for public access, and another TLS plan (its policy changed).
    const changed = out.of(opened.arn);
    expect(changed.bus.map((e) => `${e.detail.remediation} ${e.detail.status}`).sort()).toEqual(['sqs-block-public-access planned', 'sqs-require-tls planned']);
    expect(changed.notes).toHaveLength(2);
    expect(after[queues.indexOf(opened)]).toBe(before[queues.indexOf(opened)]! + 2);
    // The fixed queue: planned → compliant is reported on the bus (no history row, nothing to notify).
    expect(out.of(fixed.arn).bus.map((e) => `${e.detail.remediation} ${e.detail.status}`)).toEqual(['sqs-require-tls compliant']);
    expect(out.of(fixed.arn).notes).toEqual([]);
    expect(after[queues.indexOf(fixed)]).toBe(before[queues.indexOf(fixed)]);
    // The unreachable account is reported again: its resources were not swept today either.
    expect(out.failures).toHaveLength(REGIONS.length * catalogKinds().length);

    // SQS delivers the day's resource messages again: claims answer, nothing is reported twice.
    await run(resources);
    const again = await reported();
    expect(again.bus.filter((e) => e['detail-type'] !== 'Sweep Listing Failed')).toEqual([]);
    expect(again.notes).toEqual([]);
    expect(await rows()).toEqual(after);
  });
});
