import { InputError } from './errors';

/** The resource kinds fixbridge remediates. */
export const RESOURCE_TYPES = ['sqs-queue', 'sns-topic', 'mq-broker'] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

export const RESOURCE_TYPE_LABEL: Record<ResourceType, string> = {
  'sqs-queue': 'SQS queue',
  'sns-topic': 'SNS topic',
  'mq-broker': 'Amazon MQ broker',
};

/** A parsed, validated reference to one resource. */
export interface ResourceRef {
  type: ResourceType;
  arn: string;
  partition: string;
  region: string;
  accountId: string;
  /** Queue name, topic name, or broker id. */
  name: string;
}

const ARN_RE = /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b):([a-z0-9-]+):([a-z0-9-]*):(\d{12}):(.+)$/;
const REGION_RE = /^[a-z]{2}(-[a-z]+)+-\d$/;
const QUEUE_NAME_RE = /^[A-Za-z0-9_-]{1,80}$|^[A-Za-z0-9_-]{1,75}\.fifo$/;
const TOPIC_NAME_RE = /^[A-Za-z0-9_-]{1,256}$|^[A-Za-z0-9_-]{1,251}\.fifo$/;
/** `b-<uuid>` on AWS; six hex digits on the moto emulator. */
const BROKER_ID_RE = /^b-[0-9a-f-]+$|^[0-9a-f]{6}$/;

/**
 * Parse an ARN of a resource fixbridge knows. Throws `InputError` naming what is wrong.
 * SQS: arn:aws:sqs:<region>:<account>:<queue-name>
 * SNS: arn:aws:sns:<region>:<account>:<topic-name>
 * MQ:  arn:aws:mq:<region>:<account>:broker:<broker-name>:<broker-id>, or broker:<broker-id> (the
 *      emulator's form, and `mqBrokerArn`'s when an event names only the broker id)
 */
export function parseArn(arn: string): ResourceRef {
  const m = ARN_RE.exec(arn.trim());
  if (!m) throw new InputError(`malformed ARN "${arn}": expected arn:<partition>:<service>:<region>:<12-digit account>:<resource>`);
  const [, partition, service, region, accountId, resource] = m as unknown as [string, string, string, string, string, string];
  if (!REGION_RE.test(region)) throw new InputError(`malformed ARN "${arn}": "${region}" is not an AWS region`);
  switch (service) {
    case 'sqs':
      if (!QUEUE_NAME_RE.test(resource)) throw new InputError(`malformed ARN "${arn}": "${resource}" is not a valid SQS queue name`);
      return { type: 'sqs-queue', arn, partition, region, accountId, name: resource };
    case 'sns':
      if (!TOPIC_NAME_RE.test(resource)) throw new InputError(`malformed ARN "${arn}": "${resource}" is not a valid SNS topic name (subscription ARNs are not supported)`);
      return { type: 'sns-topic', arn, partition, region, accountId, name: resource };
    case 'mq': {
      const parts = resource.split(':');
      const brokerId = parts[parts.length - 1];
      if (parts[0] !== 'broker' || (parts.length !== 2 && parts.length !== 3) || !brokerId || !BROKER_ID_RE.test(brokerId)) {
        throw new InputError(`malformed ARN "${arn}": expected arn:aws:mq:<region>:<account>:broker:<name>:<broker-id>`);
      }
      return { type: 'mq-broker', arn, partition, region, accountId, name: brokerId };
    }
    default:
      throw new InputError(`unsupported ARN "${arn}": fixbridge handles sqs, sns and mq resources, not "${service}"`);
  }
}

/**
 * One stable key per resource, whatever ARN form named it: a broker is `broker:<name>:<id>` in
 * findings and CreateBroker, `broker:<id>` when an event names only the id. Use it to serialize
 * and deduplicate work on a resource (never the raw ARN).
 */
export function resourceKey(ref: ResourceRef): string {
  return ref.type === 'mq-broker' ? `arn:${ref.partition}:mq:${ref.region}:${ref.accountId}:broker:${ref.name}` : ref.arn;
}

/** A broker ARN from its id alone (`broker:<id>`); the reader resolves it, and results show the real ARN. */
export function mqBrokerArn(region: string, accountId: string, brokerId: string): string {
  return `arn:${partitionOf(region)}:mq:${region}:${accountId}:broker:${brokerId}`;
}

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/**
 * Derive a queue ARN from a queue URL (`https://sqs.<region>.amazonaws.com/<account>/<name>`,
 * the legacy `https://queue.amazonaws.com/...`, or an emulator's `http://127.0.0.1:5055/<account>/<name>`).
 */
export function queueArnFromUrl(queueUrl: string, region: string): string {
  let url: URL;
  try {
    url = new URL(queueUrl);
  } catch (cause) {
    throw new InputError(`malformed queue URL "${queueUrl}"`, { cause });
  }
  const parts = url.pathname.split('/').filter(Boolean);
  const [accountId, name] = parts.length >= 2 ? [parts[parts.length - 2], parts[parts.length - 1]] : [undefined, undefined];
  if (!accountId || !/^\d{12}$/.test(accountId) || !name) {
    throw new InputError(`malformed queue URL "${queueUrl}": expected .../<12-digit account>/<queue-name>`);
  }
  const hostRegion = /^sqs\.([a-z0-9-]+)\.amazonaws\.com/.exec(url.hostname)?.[1] ?? region;
  return `arn:${partitionOf(hostRegion)}:sqs:${hostRegion}:${accountId}:${name}`;
}

/** Role ARN behind an assumed-role session ARN, or the ARN itself. */
export function roleArnOf(principalArn: string): string {
  const m = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(principalArn);
  return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : principalArn;
}
