/** Helpers for SNS and Amazon MQ tests: events naming a resource, and seeding/reading with plain SDK clients. */
import { CloudWatchLogsClient, PutResourcePolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateBrokerCommand, DescribeBrokerCommand, MqClient, type CreateBrokerRequest, type DescribeBrokerResponse } from '@aws-sdk/client-mq';
import { CreateTopicCommand, GetTopicAttributesCommand, ListTagsForResourceCommand, SetTopicAttributesCommand } from '@aws-sdk/client-sns';
import type { KeyInfo } from '@fixbridge/core';
import { mqLogsResourcePolicy } from '../../packages/core/src/remediations/mq-enable-logging';
import { ACCOUNT, REGION, seedClients, uniqueName } from './aws';
import { fixture } from './fixtures';

/** The write calls of SNS, MQ and the tagging APIs, to prove "no write" from a recorded run. */
const WRITES = ['SetTopicAttributesCommand', 'TagResourceCommand', 'UpdateBrokerCommand', 'RebootBrokerCommand', 'CreateTagsCommand', 'TagQueueCommand', 'PutResourcePolicyCommand'];
export const writesIn = (calls: string[]): string[] => calls.filter((c) => WRITES.includes(c));

// ---- events ------------------------------------------------------------------------------

const SNS_CLOUDTRAIL: Record<string, string> = {
  CreateTopic: 'cloudtrail-sns-create-topic.json',
  TagResource: 'cloudtrail-sns-tag-resource.json',
};

/** A CloudTrail SNS event acting on `topicArn` (from the CreateTopic, TagResource or SetTopicAttributes fixture). */
export function snsCloudTrailEvent(topicArn: string, eventName = 'SetTopicAttributes'): Record<string, any> {
  const e = fixture(SNS_CLOUDTRAIL[eventName] ?? 'cloudtrail-sns-set-topic-attributes.json');
  e.detail.eventName = eventName;
  if (eventName === 'CreateTopic') {
    e.detail.requestParameters.name = topicArn.split(':').pop();
    e.detail.responseElements.topicArn = topicArn;
  } else if (eventName === 'TagResource' || eventName === 'UntagResource') {
    e.detail.requestParameters.resourceArn = topicArn;
  } else {
    e.detail.requestParameters = { topicArn, ...(eventName === 'Subscribe' ? { protocol: 'http', endpoint: 'http://example.com/hook' } : {}) };
  }
  return e;
}

/** A CloudTrail Amazon MQ event acting on a broker: CreateBroker (ARN in the response), UpdateBroker (id only), CreateTags (ARN). */
export function mqCloudTrailEvent(broker: { id: string; arn: string }, eventName: 'CreateBroker' | 'UpdateBroker' | 'CreateTags' = 'UpdateBroker'): Record<string, any> {
  const file = { CreateBroker: 'cloudtrail-mq-create-broker.json', UpdateBroker: 'cloudtrail-mq-update-broker.json', CreateTags: 'cloudtrail-mq-create-tags.json' }[eventName];
  const e = fixture(file);
  if (eventName === 'CreateBroker') e.detail.responseElements = { brokerId: broker.id, brokerArn: broker.arn };
  if (eventName === 'UpdateBroker') e.detail.requestParameters.brokerId = e.detail.responseElements.brokerId = broker.id;
  if (eventName === 'CreateTags') e.detail.requestParameters.resourceArn = broker.arn;
  return e;
}

/** A Security Hub imported finding for `controlId` on `resourceArn` (from the SNS.1 or MQ.2 fixture). */
export function findingEvent(resourceArn: string, controlId: string): Record<string, any> {
  const e = fixture(resourceArn.includes(':mq:') ? 'securityhub-imported-mq2.json' : 'securityhub-imported-sns1.json');
  const f = e.detail.findings[0];
  f.Compliance.SecurityControlId = controlId;
  f.GeneratorId = `security-control/${controlId}`;
  f.Resources[0].Id = resourceArn;
  return e;
}

// ---- SNS ---------------------------------------------------------------------------------

