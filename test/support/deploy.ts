/**
 * Helpers for the deployed engine's tests: the hub's resources created in the emulator (history
 * table, work queue, topic, bus rule, config parameter), captures of what the functions send, the
 * Lambda plumbing (SQS events, context), and changes applied and recorded as the worker does them.
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand, PutRuleCommand, EventBridgeClient, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { Context, SQSEvent } from 'aws-lambda';
import { beforeAll, expect } from 'vitest';
import { ClientPool, defaultConfig, routeRunbook, type EngineConfigInput, type Mode } from '@fixbridge/core';
import { deliver, HISTORY_TABLE, HistoryStore } from '@fixbridge/core/hub';
import { ENV } from '../../packages/functions/src/env';
import { ACCOUNT, REGION, seedClients, uniqueName } from './aws';
import './quiet-lambda';

export async function createHistoryTable(name = uniqueName('history')): Promise<string> {
  const { partitionKey, resourceIndex, approvalIndex } = HISTORY_TABLE;
  const indexes = [resourceIndex, approvalIndex];
  await new DynamoDBClient({ region: REGION }).send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: partitionKey, KeyType: 'HASH' }],
      AttributeDefinitions: [partitionKey, ...indexes.flatMap((i) => [i.partitionKey, i.sortKey])].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
      GlobalSecondaryIndexes: indexes.map((i) => ({
        IndexName: i.name,
        KeySchema: [
          { AttributeName: i.partitionKey, KeyType: 'HASH' },
          { AttributeName: i.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    }),
  );
  return name;
}

async function queueWithArn(name: string, attributes: Record<string, string> = {}) {
  const url = (await seedClients().sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl!;
  return { url, arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}` };
}

/** Everything a hub stage creates, in the emulator, with captures of the bus and the topic. */
export async function createHub(engine: EngineConfigInput) {
  const id = uniqueName('hub');
  const parameter = `/fixbridge/${id}/engine-config`;
  await new SSMClient({ region: REGION }).send(new PutParameterCommand({ Name: parameter, Type: 'String', Value: JSON.stringify(engine) }));
  const work = await queueWithArn(`${id}-work.fifo`, { FifoQueue: 'true' });
  const busCapture = await queueWithArn(`${id}-bus`);
  const topicCapture = await queueWithArn(`${id}-notes`);
  const topicArn = (await seedClients().sns.send(new CreateTopicCommand({ Name: `${id}-notes` }))).TopicArn!;
  await seedClients().sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: topicCapture.arn, Attributes: { RawMessageDelivery: 'true' } }));
  // A bus of the hub's own (the stack uses the default bus): the emulator matches every event against
  // every rule of its bus, one rule at a time, and hubs sharing the default bus would slow each other.
  const events = new EventBridgeClient({ region: REGION });
  const eventBus = `${id}-events`;
  await events.send(new CreateEventBusCommand({ Name: eventBus }));
  await events.send(new PutRuleCommand({ Name: `${id}-results`, EventBusName: eventBus, EventPattern: JSON.stringify({ source: ['fixbridge'] }) }));
  await events.send(new PutTargetsCommand({ Rule: `${id}-results`, EventBusName: eventBus, Targets: [{ Id: 'capture', Arn: busCapture.arn }] }));
  const table = await createHistoryTable();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    [ENV.configParameter]: parameter,
    [ENV.workQueueUrl]: work.url,
    [ENV.historyTable]: table,
    [ENV.topicArn]: topicArn,
    [ENV.eventBus]: eventBus,
    [ENV.hubAccountId]: ACCOUNT,
    [ENV.memberRoleName]: 'fixbridge-remediation',
    [ENV.externalId]: 'test-external-id',
    [ENV.sweepAccounts]: ACCOUNT,
    [ENV.sweepRegions]: REGION,
  };
  return { env, table, work, eventBus, busCapture, topicCapture, topicArn, parameter };
}

