/**
 * Demo helper: seed misconfigured resources into the emulator, write sample events, and show
 * queue state. Usage: tsx scripts/demo/seed.ts reset | seed <dir> | show <queue-name>...
 * `reset` empties the demo's emulator (moto's reset API), so the demo starts from nothing.
 * Uses plain SDK clients (no fixbridge user agent): it plays the account's developers.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudWatchLogsClient, PutResourcePolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import { parsePolicy, statementsOf } from '@fixbridge/core';
import { mqLogsResourcePolicy } from '../../packages/core/src/remediations/mq-enable-logging';
import { CreateAliasCommand, CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient, TagQueueCommand } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, GetTopicAttributesCommand, SetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateBrokerCommand, DescribeBrokerCommand, ListBrokersCommand, MqClient } from '@aws-sdk/client-mq';

const ACCOUNT = '123456789012';
const REGION = process.env.AWS_REGION ?? 'us-east-1';
const sqs = new SQSClient({ region: REGION });
const kms = new KMSClient({ region: REGION });
const sns = new SNSClient({ region: REGION });
const mq = new MqClient({ region: REGION });
const arn = (name: string) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`;
const fixtures = join(import.meta.dirname, '..', '..', 'test', 'fixtures');

const QUEUES: { name: string; attributes: Record<string, string>; tags?: Record<string, string>; note: string }[] = [
  {
    name: 'orders',
    note: 'unencrypted, open to everyone, fed by an SNS topic, no DLQ',
    attributes: {
      SqsManagedSseEnabled: 'false',
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'FromOrdersTopic', Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: arn('orders'), Condition: { ArnEquals: { 'aws:SourceArn': `arn:aws:sns:${REGION}:${ACCOUNT}:orders-topic` } } },
          { Sid: 'Anyone', Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: arn('orders') },
        ],
      }),
    },
  },
  {
    name: 'payments.fifo',
    note: 'FIFO, fed by an EventBridge rule the demo key does not allow',
    attributes: {
      FifoQueue: 'true',
      SqsManagedSseEnabled: 'false',
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Sid: 'FromEventBridge', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: arn('payments.fifo') }],
      }),
    },
  },
  { name: 'legacy-batch', note: 'exempt (tag fixbridge:exempt=true)', attributes: { SqsManagedSseEnabled: 'false' }, tags: { 'fixbridge:exempt': 'true' } },
];

function createQueueEvent(name: string): object {
  const e = JSON.parse(readFileSync(join(fixtures, 'cloudtrail-sqs-create-queue.json'), 'utf8'));
  e.id = `demo-${name}`;
  e.detail.requestParameters.queueName = name;
  e.detail.responseElements.queueUrl = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}`;
  return e;
}

async function seed(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const key = await kms.send(
    new CreateKeyCommand({
      Description: 'fixbridge demo key (lets SNS use it, not EventBridge)',
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'Admin', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' },
          { Sid: 'SnsProducers', Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: ['kms:GenerateDataKey*', 'kms:Decrypt'], Resource: '*' },
        ],
      }),
    }),
  );
  await kms.send(new CreateAliasCommand({ AliasName: 'alias/fixbridge-demo', TargetKeyId: key.KeyMetadata!.KeyId! }));
  for (const q of QUEUES) {
    const out = await sqs.send(new CreateQueueCommand({ QueueName: q.name, Attributes: q.attributes }));
    if (q.tags) await sqs.send(new TagQueueCommand({ QueueUrl: out.QueueUrl!, Tags: q.tags }));
    writeFileSync(join(dir, `${q.name}-created.json`), JSON.stringify(createQueueEvent(q.name), null, 2));
    console.log(`  created queue ${q.name.padEnd(14)} ${q.note}`);
  }
  await seedTopic(dir);
  await seedBroker(dir);
  const finding = JSON.parse(readFileSync(join(fixtures, 'securityhub-imported-sqs1.json'), 'utf8'));
  finding.detail.findings[0].Compliance.SecurityControlId = 'SQS.3';
  finding.detail.findings[0].GeneratorId = 'security-control/SQS.3';
  finding.detail.findings[0].Title = 'SQS queue access policies should not allow public access';
  writeFileSync(join(dir, 'orders-finding-sqs3.json'), JSON.stringify(finding, null, 2));
  const config = {
    remediations: {
      'sqs-encrypt-at-rest': { kmsKeyId: 'alias/fixbridge-demo' },
      'sqs-dead-letter-queue': { maxReceiveCount: 3 },
      'sns-encrypt-at-rest': { kmsKeyId: 'alias/fixbridge-demo' },
    },
  };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2));
  console.log(`  created key alias/fixbridge-demo; events and config written to ${dir}`);
}

async function seedTopic(dir: string): Promise<void> {
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'alerts' }))).TopicArn!;
  const policy = {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'FromEventBridge', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sns:Publish', Resource: topicArn },
      { Sid: 'AnyonePublishes', Effect: 'Allow', Principal: { AWS: '*' }, Action: ['SNS:Publish', 'SNS:Subscribe'], Resource: topicArn },
    ],
  };
  await sns.send(new SetTopicAttributesCommand({ TopicArn: topicArn, AttributeName: 'Policy', AttributeValue: JSON.stringify(policy) }));
  const e = JSON.parse(readFileSync(join(fixtures, 'cloudtrail-sns-create-topic.json'), 'utf8'));
  e.detail.requestParameters.name = 'alerts';
  e.detail.responseElements.topicArn = topicArn;
  writeFileSync(join(dir, 'alerts-created.json'), JSON.stringify(e, null, 2));
  console.log(`  created topic alerts         open to everyone, fed by EventBridge, unencrypted`);
}

async function seedBroker(dir: string): Promise<void> {
  // Amazon MQ can publish logs only where a CloudWatch Logs resource policy lets it (AWS's documented policy).
  await new CloudWatchLogsClient({ region: REGION }).send(
    new PutResourcePolicyCommand({
      policyName: 'AmazonMQ-logs',
      policyDocument: JSON.stringify(mqLogsResourcePolicy()),
    }),
  );
  const out = await mq.send(
    new CreateBrokerCommand({
      BrokerName: 'orders-broker',
      EngineType: 'ACTIVEMQ',
      EngineVersion: '5.17.6',
      HostInstanceType: 'mq.t3.micro',
      DeploymentMode: 'SINGLE_INSTANCE',
      PubliclyAccessible: true,
      AutoMinorVersionUpgrade: false,
      Logs: { General: false, Audit: false },
      Users: [{ Username: 'admin', Password: 'demo-password-123' }],
    }),
  );
  const e = JSON.parse(readFileSync(join(fixtures, 'cloudtrail-mq-create-broker.json'), 'utf8'));
  e.detail.responseElements = { brokerId: out.BrokerId, brokerArn: out.BrokerArn };
  writeFileSync(join(dir, 'orders-broker-created.json'), JSON.stringify(e, null, 2));
  console.log(`  created broker orders-broker single-instance ActiveMQ, public, no logs, no auto minor upgrades`);
}

/** One line per statement: Sid, effect, principal, actions and conditions. */
function printPolicy(text: string | undefined): void {
  const stmts = statementsOf(parsePolicy(text));
  console.log(`    policy: ${stmts.length ? '' : 'none'}`);
  for (const s of stmts) console.log(`      ${s.Sid ?? '(no Sid)'}: ${s.Effect} ${JSON.stringify(s.Principal)} ${JSON.stringify(s.Action)}${s.Condition ? ` if ${JSON.stringify(s.Condition)}` : ''}`);
}

