/** sqs-dead-letter-queue: its evaluate table, and end to end against the emulator (the DLQ it creates read back). */
import { SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { expect, it } from 'vitest';
import { dlqNameFor, sqsDeadLetterQueue } from '../../../packages/core/src/remediations/sqs-dead-letter-queue';
import { cliRecorded, createKey, createQueue, queueArn, queueAttributes, seedClients, tempFile, uniqueName } from '../../support/aws';
import { offline, onEmulator } from '../../support/projects';
import { sqsWritesIn as writesIn } from '../../support/sqs';
import { QUEUE_ARN as ARN, queueState as queue, SETTINGS as settings } from '../../support/states';

offline('sqs-dead-letter-queue', () => {
  const cfg = sqsDeadLetterQueue.optionsSchema.parse({});

  it('names DLQs after their source, FIFO-aware', () => {
    expect(dlqNameFor('orders')).toBe('orders-dlq');
    expect(dlqNameFor('orders.fifo')).toBe('orders-dlq.fifo');
  });

  it('is compliant with a redrive policy', () => {
    const q = queue({ RedrivePolicy: JSON.stringify({ deadLetterTargetArn: `${ARN}-dlq`, maxReceiveCount: 3 }) });
    expect(sqsDeadLetterQueue.evaluate({ queue: q, sourceQueues: [] }, cfg, settings)).toMatchObject({ kind: 'compliant', reason: expect.stringContaining('orders-dlq') });
  });

  it('skips a queue that already is a DLQ, or is named like one', () => {
    expect(sqsDeadLetterQueue.evaluate({ queue: queue(), sourceQueues: ['https://x/123456789012/a'] }, cfg, settings)).toMatchObject({ kind: 'skipped', reason: expect.stringContaining('dead-letter queue of a') });
    expect(sqsDeadLetterQueue.evaluate({ queue: queue({}, 'payments-dlq'), sourceQueues: [] }, cfg, settings).kind).toBe('skipped');
  });

  it('plans a FIFO, same-encryption DLQ and the redrive policy', () => {
    const q = queue({ FifoQueue: 'true', KmsMasterKeyId: 'alias/queues', KmsDataKeyReusePeriodSeconds: '600' }, 'orders.fifo');
    const a = sqsDeadLetterQueue.evaluate({ queue: q, sourceQueues: [] }, sqsDeadLetterQueue.optionsSchema.parse({ maxReceiveCount: 3 }), settings);
    if (a.kind !== 'plan') throw new Error(a.kind);
    expect(a.ops).toEqual([
      { kind: 'create-queue', name: 'orders-dlq.fifo', attributes: { MessageRetentionPeriod: '1209600', FifoQueue: 'true', KmsMasterKeyId: 'alias/queues', KmsDataKeyReusePeriodSeconds: '600' } },
      { kind: 'set-attributes', url: q.url, attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:123456789012:orders-dlq.fifo', maxReceiveCount: 3 }) } },
    ]);
    expect(a.changes.map((c) => c.field)).toEqual(['DeadLetterQueue', 'RedrivePolicy']);
  });

  it('reuses an existing DLQ of the right type and blocks on the wrong type', () => {
    const existingDlq = { url: 'https://x/123456789012/orders-dlq', attributes: {} };
    const a = sqsDeadLetterQueue.evaluate({ queue: queue({ SqsManagedSseEnabled: 'true' }), sourceQueues: [], existingDlq }, cfg, settings);
    expect(a.kind === 'plan' && a.ops.map((o) => o.kind)).toEqual(['set-attributes']);
    const fifoDlq = { url: 'x', attributes: { FifoQueue: 'true' } };
    expect(sqsDeadLetterQueue.evaluate({ queue: queue(), sourceQueues: [], existingDlq: fifoDlq }, cfg, settings)).toMatchObject({ kind: 'blocked', reason: expect.stringContaining('FIFO') });
  });

  it('blocks when the DLQ name would be too long', () => {
    expect(sqsDeadLetterQueue.evaluate({ queue: queue({}, 'q'.repeat(78)), sourceQueues: [] }, cfg, settings).kind).toBe('blocked');
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