export async function receiveAll(queueUrl: string, expected = 1, attempts = 10): Promise<Message[]> {
  const out: Message[] = [];
  for (let i = 0; i < attempts && out.length < expected; i++) {
    const r = await seedClients().sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: i ? 1 : 0, MessageSystemAttributeNames: ['All'], AttributeNames: ['All'] })); // moto 5.1 reads only the older AttributeNames
    out.push(...(r.Messages ?? []));
  }
  return out;
}

/**
 * Every message on a queue now, each deleted once taken (as Lambda deletes what its function
 * processed, so a FIFO group is not held by a message already handled). The emulator delivers bus
 * events and notifications to their capture queues before the call that sent them returns.
 */
export async function takeAll(queueUrl: string): Promise<Message[]> {
  const out: Message[] = [];
  for (;;) {
    const r = await seedClients().sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageSystemAttributeNames: ['All'], AttributeNames: ['All'] }));
    const got = r.Messages ?? [];
    if (!got.length) return out;
    await seedClients().sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: got.map((m, n) => ({ Id: String(n), ReceiptHandle: m.ReceiptHandle! })) }));
    out.push(...got);
  }
}

/** An SQS event as Lambda delivers it, from messages received off the work queue. */
export function sqsEvent(messages: Message[], queueArn: string): SQSEvent {
  return {
    Records: messages.map((m) => ({
      messageId: m.MessageId!,
      receiptHandle: m.ReceiptHandle!,
      body: m.Body!,
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: ACCOUNT, ApproximateFirstReceiveTimestamp: '0', ...(m.Attributes ?? {}) },
      messageAttributes: {},
      md5OfBody: m.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: REGION,
    })),
  };
}

export function lambdaContext(requestId = uniqueName('req')): Context {
  return {
    awsRequestId: requestId,
    functionName: 'fixbridge-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:fixbridge-test`,
    memoryLimitInMB: '512',
    logGroupName: '/aws/lambda/fixbridge-test',
    logStreamName: 'test',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** A fixture event with a fresh id, naming `resourceArn` wherever the fixture names its resource. */
export function eventFor(fixture: object, fixtureArn: string, resourceArn: string): Record<string, unknown> {
  const text = JSON.stringify(fixture).replaceAll(fixtureArn, resourceArn);
  return { ...(JSON.parse(text) as Record<string, unknown>), id: uniqueName('evt') };
}

/** The queue ARN the fixtures name (`orders`), which `eventFor` replaces. */
export const FIXTURE_ARN = 'arn:aws:sqs:us-east-1:123456789012:orders';
/** New queues get SSE-SQS by default (in AWS and the emulator). */
export const UNENCRYPTED = { SqsManagedSseEnabled: 'false' };

/** Apply a remediation as the deployed worker would, recording it in the history `store`; returns the change id. */
export async function applyRecorded(store: HistoryStore, remediation: string, arn: string, mode: Mode = 'auto'): Promise<string> {
  const items = routeRunbook(remediation, arn, undefined, mode).map((i) => ({ ...i, trigger: { ...i.trigger, eventId: uniqueName('evt') } }));
  const pool = new ClientPool();
  const outcome = await deliver(items[0]!, { engine: { config: defaultConfig(), clientsFor: (ref) => pool.get(ref.region) }, history: store });
  expect(outcome!.result.status).toBe(mode === 'auto' ? 'applied' : 'planned');
  return outcome!.changeId!;
}

/**
 * A history table of the suite's own, created before its tests, and `applied`: a remediation applied
 * as the deployed worker would, recorded in it (its change id).
 */
export function suiteHistory() {
  const h = {} as { table: string; store: HistoryStore; applied(remediation: string, arn: string, mode?: Mode): Promise<string> };
  h.applied = (remediation, arn, mode) => applyRecorded(h.store, remediation, arn, mode);
  beforeAll(async () => {
    h.table = await createHistoryTable();
    h.store = await HistoryStore.open({ table: h.table, region: REGION });
  });
  return h;
}
