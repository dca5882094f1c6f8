/**
 * In-memory resource states for the offline evaluate tables, one builder per kind, as the kinds'
 * `read` returns them (policies as the services return them: JSON text in the attributes).
 */
import { parsePolicy, type EvaluateConfig, type MqBrokerState, type PolicyDocument, type SnsTopicState, type SqsQueueState } from '@fixbridge/core';
import type { snsRequireTls } from '../../packages/core/src/remediations/sns-require-tls';
import { defaultTopicStatement } from './sns-mq';

/** The engine settings every remediation's evaluate is given. */
export const SETTINGS: EvaluateConfig = { exemptTagKey: 'fixbridge:exempt' };

/** A plan, or the test fails naming what it got instead. */
export function planOf<T extends { kind: string }>(a: T): Extract<T, { kind: 'plan' }> {
  if (a.kind !== 'plan') throw new Error(`expected a plan, got ${a.kind}: ${JSON.stringify(a)}`);
  return a as Extract<T, { kind: 'plan' }>;
}

// ---- SQS queue ---------------------------------------------------------------------------

export const QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:orders';

export function queueState(attributes: Record<string, string> = {}, name = 'orders'): SqsQueueState {
  return {
    arn: `arn:aws:sqs:us-east-1:123456789012:${name}`,
    url: `https://sqs.us-east-1.amazonaws.com/123456789012/${name}`,
    name,
    accountId: '123456789012',
    region: 'us-east-1',
    fifo: name.endsWith('.fifo'),
    attributes: { QueueArn: `arn:aws:sqs:us-east-1:123456789012:${name}`, ...attributes },
    policy: parsePolicy(attributes.Policy),
  };
}

export const queueWithPolicy = (doc: PolicyDocument) => queueState({ Policy: JSON.stringify(doc) });

/** A statement letting an SNS topic send to the queue (a producer the KMS key must let in). */
export const snsProducer = { Sid: 'FromTopic', Effect: 'Allow' as const, Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: QUEUE_ARN, Condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:123456789012:t' } } };

// ---- SNS topic ---------------------------------------------------------------------------

export const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:alerts';
export const DEFAULT_TOPIC_STATEMENT = defaultTopicStatement(TOPIC_ARN);

const baseTopic: SnsTopicState = {
  arn: TOPIC_ARN,
  name: 'alerts',
  accountId: '123456789012',
  region: 'us-east-1',
  attributes: { TopicArn: TOPIC_ARN, Owner: '123456789012' },
  policy: null,
};

/** The base topic with a policy (as SNS returns it: JSON text in the attributes) and other attributes. */
export function topicState(statements: object[] | null = [DEFAULT_TOPIC_STATEMENT], attributes: Record<string, string> = {}): SnsTopicState {
  const t = structuredClone(baseTopic);
  if (statements) t.attributes.Policy = JSON.stringify({ Version: '2008-10-17', Id: '__default_policy_ID', Statement: statements });
  Object.assign(t.attributes, attributes);
  t.policy = parsePolicy(t.attributes.Policy);
  return t;
}

/** The policy an SNS plan writes, parsed from its op (what would actually reach SNS). */
export function writtenTopicPolicy(a: ReturnType<typeof snsRequireTls.evaluate>): PolicyDocument {
  const op = planOf(a).ops[0];
  if (op?.kind !== 'set-attribute' || op.name !== 'Policy') throw new Error('no policy write');
  return JSON.parse(op.value);
}

// ---- Amazon MQ broker --------------------------------------------------------------------

export const BROKER_ID = 'b-7f3c2a1e-9d4b-4c8a-b6e5-1a2b3c4d5e6f';

/** An ActiveMQ single-instance broker with every setting off. */
export const activemq: MqBrokerState = {
  arn: `arn:aws:mq:us-east-1:123456789012:broker:orders-broker:${BROKER_ID}`,
  id: BROKER_ID,
  name: 'orders-broker',
  accountId: '123456789012',
  region: 'us-east-1',
  engineType: 'ACTIVEMQ',
  deploymentMode: 'SINGLE_INSTANCE',
  publiclyAccessible: true,
  encryption: { useAwsOwnedKey: true },
  logs: { general: false, audit: false },
  autoMinorVersionUpgrade: false,
  brokerState: 'RUNNING',
  tags: {},
};
export const rabbitmq: MqBrokerState = { ...structuredClone(activemq), engineType: 'RABBITMQ' };

export function brokerState(from: MqBrokerState, over: Partial<MqBrokerState>): MqBrokerState {
  return { ...structuredClone(from), ...over };
}
