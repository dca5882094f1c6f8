/**
 * The daily sweep's fan-out: listing messages per account, region and kind; a listing queues one work
 * message per resource (every remediation of it), in batches of ten, skips what it cannot name, and
 * reports a listing that fails for good while anything else is retried.
 */
import { ListBrokersCommand, MqClient } from '@aws-sdk/client-mq';
import { ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { ListQueuesCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { STSServiceException } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, expect, it } from 'vitest';
import { catalogKinds, createClients, remediationsForType } from '@fixbridge/core';
import { fromWorkMessage, isPermanentListingError, listEntry, listMessageOf, listMessages, runListing, type ListingFailure, type ListMessage } from '@fixbridge/core/hub';
import { offline } from '../../support/projects';
import { QUEUE_ARN as ARN } from '../../support/states';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const denied = (message = 'User is not authorized to perform this action') =>
  new STSServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 }, message });

offline('sweep fan-out', () => {
  const mocks = [mockClient(SQSClient), mockClient(SNSClient), mockClient(MqClient)] as const;
  const [sqs, sns, mq] = mocks;
  afterAll(() => mocks.forEach((m) => m.restore()));
  beforeEach(() => {
    mocks.forEach((m) => m.reset());
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
  });

  const listing = (resourceType: ListMessage['resourceType']): ListMessage => ({
    type: 'list',
    resourceType,
    partition: 'aws',
    accountId: '123456789012',
    region: 'us-east-1',
    trigger: { kind: 'sweep', eventId: 'sched-1', eventName: 'Scheduled Event' },
  });
  const failures: ListingFailure[] = [];
  const deps = () => {
    failures.length = 0;
    const clients = createClients({ region: 'us-east-1' });
    return { clientsFor: () => clients, sqs: clients.sqs, queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/work.fifo', report: async (f: ListingFailure) => void failures.push(f) };
  };
  const sent = () => sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries!);

  it('queues one listing per account, region and kind, each in its own message group', () => {
    const messages = listMessages({ accountIds: ['123456789012', '444455556666', '123456789012'], regions: ['us-east-1', 'cn-north-1'] }, 'sched-1');
    expect(messages).toHaveLength(2 * 2 * catalogKinds().length);
    expect(messages[0]).toEqual(listing('sqs-queue'));
    expect(messages.find((m) => m.region === 'cn-north-1')?.partition).toBe('aws-cn');
    const entries = messages.map(listEntry);
    expect(new Set(entries.map((e) => e.groupId)).size).toBe(messages.length);
    expect(new Set(entries.map((e) => e.deduplicationId)).size).toBe(messages.length);
    expect(listEntry(messages[0]!)).toEqual(listEntry(structuredClone(messages[0]!)));
    expect(listMessageOf(entries[0]!.body)).toEqual(messages[0]);
  });

  it('tells a listing message from a work item, and rejects a malformed listing', () => {
    expect(listMessageOf(JSON.stringify({ remediation: 'sqs-require-tls', resourceArn: ARN, trigger: { kind: 'runbook' } }))).toBeUndefined();
    expect(listMessageOf('{')).toBeUndefined();
    expect(() => listMessageOf(JSON.stringify({ ...listing('sqs-queue'), accountId: '12' }))).toThrow(/listing message accountId: expected a 12-digit/);
    expect(() => listMessageOf(JSON.stringify({ ...listing('sqs-queue'), resourceType: 's3-bucket' }))).toThrow(/listing message resourceType/);
  });

  it('queues one message per listed resource with all its remediations, in batches of ten, following every page', async () => {
    const url = (n: number) => `https://sqs.us-east-1.amazonaws.com/123456789012/q-${n}`;
    sqs.on(ListQueuesCommand).resolvesOnce({ QueueUrls: Array.from({ length: 15 }, (_, n) => url(n)), NextToken: 'page-2' }).resolvesOnce({ QueueUrls: Array.from({ length: 8 }, (_, n) => url(15 + n)) });
    const out = await runListing(listing('sqs-queue'), deps());
    expect(out).toEqual({ queued: 23, skipped: [] });
    expect(sqs.commandCalls(ListQueuesCommand)).toHaveLength(2); // the paginator reuses one input object: the calls cannot be told apart
    expect(sent().map((e) => e.length)).toEqual([10, 10, 3]);
    const first = sent()[0]![0]!;
    const items = fromWorkMessage(first.MessageBody!);
    expect(items.map((i) => i.remediation?.id)).toEqual(remediationsForType('sqs-queue').map((r) => r.id));
    expect(items[0]).toMatchObject({ resourceArn: 'arn:aws:sqs:us-east-1:123456789012:q-0', ref: { hint: url(0) }, trigger: { kind: 'sweep', eventId: 'sched-1' } });
    expect(first.MessageGroupId).toBe('arn:aws:sqs:us-east-1:123456789012:q-0');
    expect(failures).toEqual([]);
  });

  it('skips a listed resource it cannot name, and queues the rest', async () => {
    sqs.on(ListQueuesCommand).resolves({ QueueUrls: ['https://sqs.us-east-1.amazonaws.com/not-an-account/odd', 'https://sqs.us-east-1.amazonaws.com/123456789012/orders'] });
    sns.on(ListTopicsCommand).resolves({ Topics: [{ TopicArn: 'arn:aws:sns:us-east-1:123456789012:alerts' }, { TopicArn: 'arn:aws:sns:us-east-1:123456789012:odd:sub' }] });
    const d = deps();
    const queues = await runListing(listing('sqs-queue'), d);
    const topics = await runListing(listing('sns-topic'), d);
    expect([...queues.skipped, ...topics.skipped].map((i) => [i.resourceArn, i.remediation, i.ref])).toEqual([
      ['https://sqs.us-east-1.amazonaws.com/not-an-account/odd', null, undefined],
      ['arn:aws:sns:us-east-1:123456789012:odd:sub', null, undefined],
    ]);
    expect(queues.skipped[0]!.skip).toMatch(/^the sweep listed an SQS queue fixbridge cannot name: malformed queue URL/);
    expect(sent().flat().map((e) => fromWorkMessage(e.MessageBody!)[0]!.resourceArn)).toEqual([ARN, 'arn:aws:sns:us-east-1:123456789012:alerts']);
  });

  it('reports a listing refused for good (after queueing the pages it got), and goes on', async () => {
    mq.on(ListBrokersCommand)
      .resolvesOnce({ BrokerSummaries: [{ BrokerArn: 'arn:aws:mq:us-east-1:123456789012:broker:orders:b-1234abcd-56ef-78ab-90cd-1234567890ab', DeploymentMode: 'SINGLE_INSTANCE', EngineType: 'ACTIVEMQ' }], NextToken: 'more' })
      .rejectsOnce(denied());
    const out = await runListing(listing('mq-broker'), deps());
    expect(out.queued).toBe(1);
    expect(failures).toEqual([out.failure]);
    expect(out.failure).toMatchObject({ accountId: '123456789012', region: 'us-east-1', resourceType: 'mq-broker', queued: 1, trigger: { eventId: 'sched-1' } });
    expect(out.failure!.error).toBe('cannot list Amazon MQ broker resources (mq:ListBrokers) in account 123456789012, us-east-1: AccessDenied: User is not authorized to perform this action');

    // No role to assume: memberClientsFor's error wraps STS's refusal.
    const noRole = await runListing(listing('sqs-queue'), { ...deps(), clientsFor: () => Promise.reject(new Error('cannot assume role arn:aws:iam::444455556666:role/fixbridge-remediation', { cause: denied() })) });
    expect(noRole).toMatchObject({ queued: 0, failure: { error: expect.stringContaining('cannot assume role arn:aws:iam::444455556666:role/fixbridge-remediation') } });
    expect(failures).toHaveLength(1);
  });

  it('throws a failure that may pass (throttling, a fault of the service, the network), so SQS retries the listing', async () => {
    sns.on(ListTopicsCommand).rejects(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    await expect(runListing(listing('sns-topic'), deps())).rejects.toThrow(/socket hang up/);
    expect(failures).toEqual([]);
    const throttled = new STSServiceException({ name: 'Throttling', $fault: 'client', $metadata: {}, message: 'Rate exceeded' });
    expect(isPermanentListingError(throttled)).toBe(false);
    expect(isPermanentListingError(new STSServiceException({ name: 'InternalFailure', $fault: 'server', $metadata: {}, message: 'oops' }))).toBe(false);
    expect(isPermanentListingError(denied())).toBe(true);
  });

  it('throws when the work queue refuses a message: it is not the listing that failed', async () => {
    sqs.on(ListQueuesCommand).resolves({ QueueUrls: ['https://sqs.us-east-1.amazonaws.com/123456789012/orders'] });
    sqs.on(SendMessageBatchCommand).rejects(Object.assign(denied('not allowed to send'), { name: 'AccessDenied' }));
    await expect(runListing(listing('sqs-queue'), deps())).rejects.toThrow(/not allowed to send/);
    expect(failures).toEqual([]);
  });
});
