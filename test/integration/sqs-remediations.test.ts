/**
 * Every SQS remediation end to end against the moto emulator, through `fixbridge run`, in all
 * three modes, with the resource state read back through plain SDK clients.
 */
import { DisableKeyCommand, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import { SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { expect, it } from 'vitest';
import { ACCOUNT, cliRecorded, createKey, createQueue, keyPolicy, queueArn, queueAttributes, seedClients, tempFile, uniqueName } from '../support/aws';
import { onEmulator } from '../support/projects';

const WRITES = ['SetQueueAttributesCommand', 'CreateQueueCommand', 'TagQueueCommand'];
const writesIn = (calls: string[]) => calls.filter((c) => WRITES.includes(c));

function snsProducerPolicy(arn: string, extra: object[] = []) {
  return JSON.stringify({
    Version: '2012-10-17',
    Id: 'owned-by-the-app-team',
    Statement: [
      {
        Sid: 'AllowTopic',
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: arn,
        Condition: { ArnEquals: { 'aws:SourceArn': `arn:aws:sns:us-east-1:${ACCOUNT}:orders-topic` } },
      },
      ...extra,
    ],
  });
}

onEmulator('sqs-require-tls', () => {
  it('dry-run plans, approval files, auto applies and verifies; nothing is written in the first two', async () => {
    const name = uniqueName('tls');
    const q = await createQueue(name, { Policy: snsProducerPolicy(queueArn(name)) });
    const before = (await queueAttributes(q.url)).Policy;

    const dry = await cliRecorded(['run', 'sqs-require-tls', '--resource', q.arn]);
    expect(dry.results).toEqual([expect.objectContaining({ remediation: 'sqs-require-tls', mode: 'dry-run', status: 'planned', controls: ['Qualys:452'] })]);
    expect(writesIn(dry.calls)).toEqual([]);

    const approval = await cliRecorded(['run', 'sqs-require-tls', '--resource', q.arn, '--mode', 'approval']);
    expect(approval.results[0]?.status).toBe('awaiting-approval');
    expect(writesIn(approval.calls)).toEqual([]);
    expect((await queueAttributes(q.url)).Policy).toBe(before);

    const auto = await cliRecorded(['run', 'sqs-require-tls', '--resource', q.arn, '--mode', 'auto']);
    expect(auto.code).toBe(0);
    expect(auto.results[0]).toMatchObject({ status: 'applied', changes: [{ field: 'Policy' }] });
    expect(writesIn(auto.calls)).toEqual(['SetQueueAttributesCommand']);
    const policy = JSON.parse((await queueAttributes(q.url)).Policy!);
    expect(policy.Id).toBe('owned-by-the-app-team');
    expect(policy.Statement[0]).toEqual(JSON.parse(before!).Statement[0]);
    expect(policy.Statement[1]).toMatchObject({ Effect: 'Deny', Principal: '*', Action: 'sqs:*', Resource: q.arn, Condition: { Bool: { 'aws:SecureTransport': 'false' } } });

    const again = await cliRecorded(['run', 'sqs-require-tls', '--resource', q.arn, '--mode', 'auto']);
    expect(again.results[0]?.status).toBe('compliant');
    expect(writesIn(again.calls)).toEqual([]);
  });

  it('treats an equivalent deny with someone else’s Sid as compliant', async () => {
    const name = uniqueName('tls-theirs');
    const arn = queueArn(name);
    const policy = JSON.stringify({ Statement: [{ Sid: 'SecOpsTls', Effect: 'Deny', Principal: { AWS: '*' }, Action: ['sqs:*'], Resource: '*', Condition: { Bool: { 'aws:SecureTransport': false } } }] });
    const q = await createQueue(name, { Policy: policy });
    const stored = (await queueAttributes(q.url)).Policy;
    const run = await cliRecorded(['run', 'sqs-require-tls', '--resource', arn, '--mode', 'auto']);
    expect(run.results[0]).toMatchObject({ status: 'compliant', reason: expect.stringContaining('SecOpsTls') });
    expect(writesIn(run.calls)).toEqual([]);
    expect((await queueAttributes(q.url)).Policy).toBe(stored);
  });
});

onEmulator('sqs-block-public-access', () => {
  it('scopes the public statement to the account and leaves the scoped one exactly as it was', async () => {
    const name = uniqueName('public');
    const arn = queueArn(name);
    const open = { Sid: 'Anyone', Effect: 'Allow', Principal: '*', Action: ['sqs:SendMessage', 'sqs:ReceiveMessage'], Resource: arn };
    const q = await createQueue(name, { Policy: snsProducerPolicy(arn, [open]) });

    const dry = await cliRecorded(['run', 'SQS.3', '--resource', arn]);
    expect(dry.results[0]).toMatchObject({ remediation: 'sqs-block-public-access', status: 'planned', changes: [{ field: 'Policy.Statement[1]', before: open }] });

    const auto = await cliRecorded(['run', 'sqs-block-public-access', '--resource', arn, '--mode', 'auto']);
    expect(auto.results[0]?.status).toBe('applied');
    const policy = JSON.parse((await queueAttributes(q.url)).Policy!);
    expect(policy.Statement).toEqual([JSON.parse(snsProducerPolicy(arn)).Statement[0], { ...open, Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } }]);
  });

  it('scopes to the organization when organizationId is configured', async () => {
    const name = uniqueName('public-org');
    const arn = queueArn(name);
    const q = await createQueue(name, { Policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sqs:SendMessage', Resource: arn }] }) });
    const config = tempFile('config.json', { organizationId: 'o-a1b2c3d4e5', remediations: { 'sqs-block-public-access': { mode: 'auto' } } });
    const run = await cliRecorded(['run', 'sqs-block-public-access', '--resource', arn, '--config', config]);
    expect(run.results[0]).toMatchObject({ status: 'applied', mode: 'auto' });
    const stmt = JSON.parse((await queueAttributes(q.url)).Policy!).Statement[0];
    expect(stmt).toMatchObject({ Principal: { AWS: '*' }, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } });
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

onEmulator('sqs-dead-letter-queue', () => {
  it('creates <name>-dlq with the same encryption and sets the redrive policy', async () => {
    const key = await createKey();
    const q = await createQueue(uniqueName('work'), { KmsMasterKeyId: key.keyId, SqsManagedSseEnabled: 'false' });
    const config = tempFile('config.json', { remediations: { 'sqs-dead-letter-queue': { maxReceiveCount: 3 } } });

    const dry = await cliRecorded(['run', 'sqs-dead-letter-queue', '--resource', q.arn, '--config', config]);
    expect(dry.results[0]?.changes.map((c) => c.field)).toEqual(['DeadLetterQueue', 'RedrivePolicy']);
    expect(writesIn(dry.calls)).toEqual([]);

    const run = await cliRecorded(['run', 'sqs-dead-letter-queue', '--resource', q.arn, '--config', config, '--mode', 'auto']);
    expect(run.results[0]?.status).toBe('applied');
    const redrive = JSON.parse((await queueAttributes(q.url)).RedrivePolicy!);
    expect(redrive).toEqual({ deadLetterTargetArn: `${q.arn}-dlq`, maxReceiveCount: 3 });
    const dlq = await seedClients().sqs.send(new (await import('@aws-sdk/client-sqs')).GetQueueUrlCommand({ QueueName: `${q.name}-dlq` }));
    expect(await queueAttributes(dlq.QueueUrl!)).toMatchObject({ KmsMasterKeyId: key.keyId, MessageRetentionPeriod: '1209600' });

    // The new DLQ is itself a compliant outcome: running the remediation on it skips it.
    const onDlq = await cliRecorded(['run', 'sqs-dead-letter-queue', '--resource', `${q.arn}-dlq`, '--mode', 'auto']);
    expect(onDlq.results[0]).toMatchObject({ status: 'skipped', reason: expect.stringContaining(q.name) });
  });

  it('gives a FIFO queue a FIFO dead-letter queue', async () => {
    const name = `${uniqueName('fifo')}.fifo`;
    const q = await createQueue(name, { FifoQueue: 'true' });
    const run = await cliRecorded(['run', 'sqs-dead-letter-queue', '--resource', q.arn, '--mode', 'auto']);
    expect(run.results[0]?.status).toBe('applied');
    const target = JSON.parse((await queueAttributes(q.url)).RedrivePolicy!).deadLetterTargetArn as string;
    expect(target).toBe(queueArn(name.replace('.fifo', '-dlq.fifo')));
  });

  it('skips a queue that already is some queue’s dead-letter queue', async () => {
    const dlq = await createQueue(uniqueName('holding'));
    const src = await createQueue(uniqueName('source'));
    await seedClients().sqs.send(new SetQueueAttributesCommand({ QueueUrl: src.url, Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 4 }) } }));
    const run = await cliRecorded(['run', 'sqs-dead-letter-queue', '--resource', dlq.arn, '--mode', 'auto']);
    expect(run.results[0]).toMatchObject({ status: 'skipped', reason: expect.stringContaining(src.name) });
    expect(writesIn(run.calls)).toEqual([]);
  });
});

onEmulator('every SQS remediation', () => {
  it('skips an exempt queue without writing', async () => {
    const q = await createQueue(uniqueName('exempt'), { SqsManagedSseEnabled: 'false' }, { 'fixbridge:exempt': 'true' });
    const run = await cliRecorded(['run', 'sqs-encrypt-at-rest', '--resource', q.arn, '--mode', 'auto']);
    expect(run.results[0]).toMatchObject({ status: 'skipped', reason: expect.stringContaining('fixbridge:exempt') });
    expect(writesIn(run.calls)).toEqual([]);
  });

  it('honours a custom exempt tag key', async () => {
    const q = await createQueue(uniqueName('exempt2'), {}, { 'sec:skip': 'TRUE' });
    const config = tempFile('config.json', { exemptTagKey: 'sec:skip' });
    const run = await cliRecorded(['run', 'sqs-require-tls', '--resource', q.arn, '--mode', 'auto', '--config', config]);
    expect(run.results[0]?.status).toBe('skipped');
  });

  it('reports a queue that does not exist as failed (exit 1) for a manual run', async () => {
    const run = await cliRecorded(['run', 'sqs-require-tls', '--resource', queueArn(uniqueName('missing'))]);
    expect(run.code).toBe(1);
    expect(run.results[0]).toMatchObject({ status: 'failed', reason: expect.stringContaining('does not exist') });
  });
});