/** A new topic with a unique name; `statements` (given the topic's ARN) replace its default policy. */
export async function createTopic(
  prefix: string,
  opts: { statements?: (arn: string) => object[]; tags?: Record<string, string>; kmsKeyId?: string } = {},
): Promise<{ arn: string; name: string }> {
  const { sns } = seedClients();
  const name = uniqueName(prefix);
  const out = await sns.send(
    new CreateTopicCommand({
      Name: name,
      ...(opts.tags ? { Tags: Object.entries(opts.tags).map(([Key, Value]) => ({ Key, Value })) } : {}),
      ...(opts.kmsKeyId ? { Attributes: { KmsMasterKeyId: opts.kmsKeyId } } : {}),
    }),
  );
  const arn = out.TopicArn!;
  if (opts.statements) await setTopicPolicy(arn, opts.statements(arn));
  return { arn, name };
}

/** Replace the topic policy, as a person would; returns the JSON text written. */
export async function setTopicPolicy(arn: string, statements: object[]): Promise<string> {
  const text = JSON.stringify({ Version: '2012-10-17', Statement: statements });
  await seedClients().sns.send(new SetTopicAttributesCommand({ TopicArn: arn, AttributeName: 'Policy', AttributeValue: text }));
  return text;
}

export async function topicAttributes(arn: string): Promise<Record<string, string>> {
  return (await seedClients().sns.send(new GetTopicAttributesCommand({ TopicArn: arn }))).Attributes ?? {};
}

export async function topicTags(arn: string): Promise<Record<string, string>> {
  const out = await seedClients().sns.send(new ListTagsForResourceCommand({ ResourceArn: arn }));
  return Object.fromEntries((out.Tags ?? []).map((t) => [t.Key!, t.Value!]));
}

/** The policy AWS gives every new topic: the account (AWS:SourceOwner) may do everything. Not public. */
export function defaultTopicStatement(arn: string) {
  return {
    Sid: '__default_statement_ID',
    Effect: 'Allow' as const,
    Principal: { AWS: '*' },
    Action: ['SNS:GetTopicAttributes', 'SNS:SetTopicAttributes', 'SNS:AddPermission', 'SNS:RemovePermission', 'SNS:DeleteTopic', 'SNS:Subscribe', 'SNS:ListSubscriptionsByTopic', 'SNS:Publish'],
    Resource: arn,
    Condition: { StringEquals: { 'AWS:SourceOwner': ACCOUNT } },
  };
}

/** A statement letting an AWS service publish to the topic (a producer the KMS key must let in). */
export function servicePublisher(arn: string, service = 'events.amazonaws.com') {
  return { Sid: 'ServicePublish', Effect: 'Allow' as const, Principal: { Service: service }, Action: 'sns:Publish', Resource: arn };
}

/** A described, enabled customer-managed key whose policy lets only the account in (for pure evaluate tests). */
export function keyInfo(over: Partial<KeyInfo> = {}): KeyInfo {
  return {
    requested: 'alias/app',
    found: true,
    keyId: 'k-1',
    arn: 'arn:aws:kms:us-east-1:123456789012:key/k-1',
    keyState: 'Enabled',
    keyManager: 'CUSTOMER',
    policy: { Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*' }] },
    ...over,
  };
}

// ---- Amazon MQ ---------------------------------------------------------------------------

/**
 * A new broker (with the account's MQ logs resource policy in place, unless `withLogsPolicy` is
 * false). `region` defaults to the tests' region.
 */
export async function createBroker(
  prefix: string,
  over: Partial<CreateBrokerRequest> = {},
  opts: { region?: string; withLogsPolicy?: boolean } = {},
): Promise<{ id: string; arn: string; name: string }> {
  const name = uniqueName(prefix);
  const rabbit = over.EngineType === 'RABBITMQ';
  const region = opts.region ?? REGION;
  if (opts.withLogsPolicy ?? true) {
    await new CloudWatchLogsClient({ region }).send(new PutResourcePolicyCommand({ policyName: 'AmazonMQ-logs', policyDocument: JSON.stringify(mqLogsResourcePolicy()) }));
  }
  const out = await new MqClient({ region }).send(
    new CreateBrokerCommand({
      BrokerName: name,
      EngineType: 'ACTIVEMQ',
      EngineVersion: rabbit ? '3.13' : '5.18',
      HostInstanceType: 'mq.t3.micro',
      DeploymentMode: 'SINGLE_INSTANCE',
      PubliclyAccessible: false,
      AutoMinorVersionUpgrade: false,
      Users: [{ Username: 'admin', Password: 'correct-horse-battery' }],
      ...over,
    }),
  );
  return { id: out.BrokerId!, arn: out.BrokerArn!, name };
}

export async function describeBroker(id: string): Promise<DescribeBrokerResponse> {
  return seedClients().mq.send(new DescribeBrokerCommand({ BrokerId: id }));
}
