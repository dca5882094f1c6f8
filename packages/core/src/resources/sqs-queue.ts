/**
 * SQS queues: every SQS call the engine makes goes through here.
 * ARN: arn:aws:sqs:<region>:<account>:<queue-name>
 */
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ListQueueTagsCommand,
  paginateListQueues,
  SetQueueAttributesCommand,
  TagQueueCommand,
  UntagQueueCommand,
  type QueueAttributeName,
} from '@aws-sdk/client-sqs';
import { partitionOf } from '../arn';
import type { Clients } from '../aws/clients';
import { clip, ConcurrentEditError, InputError, ResourceNotFoundError } from '../errors';
import { canonicalPolicyText, parsePolicy, serializePolicy, type PolicyDocument } from '../policy';
import { attributeText, defineKind, str, type Tags } from './kind';

export interface SqsQueueState {
  arn: string;
  url: string;
  name: string;
  accountId: string;
  region: string;
  fifo: boolean;
  /** Every attribute as GetQueueAttributes(All) returned it. */
  attributes: Record<string, string>;
  policy: PolicyDocument | null;
}

/** The writes SQS remediations plan. `expectPolicy` guards read-modify-write of the queue policy. */
export type SqsOp =
  | { kind: 'set-attributes'; url: string; attributes: Record<string, string>; expectPolicy?: string | null }
  | { kind: 'create-queue'; name: string; attributes: Record<string, string> }
  | { kind: 'tag'; url: string; tags: Tags }
  | { kind: 'untag'; url: string; keys: string[] };

const QUEUE_NAME_RE = /^[A-Za-z0-9_-]{1,80}$|^[A-Za-z0-9_-]{1,75}\.fifo$/;

/**
 * Derive a queue ARN from a queue URL (`https://sqs.<region>.amazonaws.com/<account>/<name>`,
 * the legacy `https://queue.amazonaws.com/...`, or an emulator's `http://127.0.0.1:5055/<account>/<name>`).
 */
export function queueArnFromUrl(queueUrl: string, region: string): string {
  let url: URL;
  try {
    url = new URL(queueUrl);
  } catch (cause) {
    throw new InputError(`malformed queue URL "${clip(queueUrl)}"`, { cause });
  }
  const parts = url.pathname.split('/').filter(Boolean);
  const [accountId, name] = parts.length >= 2 ? [parts[parts.length - 2], parts[parts.length - 1]] : [undefined, undefined];
  if (!accountId || !/^\d{12}$/.test(accountId) || !name) {
    throw new InputError(`malformed queue URL "${clip(queueUrl)}": expected .../<12-digit account>/<queue-name>`);
  }
  const hostRegion = /^sqs\.([a-z0-9-]+)\.amazonaws\.com/.exec(url.hostname)?.[1] ?? region;
  return `arn:${partitionOf(hostRegion)}:sqs:${hostRegion}:${accountId}:${name}`;
}

function isNotFound(err: unknown): boolean {
  const name = (err as { name?: string })?.name ?? '';
  return /QueueDoesNotExist|NonExistentQueue|AWS\.SimpleQueueService\.NonExistentQueue/.test(name) || /does not exist/i.test((err as Error)?.message ?? '');
}

export async function getQueueUrl(clients: Clients, name: string, accountId: string): Promise<string | undefined> {
  try {
    const out = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: accountId }));
    return out.QueueUrl;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export async function readQueueAttributes(clients: Clients, url: string): Promise<Record<string, string>> {
  const out = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
  return out.Attributes ?? {};
}

/** URLs of the queues that use `url` as their dead-letter queue. */
export async function deadLetterSourceQueues(clients: Clients, url: string): Promise<string[]> {
  const out = await clients.sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: url, MaxResults: 10 }));
  return out.queueUrls ?? [];
}

/** SetQueueAttributes(Policy), refused at apply time if the policy changed since it was read. */
export function queuePolicyOp(queue: SqsQueueState, after: PolicyDocument): SqsOp {
  return { kind: 'set-attributes', url: queue.url, attributes: { Policy: serializePolicy(after) }, expectPolicy: queue.attributes.Policy ?? null };
}

const notFound = (arn: string, cause?: unknown) => new ResourceNotFoundError(`queue ${arn} does not exist`, { cause });

