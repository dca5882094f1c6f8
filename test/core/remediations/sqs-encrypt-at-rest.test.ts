/** sqs-encrypt-at-rest (SQS.1): its evaluate table, and end to end against the emulator through `fixbridge run`. */
import { DisableKeyCommand, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import { expect, it } from 'vitest';
import type { KeyInfo, SqsQueueState } from '@fixbridge/core';
import { sqsEncryptAtRest } from '../../../packages/core/src/remediations/sqs-encrypt-at-rest';
import { cliRecorded, createKey, createQueue, keyPolicy, queueArn, queueAttributes, seedClients, tempFile, uniqueName } from '../../support/aws';
import { offline, onEmulator } from '../../support/projects';
import { snsProducerPolicy, sqsWritesIn as writesIn } from '../../support/sqs';
import { QUEUE_ARN as ARN, queueState as queue, queueWithPolicy as withPolicy, SETTINGS as settings, snsProducer } from '../../support/states';

const key = (over: Partial<KeyInfo> = {}): KeyInfo => ({
  requested: 'alias/queues',
  found: true,
  keyId: 'k-1',
  arn: 'arn:aws:kms:us-east-1:123456789012:key/k-1',
  keyState: 'Enabled',
  keyManager: 'CUSTOMER',
  policy: { Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'kms:*' }] },
  ...over,
});

