/**
 * Helpers for sweep tests: seeding queues in a region (and an account) of their own, so a test
 * checks only what it created although every test file shares one emulator.
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateQueueCommand, GetQueueAttributesCommand, ListQueuesCommand, SQSClient, TagQueueCommand } from '@aws-sdk/client-sqs';
import { ACCOUNT } from './aws';

export type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string | undefined };

/** Credentials of `accountId` through an assumed role (moto maps them to that account). Plain SDK: no fixbridge user agent. */
export async function accountCredentials(accountId: string, roleName = 'fixbridge-remediation'): Promise<Credentials> {
  const sts = new STSClient({ region: 'us-east-1' });
  const out = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/${roleName}`, RoleSessionName: 'seed', ExternalId: 'test-external-id' }));
  const c = out.Credentials!;
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken };
}

/** An SQS client of a region (and account), playing the account's developers. */
export function sqsIn(region: string, credentials?: Credentials): SQSClient {
  return new SQSClient({ region, ...(credentials ? { credentials } : {}) });
}

export const queueArnIn = (region: string, name: string, account = ACCOUNT) => `arn:aws:sqs:${region}:${account}:${name}`;

/** The statement sqs-require-tls adds: with it, the queue is compliant with that remediation. */
export function tlsDeny(arn: string) {
  return { Sid: 'DenyInsecure', Effect: 'Deny', Principal: '*', Action: 'sqs:*', Resource: arn, Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
}

/**
 * Attributes of a queue every SQS remediation finds compliant (with a default config): SSE-SQS, a
 * TLS deny, a dead-letter queue. `without` leaves one of them out.
 */
export function compliantAttributes(arn: string, dlqArn: string, without?: 'encryption' | 'tls'): Record<string, string> {
  return {
    SqsManagedSseEnabled: without === 'encryption' ? 'false' : 'true',
    ...(without === 'tls' ? {} : { Policy: JSON.stringify({ Version: '2012-10-17', Statement: [tlsDeny(arn)] }) }),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 5 }),
  };
}

export async function createQueueIn(sqs: SQSClient, name: string, attributes: Record<string, string> = {}, tags?: Record<string, string>) {
  const out = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (tags) await sqs.send(new TagQueueCommand({ QueueUrl: out.QueueUrl!, Tags: tags }));
  return out.QueueUrl!;
}

/** Create many queues, `parallel` at a time. */
export async function createQueuesIn(sqs: SQSClient, names: string[], attributes: (name: string) => Record<string, string> = () => ({}), parallel = 25): Promise<string[]> {
  const urls: string[] = [];
  for (let i = 0; i < names.length; i += parallel) urls.push(...(await Promise.all(names.slice(i, i + parallel).map((n) => createQueueIn(sqs, n, attributes(n))))));
  return urls;
}

export async function attributesOf(sqs: SQSClient, url: string): Promise<Record<string, string>> {
  return (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes ?? {};
}

export async function queueNamesIn(sqs: SQSClient, prefix: string): Promise<string[]> {
  return ((await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix }))).QueueUrls ?? []).map((u) => u.split('/').pop()!);
}