export const sqsQueue = defineKind<'sqs-queue', SqsQueueState, SqsOp>({
  type: 'sqs-queue',
  label: 'SQS queue',
  service: 'sqs',
  cfnType: 'AWS::SQS::Queue',
  arnForm: 'arn:aws:sqs:<region>:<account>:<queue-name>',
  nameOf: (resource) => (QUEUE_NAME_RE.test(resource) ? { name: resource } : { error: `"${resource}" is not a valid SQS queue name` }),
  key: (ref) => ref.arn,

  cloudTrail: {
    eventBridgeSource: 'aws.sqs',
    eventSource: 'sqs.amazonaws.com',
    triggerEvents: ['CreateQueue', 'SetQueueAttributes', 'AddPermission', 'RemovePermission', 'TagQueue', 'UntagQueue'],
    // CreateQueue answers with the URL; the other calls name it.
    resourceOf(d) {
      const url = str(d.requestParameters?.queueUrl) ?? str(d.responseElements?.queueUrl);
      return url ? { arn: queueArnFromUrl(url, d.awsRegion), hint: url } : undefined;
    },
  },
  findingResourceTypes: ['AwsSqsQueue'],

  reads: ['sqs:GetQueueUrl', 'sqs:GetQueueAttributes', 'sqs:ListQueueTags'],
  /** GetQueueAttributes(All), after GetQueueUrl unless the listing or the event gave the URL. */
  async read(clients, ref) {
    const url = ref.hint ?? (await getQueueUrl(clients, ref.name, ref.accountId));
    if (!url) throw notFound(ref.arn);
    let attributes: Record<string, string>;
    try {
      attributes = await readQueueAttributes(clients, url);
    } catch (err) {
      if (isNotFound(err)) throw notFound(ref.arn, err);
      throw err;
    }
    return {
      arn: attributes.QueueArn ?? ref.arn,
      url,
      name: ref.name,
      accountId: ref.accountId,
      region: ref.region,
      fifo: attributes.FifoQueue === 'true' || ref.name.endsWith('.fifo'),
      attributes,
      policy: parsePolicy(attributes.Policy, `policy of ${ref.arn}`),
    };
  },
  async readTags(clients, queue) {
    try {
      return (await clients.sqs.send(new ListQueueTagsCommand({ QueueUrl: queue.url }))).Tags ?? {};
    } catch (err) {
      if (isNotFound(err)) throw notFound(queue.arn, err);
      throw err;
    }
  },

  async applyOps(clients, ops) {
    for (const op of ops) {
      switch (op.kind) {
        case 'create-queue': {
          const out = await clients.sqs.send(new CreateQueueCommand({ QueueName: op.name, Attributes: op.attributes }));
          if (!out.QueueUrl) throw new Error(`CreateQueue ${op.name} returned no QueueUrl`);
          break;
        }
        case 'tag':
          await clients.sqs.send(new TagQueueCommand({ QueueUrl: op.url, Tags: op.tags }));
          break;
        case 'untag':
          await clients.sqs.send(new UntagQueueCommand({ QueueUrl: op.url, TagKeys: op.keys }));
          break;
        case 'set-attributes':
          if (op.expectPolicy !== undefined) {
            const live = (await readQueueAttributes(clients, op.url)).Policy ?? null;
            if (canonicalPolicyText(live) !== canonicalPolicyText(op.expectPolicy)) {
              throw new ConcurrentEditError('the queue policy changed after it was read; nothing was written (run again to re-plan)');
            }
          }
          await clients.sqs.send(new SetQueueAttributesCommand({ QueueUrl: op.url, Attributes: op.attributes as Partial<Record<QueueAttributeName, string>> }));
          break;
      }
    }
  },

  list: {
    permission: 'sqs:ListQueues',
    async *all(clients) {
      for await (const page of paginateListQueues({ client: clients.sqs, pageSize: 1000 }, {})) {
        for (const url of page.QueueUrls ?? []) {
          try {
            yield { arn: queueArnFromUrl(url, clients.region), hint: url };
          } catch (err) {
            if (!(err instanceof InputError)) throw err;
            yield { listed: url, error: err.message };
          }
        }
      }
    },
  },

  restorer: {
    writable: new Set(['Policy', 'KmsMasterKeyId', 'KmsDataKeyReusePeriodSeconds', 'SqsManagedSseEnabled', 'RedrivePolicy', 'RedriveAllowPolicy', 'VisibilityTimeout', 'MessageRetentionPeriod', 'DelaySeconds', 'ReceiveMessageWaitTimeSeconds', 'MaximumMessageSize']),
    current: (q) => ({ ...q.attributes }),
    write: (q, values, read) => [
      {
        kind: 'set-attributes',
        url: q.url,
        attributes: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, attributeText(v)])),
        ...('Policy' in values ? { expectPolicy: attributeText(read.Policy) || null } : {}),
      },
    ],
    tag: (q, set, remove) => [
      ...(remove.length ? [{ kind: 'untag' as const, url: q.url, keys: remove }] : []),
      ...(Object.keys(set).length ? [{ kind: 'tag' as const, url: q.url, tags: set }] : []),
    ],
  },
});