offline('sqs-encrypt-at-rest', () => {
  const noKey = sqsEncryptAtRest.optionsSchema.parse({});
  const withKey = sqsEncryptAtRest.optionsSchema.parse({ kmsKeyId: 'alias/queues' });

  it('without kmsKeyId: any SSE is compliant, none plans SSE-SQS', () => {
    expect(sqsEncryptAtRest.evaluate({ queue: queue({ SqsManagedSseEnabled: 'true' }) }, noKey, settings).kind).toBe('compliant');
    expect(sqsEncryptAtRest.evaluate({ queue: queue({ KmsMasterKeyId: 'alias/x' }) }, noKey, settings).kind).toBe('compliant');
    const a = sqsEncryptAtRest.evaluate({ queue: queue({ SqsManagedSseEnabled: 'false' }) }, noKey, settings);
    expect(a).toMatchObject({ kind: 'plan', changes: [{ field: 'SqsManagedSseEnabled', before: 'false', after: 'true' }] });
  });

  it('with kmsKeyId: already on that key is compliant (by alias text or resolved key id)', () => {
    expect(sqsEncryptAtRest.evaluate({ queue: queue({ KmsMasterKeyId: 'alias/queues' }), target: key() }, withKey, settings).kind).toBe('compliant');
    const current = key({ requested: 'k-1' });
    expect(sqsEncryptAtRest.evaluate({ queue: queue({ KmsMasterKeyId: 'k-1' }), target: key(), current }, withKey, settings).kind).toBe('compliant');
  });

  it('plans the key and turns SSE-SQS off, recording before/after', () => {
    const a = sqsEncryptAtRest.evaluate({ queue: queue({ SqsManagedSseEnabled: 'true' }), target: key() }, withKey, settings);
    expect(a.kind).toBe('plan');
    if (a.kind !== 'plan') return;
    expect(a.changes).toEqual([
      expect.objectContaining({ field: 'KmsMasterKeyId', before: null, after: 'alias/queues' }),
      expect.objectContaining({ field: 'SqsManagedSseEnabled', before: 'true', after: 'false' }),
    ]);
    expect(a.ops).toEqual([expect.objectContaining({ attributes: { KmsMasterKeyId: 'alias/queues', SqsManagedSseEnabled: 'false' } })]);
  });

  it('switches from another key', () => {
    const a = sqsEncryptAtRest.evaluate({ queue: queue({ KmsMasterKeyId: 'alias/old' }), target: key(), current: key({ requested: 'alias/old', keyId: 'k-0' }) }, withKey, settings);
    expect(a).toMatchObject({ kind: 'plan', changes: [{ field: 'KmsMasterKeyId', before: 'alias/old', after: 'alias/queues' }] });
  });

  it.each<[string, SqsQueueState, KeyInfo, RegExp]>([
    ['a producer the key policy does not let in', withPolicy({ Statement: [snsProducer] }), key(), /does not allow sns\.amazonaws\.com to call kms:GenerateDataKey and kms:Decrypt/],
    ['a producer allowed only Decrypt', withPolicy({ Statement: [snsProducer] }), key({ policy: { Statement: [{ Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'kms:Decrypt' }] } }), /sns\.amazonaws\.com to call kms:GenerateDataKey;/],
    ['a disabled key', queue(), key({ keyState: 'Disabled' }), /is Disabled; it must be Enabled/],
    ['a key pending deletion', queue(), key({ keyState: 'PendingDeletion' }), /is pending deletion/],
    ['a missing key', queue(), key({ found: false }), /was not found/],
    ['an unreadable key policy with a producer', withPolicy({ Statement: [snsProducer] }), key({ policy: null, policyError: 'AccessDeniedException' }), /cannot read the key policy .*AccessDeniedException/],
  ])('blocks: %s', (_n, q, target, reason) => {
    const a = sqsEncryptAtRest.evaluate({ queue: q, target }, withKey, settings);
    expect(a.kind).toBe('blocked');
    expect(a.kind === 'blocked' && a.reason).toMatch(reason);
  });

  it('finds an SNS producer written the older way (Principal "*" scoped by aws:SourceArn)', () => {
    const older = { Sid: 'Sub', Effect: 'Allow' as const, Principal: '*' as const, Action: 'sqs:SendMessage', Resource: ARN, Condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:123456789012:t' } } };
    expect(sqsEncryptAtRest.evaluate({ queue: withPolicy({ Statement: [older] }), target: key() }, withKey, settings)).toMatchObject({ kind: 'blocked', reason: expect.stringContaining('sns.amazonaws.com') });
  });

  it('lets a producer the key policy allows through', () => {
    const target = key({ policy: { Statement: [{ Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: ['kms:GenerateDataKey*', 'kms:Decrypt'] }] } });
    expect(sqsEncryptAtRest.evaluate({ queue: withPolicy({ Statement: [snsProducer] }), target }, withKey, settings).kind).toBe('plan');
  });

  it('blocks alias/aws/sqs only when a service producer exists', () => {
    const cfg = sqsEncryptAtRest.optionsSchema.parse({ kmsKeyId: 'alias/aws/sqs' });
    const managed = key({ requested: 'alias/aws/sqs', keyManager: 'AWS', policy: null });
    expect(sqsEncryptAtRest.evaluate({ queue: withPolicy({ Statement: [snsProducer] }), target: managed }, cfg, settings)).toMatchObject({ kind: 'blocked', reason: expect.stringMatching(/alias\/aws\/sqs .* sns\.amazonaws\.com/) });
    expect(sqsEncryptAtRest.evaluate({ queue: queue(), target: managed }, cfg, settings).kind).toBe('plan');
  });

  it('rejects settings it does not know', () => {
    expect(sqsEncryptAtRest.optionsSchema.safeParse({ kmsKey: 'x' }).success).toBe(false);
    expect(sqsEncryptAtRest.optionsSchema.safeParse({ kmsDataKeyReusePeriodSeconds: 30 }).success).toBe(false);
  });
});

onEmulator('sqs-encrypt-at-rest', () => {
  it('enables SSE-SQS when no key is configured', async () => {
    const q = await createQueue(uniqueName('sse'), { SqsManagedSseEnabled: 'false' });
    const run = await cliRecorded(['run', 'sqs-encrypt-at-rest', '--resource', q.arn, '--mode', 'auto']);
    expect(run.results[0]).toMatchObject({ status: 'applied', changes: [{ field: 'SqsManagedSseEnabled', before: 'false', after: 'true' }] });
    expect((await queueAttributes(q.url)).SqsManagedSseEnabled).toBe('true');
  });

  it('switches to the configured key when the key policy lets the queue’s SNS producer in', async () => {
    const key = await createKey(keyPolicy(['sns.amazonaws.com']));
    const name = uniqueName('cmk');
    const q = await createQueue(name, { Policy: snsProducerPolicy(queueArn(name)) });
    const config = tempFile('config.json', { remediations: { 'sqs-encrypt-at-rest': { kmsKeyId: key.arn, kmsDataKeyReusePeriodSeconds: 600 } } });

    const run = await cliRecorded(['run', 'sqs-encrypt-at-rest', '--resource', q.arn, '--config', config, '--mode', 'auto']);
    expect(run.results[0]).toMatchObject({ status: 'applied' });
    const attrs = await queueAttributes(q.url);
    expect(attrs).toMatchObject({ KmsMasterKeyId: key.arn, KmsDataKeyReusePeriodSeconds: '600', SqsManagedSseEnabled: 'false' });

    const again = await cliRecorded(['run', 'sqs-encrypt-at-rest', '--resource', q.arn, '--config', config, '--mode', 'auto']);
    expect(again.results[0]?.status).toBe('compliant');
    expect(writesIn(again.calls)).toEqual([]);
  });

  it('blocks rather than cut off a producer the key policy does not let in', async () => {
    const key = await createKey(keyPolicy([]));
    const name = uniqueName('cmk-block');
    const q = await createQueue(name, { Policy: snsProducerPolicy(queueArn(name)) });
    const before = await queueAttributes(q.url);
    const config = tempFile('config.json', { mode: 'auto', remediations: { 'sqs-encrypt-at-rest': { kmsKeyId: key.keyId } } });

    const run = await cliRecorded(['run', 'sqs-encrypt-at-rest', '--resource', q.arn, '--config', config]);
    expect(run.code).toBe(0);
    expect(run.results[0]).toMatchObject({ status: 'blocked', mode: 'auto', reason: expect.stringContaining('sns.amazonaws.com') });
    expect(writesIn(run.calls)).toEqual([]);
    expect(await queueAttributes(q.url)).toEqual(before);
  });

  it.each([
    ['disabled', (keyId: string) => new DisableKeyCommand({ KeyId: keyId }), /is Disabled/],
    ['pending deletion', (keyId: string) => new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }), /pending deletion/],
  ] as const)('blocks on a %s key', async (_n, command, reason) => {
    const key = await createKey(keyPolicy(['sns.amazonaws.com']));
    await seedClients().kms.send(command(key.keyId) as never);
    const q = await createQueue(uniqueName('cmk-state'), { SqsManagedSseEnabled: 'false' });
    const config = tempFile('config.json', { remediations: { 'sqs-encrypt-at-rest': { kmsKeyId: key.keyId } } });
    const run = await cliRecorded(['run', 'sqs-encrypt-at-rest', '--resource', q.arn, '--config', config, '--mode', 'auto']);
    expect(run.results[0]).toMatchObject({ status: 'blocked', reason: expect.stringMatching(reason) });
    expect((await queueAttributes(q.url)).KmsMasterKeyId).toBeUndefined();
  });

  it('blocks alias/aws/sqs when a service producer exists', async () => {
    const name = uniqueName('managed');
    const q = await createQueue(name, { Policy: snsProducerPolicy(queueArn(name)), SqsManagedSseEnabled: 'false' });
    const config = tempFile('config.json', { remediations: { 'sqs-encrypt-at-rest': { kmsKeyId: 'alias/aws/sqs' } } });
    const run = await cliRecorded(['run', 'sqs-encrypt-at-rest', '--resource', q.arn, '--config', config, '--mode', 'auto']);
    expect(run.results[0]).toMatchObject({ status: 'blocked', reason: expect.stringMatching(/alias\/aws\/sqs.*sns\.amazonaws\.com/) });
  });
});
