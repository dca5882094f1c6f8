/**
 * SQS queues: their ARNs, how CloudTrail events name them, and what every SQS remediation does
 * with an exempt or a missing queue, against the emulator.
 */
import { expect, it } from 'vitest';
import { defaultConfig, InputError, parseArn, parseEvent, queueArnFromUrl, remediationsForType, route, type WorkItem } from '@fixbridge/core';
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

// Issue 8, item 13: queue URLs are parsed strictly.
offline('queue URLs', () => {
  it.each<[string, string]>([
    ['https://sqs.us-east-1.amazonaws.com/123456789012/orders', 'arn:aws:sqs:us-east-1:123456789012:orders'],
    ['https://sqs.eu-west-1.amazonaws.com/123456789012/orders.fifo', 'arn:aws:sqs:eu-west-1:123456789012:orders.fifo'],
    ['https://sqs-fips.us-gov-west-1.amazonaws.com/123456789012/orders', 'arn:aws-us-gov:sqs:us-gov-west-1:123456789012:orders'],
    ['https://queue.amazonaws.com/123456789012/orders', 'arn:aws:sqs:us-east-1:123456789012:orders'],
    ['https://eu-west-2.queue.amazonaws.com/123456789012/orders', 'arn:aws:sqs:eu-west-2:123456789012:orders'],
    ['https://vpce-0a1b2c3d4e5f67890-abcdefgh.sqs.us-east-1.vpce.amazonaws.com/123456789012/orders', 'arn:aws:sqs:us-east-1:123456789012:orders'],
    ['https://sqs.cn-north-1.amazonaws.com.cn/123456789012/orders', 'arn:aws-cn:sqs:cn-north-1:123456789012:orders'],
    ['https://SQS.US-EAST-1.AMAZONAWS.COM/123456789012/orders', 'arn:aws:sqs:us-east-1:123456789012:orders'],
    ['http://127.0.0.1:5055/123456789012/orders', 'arn:aws:sqs:ap-south-1:123456789012:orders'],
    ['http://localhost:4566/123456789012/orders', 'arn:aws:sqs:ap-south-1:123456789012:orders'],
  ])('%s names %s', (url, arn) => {
    expect(queueArnFromUrl(url, 'ap-south-1')).toBe(arn);
  });

  it.each([
    'javascript:alert(1)//123456789012/orders',
    'http://sqs.us-east-1.amazonaws.com/123456789012/orders',
    'https://sqs.us-east-1.amazonaws.com.evil.example/123456789012/orders',
    'https://evil.example/sqs.us-east-1.amazonaws.com/123456789012/orders',
    'https://sqs.cn-north-1.amazonaws.com/123456789012/orders',
    'https://sqs.us-east-1.amazonaws.com.cn/123456789012/orders',
    'https://sqs.nowhere.amazonaws.com/123456789012/orders',
    'https://sqs.us-east-1.amazonaws.com/123456789012/orders/extra',
    'https://sqs.us-east-1.amazonaws.com/x/123456789012/orders',
    'https://sqs.us-east-1.amazonaws.com/123456789012/orders?Action=DeleteQueue',
    'https://user:pw@sqs.us-east-1.amazonaws.com/123456789012/orders',
    'https://sqs.us-east-1.amazonaws.com/123456789012/bad%20name',
    'ftp://127.0.0.1/123456789012/orders',
    'https://127.0.0.1:5055/123456789012/orders',
    'http://10.0.0.1:5055/123456789012/orders',
  ])('%s names no queue', (url) => {
    expect(() => queueArnFromUrl(url, 'us-east-1')).toThrow(InputError);
  });

  it('quotes at most a few hundred characters of a URL', () => {
    try {
      queueArnFromUrl(`https://evil.example/${'x'.repeat(10_000)}`, 'us-east-1');
    } catch (e) {
      expect((e as Error).message.length).toBeLessThanOrEqual(600);
    }
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
