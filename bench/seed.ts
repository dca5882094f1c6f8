/**
 * Seeding the benchmark's emulator with plain SDK clients (no fixbridge user agent): queues, topics
 * and brokers in a chosen state, many at a time.
 */
import { CreateAliasCommand, CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBrokerCommand, MqClient } from '@aws-sdk/client-mq';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';

export const ACCOUNT = '123456789012';
export const KEY_ALIAS = 'alias/bench';

export interface Seeders {
  sqs: SQSClient;
  sns: SNSClient;
  mq: MqClient;
  kms: KMSClient;
}
export const seeders = (region: string): Seeders => ({ sqs: new SQSClient({ region }), sns: new SNSClient({ region }), mq: new MqClient({ region }), kms: new KMSClient({ region }) });

/** `count` calls of `one(i)`, `parallel` at a time. */
export async function many<T>(count: number, one: (i: number) => Promise<T>, parallel = 50): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i += parallel) out.push(...(await Promise.all(Array.from({ length: Math.min(parallel, count - i) }, (_, j) => one(i + j)))));
  return out;
}

const doc = (Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });

// ---- queues ----------------------------------------------------------------------------------

export const queueArn = (region: string, name: string) => `arn:aws:sqs:${region}:${ACCOUNT}:${name}`;
const tls = (arn: string) => ({ Sid: 'DenyInsecure', Effect: 'Deny', Principal: '*', Action: 'sqs:*', Resource: arn, Condition: { Bool: { 'aws:SecureTransport': 'false' } } });

export type QueueState = 'compliant' | 'unencrypted' | 'no-tls' | 'as-created';

/** A queue's attributes in a state: compliant with every SQS remediation, or lacking one thing (or as CreateQueue leaves it). */
export function queueAttributes(region: string, name: string, state: QueueState, dlqName = 'bench-dlq'): Record<string, string> {
  if (state === 'as-created') return {};
  const arn = queueArn(region, name);
  return {
    SqsManagedSseEnabled: state === 'unencrypted' ? 'false' : 'true',
    ...(state === 'no-tls' ? {} : { Policy: doc([tls(arn)]) }),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: queueArn(region, dlqName), maxReceiveCount: 5 }),
  };
}

/** The dead-letter queue the seeded queues use, itself compliant (a DLQ needs no DLQ of its own). */
export async function seedDlq(s: Seeders, region: string, name = 'bench-dlq'): Promise<string> {
  return (await s.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { SqsManagedSseEnabled: 'true', Policy: doc([tls(queueArn(region, name))]) } }))).QueueUrl!;
}

export async function seedQueue(s: Seeders, region: string, name: string, state: QueueState): Promise<string> {
  return (await s.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: queueAttributes(region, name, state) }))).QueueUrl!;
}

// ---- topics ----------------------------------------------------------------------------------

export type TopicState = 'compliant' | 'unencrypted' | 'no-tls';

export async function seedKey(s: Seeders): Promise<void> {
  const key = await s.kms.send(new CreateKeyCommand({ Description: 'fixbridge bench key' }));
  await s.kms.send(new CreateAliasCommand({ AliasName: KEY_ALIAS, TargetKeyId: key.KeyMetadata!.KeyId! }));
}

export async function seedTopic(s: Seeders, region: string, name: string, state: TopicState): Promise<string> {
  const arn = `arn:aws:sns:${region}:${ACCOUNT}:${name}`;
  const statements = [
    { Sid: 'Owner', Effect: 'Allow', Principal: { AWS: '*' }, Action: ['SNS:Publish', 'SNS:Subscribe'], Resource: arn, Condition: { StringEquals: { 'AWS:SourceOwner': ACCOUNT } } },
    ...(state === 'no-tls' ? [] : [{ Sid: 'DenyInsecure', Effect: 'Deny', Principal: '*', Action: 'SNS:Publish', Resource: arn, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }]),
    { Sid: 'DenyHttp', Effect: 'Deny', Principal: '*', Action: 'SNS:Subscribe', Resource: arn, Condition: { StringEquals: { 'SNS:Protocol': 'http' } } },
  ];
  const out = await s.sns.send(new CreateTopicCommand({ Name: name, Attributes: { Policy: doc(statements), ...(state === 'unencrypted' ? {} : { KmsMasterKeyId: KEY_ALIAS }) } }));
  return out.TopicArn!;
}

// ---- brokers ---------------------------------------------------------------------------------

export type BrokerState = 'compliant' | 'no-minor-upgrades';

export async function seedBroker(s: Seeders, name: string, state: BrokerState): Promise<string> {
  const out = await s.mq.send(
    new CreateBrokerCommand({
      BrokerName: name,
      EngineType: 'ACTIVEMQ',
      EngineVersion: '5.17.6',
      HostInstanceType: 'mq.m5.large',
      DeploymentMode: 'ACTIVE_STANDBY_MULTI_AZ',
      PubliclyAccessible: false,
      EncryptionOptions: { UseAwsOwnedKey: false, KmsKeyId: KEY_ALIAS },
      AutoMinorVersionUpgrade: state === 'compliant',
      Logs: { General: true, Audit: true },
      Users: [{ Username: 'admin', Password: 'bench-password-123' }],
    }),
  );
  return out.BrokerId!;
}