async function showTopicAndBroker(): Promise<void> {
  const topicArn = `arn:aws:sns:${REGION}:${ACCOUNT}:alerts`;
  const t = (await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }))).Attributes ?? {};
  console.log('  topic alerts');
  console.log(`    encryption: ${t.KmsMasterKeyId ?? 'none'}`);
  printPolicy(t.Policy);
  const summary = (await mq.send(new ListBrokersCommand({}))).BrokerSummaries?.find((b) => b.BrokerName === 'orders-broker');
  if (!summary?.BrokerId) return;
  const b = await mq.send(new DescribeBrokerCommand({ BrokerId: summary.BrokerId }));
  console.log('  broker orders-broker');
  console.log(`    logs: general=${b.Logs?.General} audit=${b.Logs?.Audit}${b.Logs?.Pending ? ` (pending: ${JSON.stringify(b.Logs.Pending)})` : ''}`);
  console.log(`    autoMinorVersionUpgrade: ${b.AutoMinorVersionUpgrade}, publiclyAccessible: ${b.PubliclyAccessible}, deploymentMode: ${b.DeploymentMode}`);
}

async function show(names: string[]): Promise<void> {
  for (const name of names) {
    const url = (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
    const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes ?? {};
    console.log(`  ${name}`);
    console.log(`    encryption: ${a.KmsMasterKeyId ? `SSE-KMS ${a.KmsMasterKeyId}` : a.SqsManagedSseEnabled === 'true' ? 'SSE-SQS' : 'none'}`);
    console.log(`    dead-letter queue: ${a.RedrivePolicy ? JSON.parse(a.RedrivePolicy).deadLetterTargetArn : 'none'}`);
    printPolicy(a.Policy);
  }
  await showTopicAndBroker();
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === 'reset') {
  const res = await fetch(`${process.env.AWS_ENDPOINT_URL}/moto-api/reset`, { method: 'POST' });
  if (!res.ok) throw new Error(`emulator reset: HTTP ${res.status}`);
} else if (cmd === 'seed') await seed(args[0] ?? '.cache/demo');
else if (cmd === 'show') await show(args);
else {
  console.error('usage: seed.ts reset | seed <dir> | show <queue-name>...');
  process.exit(2);
}
