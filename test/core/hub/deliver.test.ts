/**
 * Deliveries: notify on change only (a sweep result the same as the resource's latest sends nothing;
 * events always report), redeliveries that stay idempotent, and the remediations of one message
 * sharing one read. Against the emulator (history table, queues); the outputs are recorders.
 */
import { SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { beforeAll, expect, it } from 'vitest';
import { ClientPool, defaultConfig, makeResult, remediationsForType, resourceKey, routeRunbook, run, type Trigger, type WorkItem } from '@fixbridge/core';
import { deliver, deliverAll, HistoryStore, idempotencyKey, resultFingerprint, sweepTrigger, type Delivery, type HubDeps, type Output } from '@fixbridge/core/hub';
import { createQueue, recordingPool, REGION, seedClients, uniqueName } from '../../support/aws';
import { createHistoryTable } from '../../support/deploy';
import { offline, onEmulator } from '../../support/projects';

offline('result fingerprint', () => {
  const policy = (order: 'ab' | 'ba') =>
    order === 'ab' ? '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*"}]}' : '{ "Statement": [ { "Action": "sqs:*", "Effect": "Allow" } ], "Version": "2012-10-17" }';
  const planned = (before: string, over: { mode?: 'dry-run' | 'approval'; after?: string } = {}) =>
    makeResult({ remediation: 'sqs-require-tls', controls: [], resourceArn: 'arn:aws:sqs:us-east-1:123456789012:q', mode: over.mode ?? 'dry-run', changes: [{ field: 'Policy', description: 'add a TLS deny', before, after: over.after ?? 'deny' }], reason: 'r' }, 'planned');

  it('is the same for the same plan, whatever the policy text looks like, and differs for another plan, status or mode', () => {
    expect(resultFingerprint(planned(policy('ab')))).toBe(resultFingerprint(planned(policy('ba'))));
    expect(resultFingerprint(planned(policy('ab')))).not.toBe(resultFingerprint(planned(policy('ab'), { after: 'other deny' })));
    expect(resultFingerprint(planned(policy('ab')))).not.toBe(resultFingerprint(planned(policy('ab'), { mode: 'approval' })));
    expect(resultFingerprint(planned(policy('ab')))).not.toBe(resultFingerprint({ ...planned(policy('ab')), status: 'blocked' }));
  });
});

onEmulator('deliver', () => {
  let history: HistoryStore;
  const pool = new ClientPool();
  beforeAll(async () => {
    history = await HistoryStore.open({ table: await createHistoryTable(), region: REGION });
  });

  const sent: Delivery[] = [];
  const recorder: Output = async (d) => void sent.push(d);
  const deps = (outputs: Output[] = [recorder]): HubDeps => ({ engine: { config: defaultConfig(), clientsFor: (ref) => pool.get(ref.region) }, history, outputs });
  const itemOf = (arn: string, trigger: Trigger, remediation = 'sqs-require-tls'): WorkItem => ({ ...routeRunbook(remediation, arn)[0]!, trigger });
  const sweep = (arn: string) => itemOf(arn, sweepTrigger(uniqueName('sched')));
  const sentFor = (arn: string) => sent.filter((d) => d.result.resourceArn === arn);
  const setPolicy = (url: string, statements: object[]) =>
    seedClients().sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }) } }));
  const allowRoot = (arn: string) => ({ Sid: 'Owner', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'sqs:SendMessage', Resource: arn });
  const denyHttp = (arn: string) => ({ Sid: 'Tls', Effect: 'Deny', Principal: '*', Action: 'sqs:*', Resource: arn, Condition: { Bool: { 'aws:SecureTransport': 'false' } } });

  it('reports a sweep result only when it differs from the last recorded one', async () => {
    const q = await createQueue(uniqueName('same'));
    const first = await deliver(sweep(q.arn), deps());
    expect(first).toMatchObject({ result: { status: 'planned' }, duplicate: false });
    expect(first.unchanged).toBeFalsy();
    expect(sentFor(q.arn)).toHaveLength(1);
    expect(await history.forResource(q.arn)).toHaveLength(1);

    // The next day, the same plan: nothing written, nothing sent.
    const again = await deliver(sweep(q.arn), deps());
    expect(again).toMatchObject({ result: { status: 'planned' }, unchanged: true, changeId: undefined });
    expect(sentFor(q.arn)).toHaveLength(1);
    expect(await history.forResource(q.arn)).toHaveLength(1);

    // Someone edits the policy: the plan is another one (its "before" differs), so it is reported once.
    await setPolicy(q.url, [allowRoot(q.arn)]);
    expect((await deliver(sweep(q.arn), deps())).unchanged).toBeFalsy();
    expect((await deliver(sweep(q.arn), deps())).unchanged).toBe(true);
    expect(sentFor(q.arn)).toHaveLength(2);
    expect((await history.forResource(q.arn)).map((h) => h.status)).toEqual(['planned', 'planned']);

    // Fixed by hand: planned → compliant is reported (a bus event; compliant gets no history row).
    await setPolicy(q.url, [allowRoot(q.arn), denyHttp(q.arn)]);
    expect(await deliver(sweep(q.arn), deps())).toMatchObject({ result: { status: 'compliant' }, duplicate: false });
    expect((await deliver(sweep(q.arn), deps())).unchanged).toBe(true);
    expect(sentFor(q.arn).map((d) => d.result.status)).toEqual(['planned', 'planned', 'compliant']);
    expect(await history.forResource(q.arn)).toHaveLength(2);
  });

  it('reports events and findings every time, and a sweep after them only when it differs', async () => {
    const q = await createQueue(uniqueName('event'));
    const cloudTrail = (): Trigger => ({ kind: 'cloudtrail', eventId: uniqueName('evt'), eventName: 'SetQueueAttributes' });
    await deliver(itemOf(q.arn, cloudTrail()), deps());
    expect((await deliver(itemOf(q.arn, cloudTrail()), deps())).unchanged).toBeFalsy();
    expect((await deliver(sweep(q.arn), deps())).unchanged).toBe(true);
    expect(sentFor(q.arn)).toHaveLength(2);
    expect(await history.forResource(q.arn)).toHaveLength(2);
  });

  it('keeps redeliveries idempotent: an unchanged one sends nothing, a changed one whose reporting failed is sent once', async () => {
    const q = await createQueue(uniqueName('redeliver'));
    await deliver(sweep(q.arn), deps());
    const unchanged = sweep(q.arn);
    expect((await deliver(unchanged, deps())).unchanged).toBe(true);
    expect(await deliver(unchanged, deps())).toMatchObject({ duplicate: true, unchanged: true });
    expect(sentFor(q.arn)).toHaveLength(1);

    await setPolicy(q.url, [allowRoot(q.arn)]);
    const changed = sweep(q.arn);
    let failures = 1;
    const flaky: Output = async () => {
      if (failures-- > 0) throw new Error('EventBridge is down');
    };
    await expect(deliver(changed, deps([recorder, flaky]))).rejects.toThrow(/EventBridge is down/);
    // SQS delivers it again: the recorded decision (changed) stands, though the latest is already this result.
    expect(await deliver(changed, deps([recorder, flaky]))).toMatchObject({ duplicate: true, result: { status: 'planned' } });
    expect(await deliver(changed, deps([recorder, flaky]))).toMatchObject({ duplicate: true });
    expect(sentFor(q.arn).filter((d) => d.item === changed)).toHaveLength(2); // once per attempt until reported
    expect(await history.forResource(q.arn)).toHaveLength(2);
    expect((await deliver(sweep(q.arn), deps())).unchanged).toBe(true);
  });

  it('reports a change whose worker stopped after recording it as the latest, when the delivery runs again', async () => {
    const q = await createQueue(uniqueName('stopped'));
    await deliver(sweep(q.arn), deps());
    await setPolicy(q.url, [allowRoot(q.arn)]);
    const item = sweep(q.arn);
    // The first worker ran it, recorded the new result as the latest, and stopped before completing its claim.
    const [result] = await run([item], deps().engine);
    await history.recordLatest({ resource: resourceKey(item.ref!), remediation: item.remediation!.id, fingerprint: resultFingerprint(result!), status: result!.status, by: idempotencyKey(item), time: new Date() });
    const again = await deliver(item, deps());
    expect(again.unchanged).toBeFalsy();
    expect(sentFor(q.arn).filter((d) => d.item === item)).toHaveLength(1);
  });

  it('runs the remediations of one message in one engine run: one read of the resource for all of them', async () => {
    const q = await createQueue(uniqueName('one-read'));
    const trigger = sweepTrigger(uniqueName('sched'));
    const items = remediationsForType('sqs-queue').map((r) => itemOf(q.arn, trigger, r.id));
    const { pool: recording, calls } = recordingPool();
    const out = await deliverAll(items, { ...deps(), engine: { config: defaultConfig(), clientsFor: (ref) => recording.get(ref.region) } });
    expect(out.map((d) => d.result.remediation)).toEqual(items.map((i) => i.remediation!.id));
    expect(calls.filter((c) => c === 'GetQueueAttributesCommand')).toHaveLength(1);
    expect((await deliverAll(items, deps())).every((d) => d.duplicate)).toBe(true);
  });
});
