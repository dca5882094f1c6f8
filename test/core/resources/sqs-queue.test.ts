/**
 * SQS queues: their ARNs, how CloudTrail events name them, and what every SQS remediation does
 * with an exempt or a missing queue, against the emulator.
 */
import { expect, it } from 'vitest';
import { defaultConfig, parseArn, parseEvent, remediationsForType, route, type WorkItem } from '@fixbridge/core';
import { cliRecorded, createQueue, queueArn, tempFile, uniqueName } from '../../support/aws';
import { sqsCloudTrailEvent } from '../../support/fixtures';
import { offline, onEmulator } from '../../support/projects';
import { sqsWritesIn as writesIn } from '../../support/sqs';

const config = defaultConfig();
const ids = (items: WorkItem[]) => items.map((i) => i.remediation?.id ?? null);
const SQS_IDS = remediationsForType('sqs-queue').map((r) => r.id);

offline('ARNs of SQS queues', () => {
  it.each(['orders', 'orders.fifo'])('parses the queue %s, keeping its name', (name) => {
    const arn = `arn:aws:sqs:us-east-1:123456789012:${name}`;
    expect(parseArn(arn)).toEqual({ type: 'sqs-queue', arn, partition: 'aws', region: 'us-east-1', accountId: '123456789012', name });
  });

  it.each<[string, string]>([
    ['a name with a slash', 'orders/x'],
    ['a name longer than 80 characters', 'q'.repeat(81)],
    ['a name with two .fifo suffixes', 'orders.fifo.fifo'],
  ])('rejects %s', (_n, name) => {
    expect(() => parseArn(`arn:aws:sqs:us-east-1:123456789012:${name}`)).toThrow(/^malformed ARN .*is not a valid SQS queue name$/);
  });
});

offline('route: CloudTrail', () => {
  it('sends an SQS event to every SQS remediation with the ARN derived from the queue URL', () => {
    const items = route(parseEvent(sqsCloudTrailEvent('orders', 'CreateQueue')), config);
    expect(ids(items)).toEqual(SQS_IDS);
    expect(SQS_IDS).toEqual(expect.arrayContaining(['sqs-encrypt-at-rest', 'sqs-require-tls', 'sqs-block-public-access', 'sqs-dead-letter-queue']));
    expect(items.every((i) => i.resourceArn === 'arn:aws:sqs:us-east-1:123456789012:orders' && !i.skip)).toBe(true);
  });

  it.each(['SetQueueAttributes', 'AddPermission', 'RemovePermission', 'TagQueue', 'UntagQueue'])('routes %s', (name) => {
    expect(ids(route(parseEvent(sqsCloudTrailEvent('orders', name)), config).filter((i) => !i.skip))).toEqual(SQS_IDS);
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
