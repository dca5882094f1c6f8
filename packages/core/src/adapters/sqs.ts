/**
 * The SQS adapter: every SQS call the engine makes goes through here.
 */
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ListQueueTagsCommand,
  SetQueueAttributesCommand,
  TagQueueCommand,
  type QueueAttributeName,
} from '@aws-sdk/client-sqs';
import type { ResourceRef } from '../arn';
import type { Clients } from '../aws/clients';
import { ResourceNotFoundError } from '../errors';
import { canonicalPolicyText, parsePolicy, serializePolicy, type PolicyDocument } from '../policy';

export interface SqsQueueState {
  kind: 'sqs-queue';
  arn: string;
  url: string;
  name: string;
  accountId: string;
  region: string;
  fifo: boolean;
  /** Every attribute as GetQueueAttributes(All) returned it. */
  attributes: Record<string, string>;
  policy: PolicyDocument | null;
  tags: Record<string, string>;
}

function isNotFound(err: unknown): boolean {
  const name = (err as { name?: string; Code?: string })?.name ?? '';
  return /QueueDoesNotExist|NonExistentQueue|AWS\.SimpleQueueService\.NonExistentQueue/.test(name) ||
    /does not exist/i.test((err as Error)?.message ?? '');
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

/** GetQueueUrl + GetQueueAttributes(All) + ListQueueTags: the whole base state in three calls. */
export async function readQueue(clients: Clients, ref: ResourceRef): Promise<SqsQueueState> {
  const url = await getQueueUrl(clients, ref.name, ref.accountId);
  if (!url) throw new ResourceNotFoundError(`queue ${ref.arn} does not exist`);
  try {
    const [attrs, tags] = await Promise.all([
      clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] })),
      clients.sqs.send(new ListQueueTagsCommand({ QueueUrl: url })),
    ]);
    const attributes = attrs.Attributes ?? {};
    return {
      kind: 'sqs-queue',
      arn: attributes.QueueArn ?? ref.arn,
      url,
      name: ref.name,
      accountId: ref.accountId,
      region: ref.region,
      fifo: attributes.FifoQueue === 'true' || ref.name.endsWith('.fifo'),
      attributes,
      policy: parsePolicy(attributes.Policy, `policy of ${ref.arn}`),
      tags: tags.Tags ?? {},
    };
  } catch (err) {
    if (isNotFound(err)) throw new ResourceNotFoundError(`queue ${ref.arn} does not exist`);
    throw err;
  }
}

export async function setQueueAttributes(clients: Clients, url: string, attributes: Record<string, string>): Promise<void> {
  await clients.sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: attributes as Partial<Record<QueueAttributeName, string>> }));
}

export async function createQueue(clients: Clients, name: string, attributes: Record<string, string>): Promise<string> {
  const out = await clients.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (!out.QueueUrl) throw new Error(`CreateQueue ${name} returned no QueueUrl`);
  return out.QueueUrl;
}

/** URLs of the queues that use `url` as their dead-letter queue. */
export async function deadLetterSourceQueues(clients: Clients, url: string): Promise<string[]> {
  const out = await clients.sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: url, MaxResults: 10 }));
  return out.queueUrls ?? [];
}

export async function readQueueAttributes(clients: Clients, url: string): Promise<Record<string, string>> {
  const out = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
  return out.Attributes ?? {};
}

/** The writes SQS remediations plan. `expectPolicy` guards read-modify-write of the queue policy. */
export type SqsOp =
  | { kind: 'set-attributes'; url: string; attributes: Record<string, string>; expectPolicy?: string | null }
  | { kind: 'create-queue'; name: string; attributes: Record<string, string> }
  | { kind: 'tag'; url: string; tags: Record<string, string> };

/** SetQueueAttributes(Policy), refused at apply time if the policy changed since it was read. */
export function queuePolicyOp(queue: SqsQueueState, after: PolicyDocument): SqsOp {
  return { kind: 'set-attributes', url: queue.url, attributes: { Policy: serializePolicy(after) }, expectPolicy: queue.attributes.Policy ?? null };
}

/** Perform SQS operations in order. A policy edited by someone else since it was read is not overwritten. */
export async function applySqsOps(clients: Clients, ops: SqsOp[]): Promise<void> {
  for (const op of ops) {
    if (op.kind === 'create-queue') {
      await createQueue(clients, op.name, op.attributes);
      continue;
    }
    if (op.kind === 'tag') {
      await clients.sqs.send(new TagQueueCommand({ QueueUrl: op.url, Tags: op.tags }));
      continue;
    }
    if (op.expectPolicy !== undefined) {
      const live = (await readQueueAttributes(clients, op.url)).Policy ?? null;
      if (canonicalPolicyText(live) !== canonicalPolicyText(op.expectPolicy)) {
        throw new Error('the queue policy changed after it was read; nothing was written (run again to re-plan)');
      }
    }
    await setQueueAttributes(clients, op.url, op.attributes);
  }
}
